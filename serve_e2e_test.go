package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers/probe"
	"github.com/vendorwatch/vendorwatch/remote"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var servingLine = regexp.MustCompile(`serving \d+ vendors on (https?://[^ ]+|unix:[^ ]+) `)

// server is `vendorwatch serve` running in-process.
type server struct {
	url    string
	stderr *syncBuffer
	stop   func() (code int, took time.Duration)
}

// startServe runs `vendorwatch serve` in-process on a free loopback port
// with the environment already set by the test, and waits until its
// first check is in the snapshot.
func startServe(t *testing.T, token string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), io.Discard, stderr)
	}()
	s := &server{stderr: stderr}
	stopped := false
	s.stop = func() (int, time.Duration) {
		if stopped {
			return 0, 0
		}
		stopped = true
		start := time.Now()
		cancel()
		select {
		case code := <-done:
			return code, time.Since(start)
		case <-time.After(20 * time.Second):
			t.Fatalf("serve did not stop; stderr:\n%s", stderr)
		}
		return 0, 0
	}
	t.Cleanup(func() { s.stop() })
	deadline := time.Now().Add(15 * time.Second)
	for s.url == "" {
		if m := servingLine.FindStringSubmatch(stderr.String()); m != nil {
			s.url = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d:\n%s", code, stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", stderr)
		}
	}
	for {
		if rep, err := remote.FetchReport(context.Background(), s.url, token); err == nil && checked(rep) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve made no check:\n%s", stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checked reports whether every vendor of the report has been checked.
func checked(rep correlate.Report) bool {
	for _, v := range rep.Vendors {
		if v.Status.CheckedAt.IsZero() {
			return false
		}
	}
	return len(rep.Vendors) > 0
}

// countingVendor is a vendor that must never be asked anything.
func countingVendor(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		jsonNotFound(w)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// The acceptance case: serve on loopback exposes vendor-labelled metric
// families and the schema-1 snapshot; --once --json --remote returns the
// same vendors without touching any vendor or resolving any key; report
// --remote comes from the server's history; the server stops within
// seconds.
func TestServeAndRemote(t *testing.T) {
	cfg := threeVendors(t, "anthropic__statuspage_summary_incident_investigating.json")
	state := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv(remote.EnvToken, "")
	srv := startServe(t, "", "--config", cfg, "--state-dir", state)

	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		"# TYPE vendorwatch_vendor_state gauge",
		`vendorwatch_vendor_state{state="degraded",vendor="anthropic"} 1`,
		`vendorwatch_vendor_state{state="operational",vendor="openai"} 1`,
		`vendorwatch_incidents_open{vendor="github"} 1`,
		`vendorwatch_vendor_reachable{vendor="openai"} 1`,
		`vendorwatch_finding{kind="vendor_incident",severity="warning",vendor="anthropic"} 1`,
		"# TYPE vendorwatch_last_check_timestamp_seconds gauge",
		"# TYPE go_goroutines gauge",
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// A client whose own config names other vendors, with a key in an
	// unset variable: with --remote none of it is used.
	elsewhere, hits := countingVendor(t)
	os.Unsetenv("VW_NEVER_SET")
	local := writeConfig(t, fmt.Sprintf("vendors:\n  - id: openai\n    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]\n    api: {base_url: %[1]s}\n    keys:\n      - {name: prod, secret: env:VW_NEVER_SET}\n", elsewhere.URL))
	clientState := t.TempDir()
	stdout, stderr, code := runIn(t, clientState, "--config", local, "--once", "--json", "--remote", srv.url)
	var viaRemote correlate.Report
	if err := json.Unmarshal([]byte(stdout), &viaRemote); err != nil {
		t.Fatalf("exit %d, not JSON: %v\n%s\n%s", code, err, stdout, stderr)
	}
	served, err := remote.FetchReport(context.Background(), srv.url, "")
	if err != nil {
		t.Fatal(err)
	}
	ids := func(r correlate.Report) []string {
		var out []string
		for _, v := range r.Vendors {
			out = append(out, v.ID+"="+string(v.Status.State))
		}
		return out
	}
	if !slices.Equal(ids(viaRemote), ids(served)) || len(viaRemote.Vendors) != 3 {
		t.Errorf("--remote vendors %v, server has %v", ids(viaRemote), ids(served))
	}
	if code != served.Overall.ExitCode() || code != 1 {
		t.Errorf("exit %d, server overall %s", code, served.Overall)
	}
	if strings.Contains(stdout, "no_secret") || strings.Contains(stdout, "VW_NEVER_SET") {
		t.Errorf("--remote resolved a local key:\n%s", stdout)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the client contacted a vendor %d times", n)
	}
	if entries, _ := os.ReadDir(clientState); len(entries) != 0 {
		t.Errorf("--remote wrote to the local state dir: %v", entries)
	}

	// The table, --only, and the report.
	stdout, _, code = runIn(t, clientState, "--once", "--no-color", "--only", "openai,github", "--remote", srv.url)
	if code != 0 || !strings.Contains(stdout, "OpenAI") || strings.Contains(stdout, "Anthropic") || !strings.Contains(stdout, "remote: "+srv.url) {
		t.Errorf("--only over --remote: exit %d\n%s", code, stdout)
	}
	stdout, stderr, code = runIn(t, clientState, "report", "--since", "1h", "--remote", srv.url)
	if code != 0 || !strings.HasPrefix(stdout, "# Incident report") || !strings.Contains(stdout, "Elevated errors for multiple models") {
		t.Errorf("report --remote: exit %d\n%s\n%s", code, stdout, stderr)
	}
	stdout, _, code = runIn(t, clientState, "report", "--since", "1h", "--format", "json", "--vendor", "anthropic", "--remote", srv.url)
	var inc output.IncidentReport
	if err := json.Unmarshal([]byte(stdout), &inc); err != nil || code != 0 || len(inc.Timeline) == 0 || inc.Vendors[0] != "anthropic" {
		t.Errorf("report --format json --remote: %v exit %d\n%s", err, code, stdout)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the client contacted a vendor %d times", n)
	}

	code, took := srv.stop()
	if code != 0 || took > 5*time.Second {
		t.Errorf("serve stopped with %d after %s", code, took)
	}
	if !strings.Contains(srv.stderr.String(), "vendorwatch: stopped") {
		t.Errorf("stderr:\n%s", srv.stderr)
	}
	if _, err := os.Stat(filepath.Join(state, history.SnapshotFile)); err != nil {
		t.Errorf("serve did not keep the snapshot file fresh: %v", err)
	}
	if _, _, code := runIn(t, clientState, "--once", "--remote", srv.url); code != 3 {
		t.Errorf("a stopped server: exit %d, want 3", code)
	}
}

func TestServeToken(t *testing.T) {
	const token = "team-t0ken-9f8e7d6c5b4a"
	cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
	body, _ := os.ReadFile(cfg)
	cfg = writeConfig(t, string(body)+"serve:\n  token: env:VW_SERVE_TOKEN\n")
	t.Setenv("VW_SERVE_TOKEN", token)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	srv := startServe(t, token, "--config", cfg, "--state-dir", t.TempDir())

	var outputs []string
	tests := []struct {
		name, token string
		code        int
		stderr      string
	}{
		{"no token", "", 3, "wants a token: set VENDORWATCH_TOKEN"},
		{"wrong token", "team-t0ken-wrong", 3, "rejected the token in VENDORWATCH_TOKEN"},
		{"right token", token, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(remote.EnvToken, tt.token)
			stdout, stderr, code := runCLI(t, "--once", "--json", "--remote", srv.url)
			outputs = append(outputs, stdout, stderr)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics without token: %d", resp.StatusCode)
	}
	t.Setenv(remote.EnvToken, token)
	if _, stderr, code := runCLI(t, "--once", "--remote", "http://192.0.2.1:9321"); code != 3 || !strings.Contains(stderr, "refusing to send $VENDORWATCH_TOKEN over plain HTTP") {
		t.Errorf("token over plain HTTP to another host: exit %d %s", code, stderr)
	}
	srv.stop()
	outputs = append(outputs, srv.stderr.String())
	if all := strings.Join(outputs, "\n"); strings.Contains(all, token) || strings.Contains(all, "9f8e7d6c") {
		t.Errorf("the token appears in an output:\n%s", all)
	}
}

func TestServeSetupErrors(t *testing.T) {
	cfg := writeConfig(t, "vendors:\n  - id: github\n    status: [{url: "+deadURL(t)+"/s.json, format: statuspage}]\nserve:\n  token: env:VW_NOT_SET_TOKEN\n")
	os.Unsetenv("VW_NOT_SET_TOKEN")
	_, stderr, code := runCLI(t, "serve", "--config", cfg, "--listen", "127.0.0.1:0")
	if code != 3 || !strings.Contains(stderr, "serve token: env:VW_NOT_SET_TOKEN: the variable is not set") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	t.Setenv("VW_NOT_SET_TOKEN", "x")
	if _, stderr, code := runCLI(t, "serve", "--config", cfg, "--listen", "nonsense"); code != 3 || !strings.Contains(stderr, "--listen") {
		t.Errorf("bad --listen: exit %d: %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "serve", "--remote", "http://127.0.0.1:1"); code != 3 || !strings.Contains(stderr, "--remote does not apply") {
		t.Errorf("serve --remote: exit %d: %s", code, stderr)
	}

	// A webhook whose URL does not resolve stops serve; a desktop notifier
	// on a machine without notify-send is skipped with a warning.
	os.Unsetenv("VW_NO_HOOK")
	hookCfg := writeConfig(t, "vendors:\n  - id: github\n    status: [{url: "+deadURL(t)+"/s.json, format: statuspage}]\nnotify:\n  - type: slack\n    url: env:VW_NO_HOOK\n")
	if _, stderr, code := runCLI(t, "serve", "--config", hookCfg, "--listen", "127.0.0.1:0"); code != 3 || !strings.Contains(stderr, "notifier slack-1: url env:VW_NO_HOOK: the variable is not set") {
		t.Errorf("unresolved webhook: exit %d: %s", code, stderr)
	}
	site := vendorsite(t, map[string]string{"/api/v2/summary.json": "github__statuspage_status_none.json"})
	deskCfg := writeConfig(t, "vendors:\n  - id: github\n    status: [{url: "+site.URL+"/api/v2/summary.json, format: statuspage}]\n    api: {base_url: "+site.URL+"}\nnotify:\n  - type: desktop\n")
	t.Setenv("PATH", t.TempDir())
	srv := startServe(t, "", "--config", deskCfg, "--state-dir", t.TempDir())
	if code, _ := srv.stop(); code != 0 || !strings.Contains(srv.stderr.String(), "warning: notifier desktop-1: desktop notifications need") {
		t.Errorf("desktop without a tool: exit %d\n%s", code, srv.stderr)
	}
}

// A finding that opens on the server fires its webhook and its command
// once, and no payload, metric or log line holds the key — even though the
// vendor echoes the whole key in its error.
func TestServeNotifiesWithoutKeys(t *testing.T) {
	key := probeKeys["openai-broken"]
	t.Setenv("VW_OPENAI_PROD", key)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	openai := fakeVendorAPI(t, "openai") // every key rejected, echoed back
	var mu sync.Mutex
	var hooks []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		hooks = append(hooks, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	out := t.TempDir()
	script := filepath.Join(out, "on-finding")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncat >> \""+out+"/stdin.jsonl\"\nenv >> \""+out+"/env.txt\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, fmt.Sprintf(`vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    keys:
      - {name: prod, secret: env:VW_OPENAI_PROD}
notify:
  - type: webhook
    url: %[2]s/hook
  - type: slack
    url: env:VW_SLACK_HOOK
  - type: command
    command: %[3]s
`, openai.URL, hook.URL, script))
	t.Setenv("VW_SLACK_HOOK", hook.URL+"/slack")
	srv := startServe(t, "", "--config", cfg, "--state-dir", t.TempDir())
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(hooks)
		mu.Unlock()
		stdin, _ := os.ReadFile(filepath.Join(out, "stdin.jsonl"))
		if n >= 2 && len(stdin) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications: %d webhooks, command stdin %q\n%s", n, stdin, srv.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The receiver has the payload a moment before serve counts it sent.
	metrics := []byte(metricsOf(t, srv.url))
	for i := 0; i < 100 && !strings.Contains(string(metrics), `vendorwatch_notifications_total{notifier="webhook-1",result="sent"} 1`); i++ {
		time.Sleep(20 * time.Millisecond)
		metrics = []byte(metricsOf(t, srv.url))
	}
	srv.stop()

	mu.Lock()
	defer mu.Unlock()
	var generic notify.Payload
	var slack map[string]string
	for _, h := range hooks {
		if strings.Contains(h, `"schema_version"`) {
			json.Unmarshal([]byte(h), &generic)
		} else {
			json.Unmarshal([]byte(h), &slack)
		}
	}
	if len(hooks) != 2 || generic.Event != "finding_opened" || generic.Finding.ID != "key_revoked:openai:prod" || generic.Finding.Kind != correlate.KindKeyRevoked {
		t.Errorf("webhooks = %q", hooks)
	}
	if !strings.Contains(slack["text"], "OpenAI key prod revoked") {
		t.Errorf("slack = %v", slack)
	}
	if !strings.Contains(string(metrics), `vendorwatch_notifications_total{notifier="webhook-1",result="sent"} 1`) {
		t.Errorf("metrics lack the notification count")
	}
	stdin, _ := os.ReadFile(filepath.Join(out, "stdin.jsonl"))
	env, _ := os.ReadFile(filepath.Join(out, "env.txt"))
	all := strings.Join(append(hooks, string(stdin), string(env), string(metrics), srv.stderr.String()), "\n")
	if strings.Contains(string(env), "VW_OPENAI_PROD") || strings.Contains(string(env), "VW_SLACK_HOOK") {
		t.Errorf("the command inherited vendorwatch's secrets:\n%s", env)
	}
	assertNoKey(t, all, key)
}

// assertNoKey fails if the key, or any 8 characters of the part its
// fingerprint hides, appears in s.
func assertNoKey(t *testing.T, s, key string) {
	t.Helper()
	if strings.Contains(s, key) {
		t.Fatal("the key appears in the output")
	}
	hidden := key[len(probe.Fingerprint(key))-len("…")-4 : len(key)-4]
	for i := 0; i+8 <= len(hidden); i++ {
		if strings.Contains(s, hidden[i:i+8]) {
			t.Fatalf("part of the key (%q) appears in the output", hidden[i:i+8])
		}
	}
}
