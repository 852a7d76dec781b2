package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

// result is one process run.
type result struct {
	Wall    time.Duration
	CPU     time.Duration // user + system
	MaxRSS  int64         // bytes
	Written int64         // bytes written to storage (write_bytes)
	Seen    counters      // what the fake hosts saw
	OK      int           // status sources read
	Failed  int           // status sources that failed
	Reused  int           // sources answered 304 and reused
	Vendors int
	Exit    int
}

// caFile is the fake hosts' certificate (PEM) with -tls, else "".
var caFile string

// env is the child's environment: nothing of the user's config or state;
// with -tls, the fake hosts' certificate as the only trusted root.
func env(home string) []string {
	e := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"TERM=xterm-256color",
	}
	if caFile != "" {
		e = append(e, "SSL_CERT_FILE="+caFile)
	}
	return e
}

// once runs `vendorwatch --once --json` and checks what it printed.
func once(bin, home, config, state string, hosts fleet) (result, error) {
	hosts.take()
	cmd := exec.Command(bin, "--config", config, "--state-dir", state, "--once", "--json")
	cmd.Env = env(home)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	wall, peak, err := runMeasured(cmd)
	r := result{Wall: wall, Seen: hosts.take()}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return r, err
	}
	r.Exit = cmd.ProcessState.ExitCode()
	r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	r.MaxRSS = peakOr(peak, cmd.ProcessState)
	r.Written = writtenBytes(cmd.ProcessState)
	if r.Exit == 3 {
		return r, fmt.Errorf("vendorwatch --once exited 3: %s", errb.String())
	}
	var rep struct {
		Vendors []struct {
			Status struct {
				Sources []struct {
					OK          bool   `json:"ok"`
					Error       string `json:"error"`
					URL         string `json:"url"`
					NotModified bool   `json:"not_modified"`
				} `json:"sources"`
			} `json:"status"`
		} `json:"vendors"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return r, fmt.Errorf("reading vendorwatch's JSON: %w", err)
	}
	r.Vendors = len(rep.Vendors)
	for _, v := range rep.Vendors {
		for _, s := range v.Status.Sources {
			switch {
			case !s.OK:
				r.Failed++
				if r.Failed == 1 {
					fmt.Fprintf(os.Stderr, "vwbench: a source failed: %s: %s\n", s.URL, s.Error)
				}
			case s.NotModified:
				r.Reused++
				r.OK++
			default:
				r.OK++
			}
		}
	}
	return r, nil
}

// runMeasured runs cmd and returns its wall time and the peak of its own
// memory (watchPeak; 0 where it cannot be read).
func runMeasured(cmd *exec.Cmd) (time.Duration, int64, error) {
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	stop := watchPeak(cmd.Process.Pid)
	err := cmd.Wait()
	wall := time.Since(start)
	return wall, stop(), err
}

// peakOr is the polled peak, or rusage's when there is none.
func peakOr(peak int64, ps *os.ProcessState) int64 {
	if peak > 0 {
		return peak
	}
	return maxRSS(ps)
}

// sequential is the baseline: every request of a cold run, one after the
// other, each on a new connection, as a loop of curl commands would.
func sequential(s *scenario, roots *x509.CertPool) (time.Duration, int, error) {
	tr := &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{RootCAs: roots}}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	start := time.Now()
	for _, r := range s.requests {
		resp, err := client.Get(r.url)
		if err != nil {
			return 0, 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return time.Since(start), len(s.requests), nil
}

// timeCalls runs a command n times and returns the wall time of each call.
func timeCalls(n int, home string, name string, args ...string) ([]time.Duration, error) {
	var ds []time.Duration
	for range n {
		cmd := exec.Command(name, args...)
		cmd.Env = env(home)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ds = append(ds, time.Since(start))
	}
	return ds, nil
}

// helloWorld builds the smallest Go program that prints a line: the floor
// of any Go process's start on this machine.
func helloWorld(dir string) (string, error) {
	src := filepath.Join(dir, "hello")
	if err := os.MkdirAll(src, 0o700); err != nil {
		return "", err
	}
	files := map[string]string{
		"go.mod":  "module hello\n\ngo 1.26\n",
		"main.go": "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o600); err != nil {
			return "", err
		}
	}
	bin := filepath.Join(dir, "hello-bin")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Stderr = os.Stderr
	return bin, cmd.Run()
}

// median of durations.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// medianOf applies f to each result and returns the median.
func medianOf(rs []result, f func(result) time.Duration) time.Duration {
	var ds []time.Duration
	for _, r := range rs {
		ds = append(ds, f(r))
	}
	return median(ds)
}

// spread is the minimum and maximum.
func spread(rs []result, f func(result) time.Duration) (time.Duration, time.Duration) {
	var ds []time.Duration
	for _, r := range rs {
		ds = append(ds, f(r))
	}
	return slices.Min(ds), slices.Max(ds)
}
