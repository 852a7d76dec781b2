package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/history"
)

// Issue 21: --tmux with a relative --state-dir (and a relative config,
// given by flag or by $VENDORWATCH_CONFIG) refreshes like an absolute
// one. The background refresh runs in the state dir; a path resolved
// there a second time named rel/rel, or a config that is not there, and
// the line stayed "?" forever while every call started another check.
func TestTmuxRefreshesWithRelativePaths(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v2/summary.json" {
			jsonNotFound(w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"page":{"url":"https://status.acme.test"},"status":{"indicator":"none","description":"All Systems Operational"},"components":[],"incidents":[]}`))
	}))
	defer site.Close()
	cfg := "vendors:\n  - id: acme\n    name: Acme Voice\n    status: [{url: " + site.URL + "/api/v2/summary.json, format: statuspage}]\n"

	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"config by flag", nil, []string{"--config", "cfg.yaml"}},
		{"config by environment", []string{"VENDORWATCH_CONFIG=cfg.yaml"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wd := t.TempDir()
			if err := os.WriteFile(filepath.Join(wd, "cfg.yaml"), []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			state := filepath.Join(wd, "rel")
			t.Cleanup(func() { waitForRefreshLock(state) })
			args := append([]string{"--tmux", "--format", "plain", "--state-dir", "rel"}, tc.args...)
			if first := runBinIn(t, bin, wd, tc.env, args...); first != "? vendorwatch" {
				t.Errorf("first line = %q, want the neutral marker", first)
			}
			waitForFile(t, filepath.Join(state, history.SnapshotFile), 15*time.Second)
			waitForRefreshLock(state)
			if line := runBinIn(t, bin, wd, tc.env, args...); line != "● 1 ok" {
				log, _ := os.ReadFile(filepath.Join(state, "tmux-refresh.log"))
				t.Errorf("second line = %q, want the refreshed vendor (refresh log: %s)", line, log)
			}
			if _, err := os.Stat(filepath.Join(state, "rel")); err == nil {
				t.Error("the refresh made rel/rel: it resolved the relative state dir a second time")
			}
		})
	}
}

// runBinIn runs the built binary in dir with an isolated environment plus
// env, and returns its stdout.
func runBinIn(t *testing.T, bin, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "VENDORWATCH_CONFIG=")
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// waitForRefreshLock waits (at most 20 s) until no background refresh
// holds the state dir's refresh lock.
func waitForRefreshLock(dir string) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if l, held, err := app.RefreshLock(dir); err == nil && !held {
			l.Unlock()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
