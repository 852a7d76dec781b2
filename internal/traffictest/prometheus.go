package traffictest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RequireEnv is the environment variable .ci/run sets to 1: the tests that
// need the real prometheus binary then fail when it is missing instead of
// skipping, so CI never passes them over.
const RequireEnv = "VENDORWATCH_REQUIRE_PROMETHEUS"

// binary is where Debian's prometheus package installs the server, tried
// when it is not on PATH. A variable so a test can take it away.
var binary = "/usr/bin/prometheus"

// readyWithin bounds how long the harness waits for the server to start
// and for a scrape to show up: generous, for a 2-core machine shared with
// other tests.
const readyWithin = 60 * time.Second

// Prometheus is a real prometheus server on loopback, started by a test
// with a scrape config of its own and a temporary database.
type Prometheus struct {
	// URL is the server's base URL (http://127.0.0.1:port): what
	// vendorwatch's traffic: prometheus: url: names.
	URL string

	t    testing.TB
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
	once sync.Once
}

// Binary returns the path of the prometheus binary, or skips t with a
// clear message when there is none (fails it when RequireEnv says the
// binary must be there).
func Binary(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("prometheus"); err == nil {
		return p
	}
	if _, err := os.Stat(binary); err == nil {
		return binary
	}
	msg := "prometheus is not installed (Debian: apt-get install prometheus); this test runs the real server"
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s, and %s=1 requires it", msg, RequireEnv)
	}
	t.Skip(msg)
	return ""
}

// StartPrometheus starts the real prometheus on a free loopback port,
// scraping each target (host:port, serving /metrics) every second under
// the job "traffictest", with its database in a temporary directory. It
// returns once the server is ready; the test's cleanup stops it. It skips
// t when the binary is missing (see Binary).
func StartPrometheus(t testing.TB, targets ...string) *Prometheus {
	t.Helper()
	return StartPrometheusWith(t, PrometheusConfig{Targets: targets})
}

// PrometheusConfig is what StartPrometheusWith sets up beyond the
// one-second scrape and evaluation intervals.
type PrometheusConfig struct {
	// Job is the scrape job's name ("traffictest" when empty).
	Job string
	// Targets are the host:port addresses scraped at /metrics.
	Targets []string
	// RuleFiles are alerting rule files, read where they are.
	RuleFiles []string
	// Alertmanager is the host:port of an Alertmanager that gets the
	// alerts, resent every second while they fire ("" for none).
	Alertmanager string
}

// StartPrometheusWith starts the real prometheus as StartPrometheus does,
// with a job name, alerting rules and an Alertmanager of the test's.
func StartPrometheusWith(t testing.TB, c PrometheusConfig) *Prometheus {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, prometheusConfig(c), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	p := &Prometheus{URL: "http://" + addr, t: t, log: &syncBuffer{}, done: make(chan struct{})}
	args := []string{
		"--config.file=" + cfg,
		"--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + addr,
		"--log.level=warn",
	}
	if c.Alertmanager != "" {
		args = append(args, "--rules.alert.resend-delay=1s")
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.Stop)
	if err := waitReady(p.URL, p.done); err != nil {
		p.Stop()
		t.Fatalf("prometheus on %s: %v\n%s", addr, err, p.log.String())
	}
	return p
}

// prometheusConfig is a prometheus.yml that scrapes the targets every
// second and, with rules, evaluates them every second.
func prometheusConfig(c PrometheusConfig) []byte {
	job := c.Job
	if job == "" {
		job = "traffictest"
	}
	// JSON lists and strings are YAML flow sequences and scalars.
	targets, _ := json.Marshal(c.Targets)
	jobName, _ := json.Marshal(job)
	out := []byte("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n")
	if len(c.RuleFiles) > 0 {
		files, _ := json.Marshal(c.RuleFiles)
		out = fmt.Appendf(out, "rule_files: %s\n", files)
	}
	if c.Alertmanager != "" {
		am, _ := json.Marshal([]string{c.Alertmanager})
		out = fmt.Appendf(out, "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: %s\n", am)
	}
	return fmt.Appendf(out, `scrape_configs:
  - job_name: %s
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: %s
`, jobName, targets)
}

// freePort finds a loopback port nobody listens on. Another process may
// take it before prometheus does; the harness then fails with the log.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// waitReady polls base's /-/ready until the server says it is ready or
// exits (done closes).
func waitReady(base string, done <-chan struct{}) error {
	deadline := time.Now().Add(readyWithin)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return errors.New("the server exited")
		default:
		}
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("not ready within %s", readyWithin)
}

// Stop stops the server (SIGTERM, then SIGKILL after ten seconds) and
// waits for it to exit. Stopping twice is harmless; a test stops it early
// to see the traffic source go down.
func (p *Prometheus) Stop() {
	p.once.Do(func() {
		if p.cmd.Process == nil {
			return
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
}

// Log is what the server has written so far, for a failing test's
// message.
func (p *Prometheus) Log() string { return p.log.String() }

// Sample is one series of an instant query's answer.
type Sample struct {
	Labels map[string]string
	Value  float64
}

// Query runs an instant PromQL query and returns its samples. It fails
// the test when Prometheus refuses the query or answers something other
// than a vector.
func (p *Prometheus) Query(query string) []Sample {
	p.t.Helper()
	samples, err := p.query(query)
	if err != nil {
		p.t.Fatalf("query %s: %v", query, err)
	}
	return samples
}

func (p *Prometheus) query(query string) ([]Sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/api/v1/query?"+url.Values{"query": {query}}.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status    string `json:"status"`
		Error     string `json:"error"`
		ErrorType string `json:"errorType"`
		Data      struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<22)).Decode(&body); err != nil {
		return nil, fmt.Errorf("reading the answer (HTTP %d): %w", resp.StatusCode, err)
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("%s: %s", body.ErrorType, body.Error)
	}
	if body.Data.ResultType != "vector" {
		return nil, fmt.Errorf("result type %q, want vector", body.Data.ResultType)
	}
	out := make([]Sample, 0, len(body.Data.Result))
	for _, r := range body.Data.Result {
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("sample value %q: %w", s, err)
		}
		out = append(out, Sample{Labels: r.Metric, Value: v})
	}
	return out, nil
}

// WaitFor polls an instant query until ok accepts its samples, and fails
// the test with the last answer and the server's log when that does not
// happen within a minute. Tests use it to wait for scrapes, never to time
// anything.
func (p *Prometheus) WaitFor(query string, ok func([]Sample) bool) []Sample {
	p.t.Helper()
	deadline := time.Now().Add(readyWithin)
	var last []Sample
	var err error
	for time.Now().Before(deadline) {
		if last, err = p.query(query); err == nil && ok(last) {
			return last
		}
		time.Sleep(250 * time.Millisecond)
	}
	p.t.Fatalf("query %s: no expected answer within %s (last: %v, error: %v)\n%s", query, readyWithin, last, err, p.log.String())
	return nil
}

// WaitForSeries waits until the query returns at least one series: the
// exporter's metrics have been scraped.
func (p *Prometheus) WaitForSeries(query string) []Sample {
	p.t.Helper()
	return p.WaitFor(query, func(s []Sample) bool { return len(s) > 0 })
}

// syncBuffer is a bytes.Buffer the server's output can be written to while
// a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 1<<20 {
		return len(p), nil // enough to say what went wrong
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
