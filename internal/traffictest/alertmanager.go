package traffictest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// alertmanagerBinaries are the names Alertmanager goes by: Debian's
// prometheus-alertmanager package installs /usr/bin/prometheus-alertmanager,
// upstream's tarball a binary called alertmanager. A variable so a test
// can take them away.
var alertmanagerBinaries = []string{"prometheus-alertmanager", "alertmanager", "/usr/bin/prometheus-alertmanager"}

// Tool returns the path of the first of the named programs found (on PATH,
// or at an absolute name), or skips t saying which Debian package to
// install (fails it when RequireEnv says the tools must be there).
func Tool(t testing.TB, debianPackage string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if filepath.IsAbs(n) {
			if _, err := os.Stat(n); err == nil {
				return n
			}
			continue
		}
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s is not installed (Debian: apt-get install %s); this test runs the real program", names[0], debianPackage)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s, and %s=1 requires it", msg, RequireEnv)
	}
	t.Skip(msg)
	return ""
}

// Alertmanager is a real Alertmanager on loopback, started by a test with
// a config of its own, clustering off and its state in a temporary
// directory.
type Alertmanager struct {
	// URL is the server's base URL (http://127.0.0.1:port).
	URL string
	// Addr is its host:port, what Prometheus's alerting: section names.
	Addr string

	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
	once sync.Once
}

// StartAlertmanager starts the real Alertmanager on a free loopback port
// with config (an alertmanager.yml) and returns once it is ready; the
// test's cleanup stops it. It skips t when the binary is missing (see
// Tool).
func StartAlertmanager(t testing.TB, config []byte) *Alertmanager {
	t.Helper()
	bin := Tool(t, "prometheus-alertmanager", alertmanagerBinaries...)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, config, 0o600); err != nil {
		t.Fatal(err)
	}
	addr, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	a := &Alertmanager{URL: "http://" + addr, Addr: addr, log: &syncBuffer{}, done: make(chan struct{})}
	// An empty cluster address turns the gossip off: a lone Alertmanager
	// needs no peers and must not look for any on the machine.
	a.cmd = exec.Command(bin,
		"--config.file="+cfg,
		"--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--cluster.listen-address=",
		"--log.level=warn",
	)
	a.cmd.Stdout, a.cmd.Stderr = a.log, a.log
	if err := a.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	go func() {
		_ = a.cmd.Wait()
		close(a.done)
	}()
	t.Cleanup(a.Stop)
	if err := waitReady(a.URL, a.done); err != nil {
		a.Stop()
		t.Fatalf("alertmanager on %s: %v\n%s", addr, err, a.log.String())
	}
	return a
}

// Stop stops the server (SIGTERM, then SIGKILL after ten seconds) and
// waits for it to exit. Stopping twice is harmless.
func (a *Alertmanager) Stop() {
	a.once.Do(func() {
		if a.cmd.Process == nil {
			return
		}
		_ = a.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-a.done:
		case <-time.After(10 * time.Second):
			_ = a.cmd.Process.Kill()
			<-a.done
		}
	})
}

// Log is what the server has written so far, for a failing test's
// message.
func (a *Alertmanager) Log() string { return a.log.String() }

// Alert is one alert as Alertmanager's API v2 lists it.
type Alert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Status      struct {
		State       string   `json:"state"` // active, suppressed or unprocessed
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status"`
}

// Alerts lists the alerts Alertmanager holds, inhibited and silenced
// ones included.
func (a *Alertmanager) Alerts() ([]Alert, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+"/api/v2/alerts", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("listing alerts: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("listing alerts: HTTP %d", resp.StatusCode)
	}
	var out []Alert
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<22)).Decode(&out); err != nil {
		return nil, fmt.Errorf("reading the alerts: %w", err)
	}
	return out, nil
}
