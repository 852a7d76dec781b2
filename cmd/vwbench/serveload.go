package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// loadLevel is what one level of concurrent scrapers saw and cost.
type loadLevel struct {
	Clients   int
	Requests  int
	Errors    int // transport errors and answers other than 200 and 503
	Rejected  int // 503 answers (too many requests in flight)
	Metrics   []time.Duration
	Snapshot  []time.Duration
	Bytes     int64
	PeakRSS   int64 // bytes; the kernel's high-water mark during the level
	AfterRSS  int64 // bytes, a few seconds after the level ended
	FirstErr  string
	Gzipped   bool // the server answered gzip when asked
	Exposures int  // /metrics answers that were not a Prometheus exposition
}

// servingURL finds the address serve prints when it starts.
var servingURL = regexp.MustCompile(`serving \d+ vendors on (https?://\S+|unix:\S+)`)

// runningServe is a `vendorwatch serve` started over a scenario.
type runningServe struct {
	url, tok     string
	pid          int
	proto        string
	newTransport func() *http.Transport
	stop         func()
	// exited is the process's state once stop has returned.
	exited *os.ProcessState
}

// startServe starts `vendorwatch serve` over the scenario's vendors, with
// a token (and serve.tls with useTLS) and any more config in extra, and
// waits until its snapshot has every vendor checked.
func startServe(bin, home string, sc *scenario, state, extra string, useTLS bool) (*runningServe, error) {
	token := make([]byte, 16)
	rand.Read(token)
	rs := &runningServe{tok: hex.EncodeToString(token), proto: "HTTP/1.1"}
	cfg := sc.config + ".serve.yaml"
	base, err := os.ReadFile(sc.config)
	if err != nil {
		return nil, err
	}
	serveCfg := extra + "serve:\n  token: env:VWBENCH_SERVE_TOKEN\n"
	rs.newTransport = func() *http.Transport { return &http.Transport{MaxConnsPerHost: 1, DisableCompression: true} }
	if useTLS {
		certFile, keyFile, roots, err := serveCert(filepath.Dir(state))
		if err != nil {
			return nil, err
		}
		serveCfg += fmt.Sprintf("  tls: {cert: %q, key: %q}\n", certFile, keyFile)
		rs.newTransport = func() *http.Transport {
			return &http.Transport{MaxConnsPerHost: 1, DisableCompression: true, TLSClientConfig: &tls.Config{RootCAs: roots}}
		}
		rs.proto = "HTTPS (HTTP/1.1)"
	}
	if err := os.WriteFile(cfg, append(base, serveCfg...), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--config", cfg, "--state-dir", state, "--listen", "127.0.0.1:0")
	cmd.Env = append(env(home), "VWBENCH_SERVE_TOKEN="+rs.tok)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	rs.pid = cmd.Process.Pid
	rs.stop = func() {
		if rs.exited != nil {
			return
		}
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		rs.exited = cmd.ProcessState
	}
	urls := make(chan string, 1)
	go func() {
		sent := false
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			if m := servingURL.FindStringSubmatch(s.Text()); m != nil && !sent {
				urls <- m[1]
				sent = true
			}
			if strings.Contains(s.Text(), "error") || strings.Contains(s.Text(), "warning") {
				fmt.Fprintln(os.Stderr, "vwbench: serve:", s.Text())
			}
		}
		close(urls)
	}()
	select {
	case u, ok := <-urls:
		if !ok {
			rs.stop()
			return nil, errors.New("serve exited before it listened")
		}
		rs.url = u
	case <-time.After(30 * time.Second):
		rs.stop()
		return nil, errors.New("serve did not start within 30 s")
	}
	if err := waitChecked(rs.url, rs.tok, sc.vendors, rs.newTransport()); err != nil {
		rs.stop()
		return nil, err
	}
	return rs, nil
}

// serveLoad runs `vendorwatch serve` over the scenario's vendors and
// scrapes it with each number of concurrent clients in levels, every
// client on its own connection asking for /metrics and /api/v1/snapshot
// in turn (gzip accepted, as Prometheus and --remote do), for d each. It
// reports the server's peak and settled resident memory per level, the
// latencies and every error, as a Markdown table.
func serveLoad(bin, home string, sc *scenario, state string, levels []int, d time.Duration, useTLS bool) error {
	rs, err := startServe(bin, home, sc, state, "", useTLS)
	if err != nil {
		return err
	}
	defer rs.stop()
	url, tok, proto, newTransport := rs.url, rs.tok, rs.proto, rs.newTransport
	pid := rs.pid
	start, _ := procRSS(pid, "VmRSS")
	fmt.Printf("### serve under concurrent scrapers (%d vendors, %s; every client on its own connection, /metrics and /api/v1/snapshot in turn, gzip accepted, for %s a level)\n\n", sc.vendors, proto, d)
	fmt.Printf("RSS after the first check, before any scrape: %s\n\n", mib(start))
	fmt.Println("| clients | requests | errors | 503 | /metrics p50 / p99 | /api/v1/snapshot p50 / p99 | MB sent | peak RSS | RSS 3 s after |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, c := range levels {
		clearPeak(pid)
		l := scrapeLevel(url, tok, c, d, newTransport)
		l.PeakRSS, _ = procRSS(pid, "VmHWM")
		time.Sleep(3 * time.Second)
		l.AfterRSS, _ = procRSS(pid, "VmRSS")
		fmt.Printf("| %d | %d | %d | %d | %s / %s | %s / %s | %.1f | %s | %s |\n", c, l.Requests, l.Errors, l.Rejected,
			ms(pct(l.Metrics, 50)), ms(pct(l.Metrics, 99)), ms(pct(l.Snapshot, 50)), ms(pct(l.Snapshot, 99)),
			float64(l.Bytes)/1e6, mib(l.PeakRSS), mib(l.AfterRSS))
		if l.FirstErr != "" {
			fmt.Fprintf(os.Stderr, "vwbench: %d clients: first error: %s\n", c, l.FirstErr)
		}
		if !l.Gzipped {
			fmt.Fprintf(os.Stderr, "vwbench: %d clients: the server never answered gzip\n", c)
		}
	}
	hwm, _ := procRSS(pid, "VmHWM")
	fmt.Printf("\npeak RSS of the whole run (VmHWM): %s\n\n", mib(hwm))
	return nil
}

// waitChecked waits until the server's snapshot has every vendor checked.
func waitChecked(url, tok string, vendors int, tr *http.Transport) error {
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/snapshot", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err == nil {
			var rep struct {
				Vendors []struct {
					Status struct {
						CheckedAt time.Time `json:"checked_at"`
					} `json:"status"`
				} `json:"vendors"`
			}
			err = json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&rep)
			resp.Body.Close()
			done := err == nil && len(rep.Vendors) == vendors
			for _, v := range rep.Vendors {
				done = done && !v.Status.CheckedAt.IsZero()
			}
			if done {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("serve made no complete check within 60 s")
}

// scrapeLevel runs c clients against url for d.
func scrapeLevel(url, tok string, c int, d time.Duration, newTransport func() *http.Transport) loadLevel {
	l := loadLevel{Clients: c}
	var mu sync.Mutex
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			// One connection per client, as separate scrapers have; the
			// body is read as sent, so this process does not decompress.
			client := &http.Client{Timeout: 30 * time.Second, Transport: newTransport()}
			defer client.CloseIdleConnections()
			for i := 0; ctx.Err() == nil; i++ {
				path := "/metrics"
				if i%2 == 1 {
					path = "/api/v1/snapshot"
				}
				req, _ := http.NewRequest(http.MethodGet, url+path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Accept-Encoding", "gzip")
				t0 := time.Now()
				resp, err := client.Do(req)
				var n int64
				code := 0
				gz := false
				if err == nil {
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
					gz = resp.Header.Get("Content-Encoding") == "gzip"
				}
				took := time.Since(t0)
				mu.Lock()
				l.Requests++
				l.Bytes += n
				l.Gzipped = l.Gzipped || gz
				switch {
				case err != nil || (code != 200 && code != 503):
					l.Errors++
					if l.FirstErr == "" {
						if err != nil {
							l.FirstErr = err.Error()
						} else {
							l.FirstErr = path + ": HTTP " + strconv.Itoa(code)
						}
					}
				case code == 503:
					l.Rejected++
				case path == "/metrics":
					l.Metrics = append(l.Metrics, took)
				default:
					l.Snapshot = append(l.Snapshot, took)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return l
}

// serveCert writes a self-signed certificate and its key for serve.tls
// into dir, and returns the pool that trusts it.
func serveCert(dir string) (certFile, keyFile string, roots *x509.CertPool, err error) {
	cert, certFile, err := selfSigned(dir)
	if err != nil {
		return "", "", nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return "", "", nil, err
	}
	keyFile = filepath.Join(dir, "vwbench-key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return "", "", nil, err
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return "", "", nil, err
	}
	roots = x509.NewCertPool()
	roots.AddCert(leaf)
	return certFile, keyFile, roots, nil
}

// procRSS reads a memory figure (VmRSS, VmHWM) of a process, in bytes.
func procRSS(pid int, field string) (int64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// clearPeak resets the process's peak RSS (VmHWM) to its current RSS, so
// each level's peak is its own (Linux: /proc/PID/clear_refs, value 5).
func clearPeak(pid int) {
	os.WriteFile(filepath.Join("/proc", strconv.Itoa(pid), "clear_refs"), []byte("5"), 0)
}

// pct is the p-th percentile of ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// parseLevels reads "1,10,50,200".
func parseLevels(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-serve %q: want client counts such as 1,10,50,200", s)
		}
		out = append(out, n)
	}
	return out, nil
}
