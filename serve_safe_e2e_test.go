package main

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/remote"
	"github.com/vendorwatch/vendorwatch/serve"
)

const e2eToken = "team-t0ken-0f1e2d3c4b5a69788796"

// healthOf fetches /healthz with an optional token.
func healthOf(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/healthz", nil)
	if token != "" {
		req.Header.Set("Authorization", "bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A damaged history at start no longer turns history off silently: serve
// still serves, /healthz is 503 and says why to whoever has the token
// (only "degraded" to anyone else), and the failure is counted.
func TestServeWithADamagedHistory(t *testing.T) {
	cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
	body, _ := os.ReadFile(cfg)
	cfg = writeConfig(t, string(body)+"serve:\n  token: env:VW_SERVE_TOKEN\n")
	t.Setenv("VW_SERVE_TOKEN", e2eToken)
	t.Setenv(remote.EnvToken, e2eToken)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	state := t.TempDir()
	damaged := []byte("this was a database before the disk filled up\n")
	os.WriteFile(filepath.Join(state, history.DatabaseFile), damaged, 0o600)
	srv := startServe(t, e2eToken, "--config", cfg, "--state-dir", state)

	code, public := healthOf(t, srv.url, "")
	if code != 503 || strings.Join(strings.Fields(public), "") != `{"status":"degraded"}` {
		t.Errorf("/healthz without the token: %d %s", code, public)
	}
	code, full := healthOf(t, srv.url, e2eToken)
	var h serve.Health
	json.Unmarshal([]byte(full), &h)
	if code != 503 || h.Status != "degraded" || !strings.Contains(h.HistoryError, "history database is damaged") || len(h.Problems) == 0 {
		t.Errorf("/healthz with the token: %d %s", code, full)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+e2eToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), "vendorwatch_history_errors_total 1\n") || !strings.Contains(string(metrics), "vendorwatch_history_up 0\n") {
		t.Errorf("the failure is not counted:\n%s", metrics)
	}
	srv.stop()
	if b, _ := os.ReadFile(filepath.Join(state, history.DatabaseFile)); string(b) != string(damaged) {
		t.Error("the damaged database was changed")
	}
	if !strings.Contains(srv.stderr.String(), "history disabled for this run: history database is damaged") {
		t.Errorf("stderr:\n%s", srv.stderr)
	}
}

// A short token stops serve at the config's line, without showing it.
func TestServeRefusesAShortToken(t *testing.T) {
	cfg := writeConfig(t, "vendors:\n  - id: github\n    status: [{url: "+deadURL(t)+"/s.json, format: statuspage}]\nserve:\n  token: env:VW_SHORT_TOKEN\n")
	t.Setenv("VW_SHORT_TOKEN", "Zq7")
	_, stderr, code := runCLI(t, "serve", "--config", cfg, "--listen", "127.0.0.1:0")
	if code != 3 || !strings.Contains(stderr, cfg+":5: serve token env:VW_SHORT_TOKEN is shorter than 16 characters") || strings.Contains(stderr, "Zq7") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// serve on a unix socket, read with --remote unix:PATH: the socket is
// 0660 while serve runs and gone after.
func TestServeOnAUnixSocket(t *testing.T) {
	cfg := threeVendors(t, "anthropic__statuspage_summary_incident_investigating.json")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv(remote.EnvToken, "")
	sock := filepath.Join(t.TempDir(), "vw.sock")
	srv := startServe(t, "", "--config", cfg, "--state-dir", t.TempDir(), "--listen", "unix:"+sock)
	if srv.url != "unix:"+sock {
		t.Fatalf("serving on %s", srv.url)
	}
	if info, err := os.Lstat(sock); err != nil || info.Mode().Type() != fs.ModeSocket || info.Mode().Perm() != 0o660 {
		t.Errorf("socket: %v %v", err, info.Mode())
	}
	stdout, stderr, code := runCLI(t, "--once", "--json", "--remote", srv.url)
	if code != 1 || !strings.Contains(stdout, `"id": "anthropic"`) {
		t.Errorf("--remote %s: exit %d\n%s\n%s", srv.url, code, stdout, stderr)
	}
	if code, _ := srv.stop(); code != 0 {
		t.Errorf("serve exited %d", code)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket outlived serve: %v", err)
	}
}

// serve.tls serves HTTPS; --remote https:// reads it trusting
// $VENDORWATCH_CA_FILE, and refuses it without.
func TestServeOverHTTPS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := fixture.TLSCert(t, dir, "serve")
	cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
	body, _ := os.ReadFile(cfg)
	cfg = writeConfig(t, string(body)+"serve:\n  token: env:VW_SERVE_TOKEN\n  tls: {cert: "+certFile+", key: "+keyFile+"}\n")
	t.Setenv("VW_SERVE_TOKEN", e2eToken)
	t.Setenv(remote.EnvToken, e2eToken)
	t.Setenv(remote.EnvCAFile, certFile)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	srv := startServe(t, e2eToken, "--config", cfg, "--state-dir", t.TempDir())
	if !strings.HasPrefix(srv.url, "https://127.0.0.1:") || !strings.Contains(srv.stderr.String(), "certificate valid until ") {
		t.Fatalf("serving on %s:\n%s", srv.url, srv.stderr)
	}
	if stdout, stderr, code := runCLI(t, "--once", "--remote", srv.url); code != 0 || !strings.Contains(stdout, "remote: "+srv.url) {
		t.Errorf("--remote with the CA file: exit %d\n%s\n%s", code, stdout, stderr)
	}
	t.Setenv(remote.EnvCAFile, "")
	if _, stderr, code := runCLI(t, "--once", "--remote", srv.url); code != 3 || !strings.Contains(stderr, "certificate") {
		t.Errorf("--remote without the CA file: exit %d %s", code, stderr)
	}
	srv.stop()
	if strings.Contains(srv.stderr.String(), e2eToken) {
		t.Error("serve printed the token")
	}
}
