package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/remote"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// runBin runs the built binary with an isolated environment and returns
// its stdout, failing the test if it does not exit within limit. limit is
// not a speed goal: it only turns "blocked on a vendor" into a failure
// instead of a hung test.
func runBin(t *testing.T, bin string, limit time.Duration, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "VENDORWATCH_CONFIG=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
	case <-time.After(limit):
		cmd.Process.Kill()
		t.Fatalf("%v did not return within %s: it waited for something", args, limit)
	}
	return strings.TrimSpace(out.String())
}

// refreshStateDir is a state dir for a test whose --tmux call starts a
// background refresh: before the directory is removed, the test waits for
// that detached process to let go of the refresh lock, so it leaves
// nothing behind.
func refreshStateDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Cleanup(func() {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			if l, held, err := app.RefreshLock(dir); err == nil && !held {
				l.Unlock()
				return
			}
		}
	})
	return dir
}

// waitForFile polls until path exists.
func waitForFile(t *testing.T, path string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The acceptance case of issue 7: no cache and a vendor that never
// answers. --tmux returns at once with a neutral marker, starts one
// background refresh, and a few seconds later shows the vendors; an
// incident title holding #(…) never reaches the line.
func TestTmuxNeverBlocksAndRefreshesInTheBackground(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	var hits atomic.Int32
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v2/summary.json" {
			jsonNotFound(w)
			return
		}
		hits.Add(1)
		fmt.Fprint(w, `{"page":{"url":"https://status.acme.test"},"status":{"indicator":"major","description":"Partial outage"},
			"components":[{"id":"c","name":"#(touch /tmp/pwned)","status":"partial_outage"}],
			"incidents":[{"id":"i1","name":"#(touch /tmp/pwned) #[fg=blue]API down","status":"investigating","impact":"major"}]}`)
	}))
	defer hostile.Close()
	// The limit on each call (4 s) is well under the check's timeout (6 s),
	// so a widget that waited for the check fails, while eight processes
	// starting at once on a busy machine still make it.
	cfg := writeConfig(t, fmt.Sprintf(`timeout: 6s
vendors:
  - id: slowco
    name: Slow Co
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
  - id: acme
    name: Acme Voice
    status: [{url: %[2]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
`, hang.URL, hostile.URL))
	state := refreshStateDir(t)

	// Many tmux clients at once with no cache: each returns at once with
	// the neutral marker, and only one background refresh starts.
	var wg sync.WaitGroup
	lines := make([]string, 8)
	for i := range lines {
		wg.Go(func() { lines[i] = runBin(t, bin, 4*time.Second, "--tmux", "--config", cfg, "--state-dir", state) })
	}
	wg.Wait()
	for _, l := range lines {
		if l != "#[fg=colour16,bg=colour250]? vendorwatch#[default]" {
			t.Errorf("first line = %q, want the neutral marker", l)
		}
	}

	waitForFile(t, filepath.Join(state, history.SnapshotFile), 15*time.Second)
	if n := hits.Load(); n != 1 {
		t.Errorf("the status page was read %d times; many clients must start one refresh", n)
	}
	line := runBin(t, bin, time.Second, "--tmux", "--config", cfg, "--state-dir", state)
	if !strings.Contains(line, "#[fg=colour231,bg=colour160,bold]✖ Acme Voice#[default]") {
		t.Errorf("line = %q, want Acme Voice critical", line)
	}
	plain := regexp.MustCompile(`#\[[a-z0-9=,]+\]`).ReplaceAllString(line, "")
	if strings.Contains(plain, "#") || strings.Contains(line, "pwned") {
		t.Errorf("remote text reached the line: %q", line)
	}
	plainLine := runBin(t, bin, time.Second, "--tmux", "--format", "plain", "--ascii", "--state-dir", state)
	if !strings.HasPrefix(plainLine, "X Acme Voice") || strings.Contains(plainLine, "#") {
		t.Errorf("plain line = %q", plainLine)
	}
}

// While a dashboard or serve holds the live lock, they keep the snapshot
// fresh: the widget shows what is there and starts no refresh of its own.
func TestTmuxLeavesRefreshToARunningDashboard(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	var hits atomic.Int32
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		jsonNotFound(w)
	}))
	defer site.Close()
	cfg := writeConfig(t, "vendors:\n  - id: acme\n    name: Acme\n    status: [{url: "+site.URL+"/s.json, format: statuspage}]\n")
	state := t.TempDir()
	lock := app.HoldLiveLock(state)
	if lock == nil {
		t.Skip("advisory locks are not available here")
	}
	defer lock.Unlock()
	if line := runBin(t, bin, time.Second, "--tmux", "--config", cfg, "--state-dir", state); line != "#[fg=colour16,bg=colour250]? vendorwatch#[default]" {
		t.Errorf("line = %q", line)
	}
	time.Sleep(500 * time.Millisecond) // a refresh, had one started, would have asked by now
	if n := hits.Load(); n != 0 {
		t.Errorf("the widget started a refresh while the dashboard held the live lock (%d requests)", n)
	}
	if _, err := os.Stat(filepath.Join(state, "tmux-refresh.log")); err == nil {
		t.Error("a refresh was started")
	}
}

func TestTmuxFlags(t *testing.T) {
	if _, stderr, code := runCLI(t, "--tmux", "--format", "xml"); code != 3 || !strings.Contains(stderr, `--format "xml"`) {
		t.Errorf("bad format: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "--once", "--max-width", "20"); code != 3 || !strings.Contains(stderr, "go with --tmux") {
		t.Errorf("--max-width without --tmux: exit %d, %s", code, stderr)
	}
	if testing.Short() {
		return
	}
	// The real binary: with no cache, --tmux starts a refresh of itself.
	site := httptest.NewServer(http.NotFoundHandler())
	defer site.Close()
	cfg := writeConfig(t, "vendors:\n  - id: acme\n    status: [{url: "+site.URL+"/s.json, format: statuspage}]\n")
	line := runBin(t, buildBinary(t), time.Second, "--tmux", "--format", "waybar", "--config", cfg, "--state-dir", refreshStateDir(t))
	if !strings.Contains(line, `"class":"unknown"`) || !strings.Contains(line, `"text":"? vendorwatch"`) {
		t.Errorf("waybar with no cache: %q", line)
	}
}

// An old snapshot is shown with a stale marker (and, were no dashboard
// running, a refresh would start).
func TestTmuxMarksStaleData(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	state := t.TempDir()
	lock := app.HoldLiveLock(state) // no refresh: this test is about the marker
	if lock == nil {
		t.Skip("advisory locks are not available here")
	}
	defer lock.Unlock()
	old := time.Now().Add(-2 * time.Hour)
	snap := fmt.Sprintf(`{"schema_version":1,"generated_at":%q,"overall":"ok","vendors":[{"id":"a","name":"A","level":"ok","status":{"state":"operational"},"keys":[]},{"id":"b","name":"B","level":"ok","status":{"state":"operational"},"keys":[]}],"findings":[]}`,
		old.UTC().Format(time.RFC3339))
	if err := os.WriteFile(filepath.Join(state, history.SnapshotFile), []byte(snap), 0o600); err != nil {
		t.Fatal(err)
	}
	// The file's time is when a check last confirmed it (history.StateRefresh).
	if err := os.Chtimes(filepath.Join(state, history.SnapshotFile), old, old); err != nil {
		t.Fatal(err)
	}
	line := runBin(t, bin, time.Second, "--tmux", "--format", "plain", "--state-dir", state)
	if line != "● 2 ok ⌛ 2h00m" {
		t.Errorf("line = %q, want the stale marker", line)
	}
	if fresh := runBin(t, bin, time.Second, "--tmux", "--format", "plain", "--max-age", "24h", "--state-dir", state); fresh != "● 2 ok" {
		t.Errorf("with --max-age 24h: %q", fresh)
	}
	// A check that found nothing changed sets only the file's time: the
	// snapshot is fresh again.
	now := time.Now()
	if err := os.Chtimes(filepath.Join(state, history.SnapshotFile), now, now); err != nil {
		t.Fatal(err)
	}
	if line := runBin(t, bin, time.Second, "--tmux", "--format", "plain", "--state-dir", state); line != "● 2 ok" {
		t.Errorf("confirmed just now: %q, want no stale marker", line)
	}
}

// With --remote the widget caches the server's snapshot in the state dir
// through the same background refresh; the server's vendor names are
// remote text and reach the line only with '#' removed.
func TestTmuxRemote(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	var auth atomic.Value
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/snapshot" {
			http.NotFound(w, r)
			return
		}
		auth.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"schema_version":1,"generated_at":%q,"overall":"critical","vendors":[
			{"id":"vapi","name":"VAPI #(touch /tmp/pwned)","level":"critical","status":{"state":"major_outage"},"keys":[]}],
			"findings":[{"kind":"vendor_outage","severity":"critical","vendors":["vapi"],"keys":[],"title":"#(reboot)","detail":"","advice":[]}]}`,
			time.Now().UTC().Format(time.RFC3339))
	}))
	defer server.Close()
	state := refreshStateDir(t)
	t.Setenv(remote.EnvToken, "team-token-123")
	if line := runBin(t, bin, time.Second, "--tmux", "--format", "plain", "--remote", server.URL, "--state-dir", state); line != "? vendorwatch" {
		t.Errorf("first line = %q", line)
	}
	waitForFile(t, filepath.Join(state, app.RemoteSnapshotFile), 15*time.Second)
	line := runBin(t, bin, time.Second, "--tmux", "--format", "plain", "--remote", server.URL, "--state-dir", state)
	if line != "✖ VAPI" {
		t.Errorf("line = %q", line)
	}
	if got := auth.Load(); got != "Bearer team-token-123" {
		t.Errorf("Authorization = %v", got)
	}
}

// After a check, --tmux answers from the digest the check wrote, before the
// heavy packages (SQLite, Prometheus, the dashboard) are even initialized,
// and prints what the whole program prints from the snapshot.
func TestTmuxFastPathSkipsTheHeavyPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v2/summary.json" {
			jsonNotFound(w)
			return
		}
		fmt.Fprint(w, `{"page":{"url":"https://status.acme.test"},"status":{"indicator":"major","description":"Partial outage"},
			"components":[],"incidents":[{"id":"i1","name":"API down","status":"investigating","impact":"major"}]}`)
	}))
	defer site.Close()
	cfg := writeConfig(t, "vendors:\n  - id: acme\n    name: Acme Voice\n    status: [{url: "+site.URL+"/api/v2/summary.json, format: statuspage}]\n")
	state := t.TempDir()
	cmd := exec.Command(bin, "--once", "--config", cfg, "--state-dir", state)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "VENDORWATCH_CONFIG=")
	cmd.Run() // exit code 2: critical
	if _, err := os.Stat(filepath.Join(state, statusline.DigestFile)); err != nil {
		t.Fatalf("--once wrote no digest: %v", err)
	}

	tmux := func(traced bool, args ...string) (string, string) {
		cmd := exec.Command(bin, append([]string{"--tmux", "--state-dir", state}, args...)...)
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "VENDORWATCH_CONFIG=")
		if traced {
			cmd.Env = append(cmd.Env, "GODEBUG=inittrace=1")
		}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("--tmux %v: %v\n%s", args, err, errb.String())
		}
		return strings.TrimSpace(out.String()), errb.String()
	}
	fast, trace := tmux(true, "--format", "plain")
	if fast != "✖ Acme Voice" {
		t.Errorf("fast path line = %q", fast)
	}
	checkFastPathInits(t, trace)
	// The same call the whole program answers (the digest removed) prints
	// the same line, and does initialize the heavy packages.
	os.Remove(filepath.Join(state, statusline.DigestFile))
	slow, trace := tmux(true, "--format", "plain", "--max-age", "1h")
	if slow != fast || !strings.Contains(trace, "init modernc.org/libc ") {
		t.Errorf("whole program: %q (want %q); heavy packages initialized: %v", slow, fast, strings.Contains(trace, "init modernc.org/libc "))
	}
}

// earlyInits are the packages outside the fast path's own imports that Go
// initializes before it, whatever it imports: they import next to nothing
// (tables of runes and symbols, CPU features), so they are ready at start,
// and Go picks the ready package first in import-path order. Each costs
// the widget a little on every call; a package joins this list only on
// purpose.
var earlyInits = []string{
	"github.com/NimbleMarkets/ntcharts/v2/canvas/runes", // the dashboard's charts
	"github.com/charmbracelet/x/ansi/parser",            // redact and the dashboard
	"runtime/metrics",                                   // Prometheus' Go collector
	"github.com/klauspost/compress/internal/cpuinfo",    // CPU features: zstd, history's packed rows
	"github.com/vendorwatch/vendorwatch/internal/procs", // holds --once to one processor; for --tmux a look at the flags
	"context", "crypto", "crypto/internal/fips140deps/cpu", "crypto/internal/fips140deps/time",
	"encoding/base64", "hash/crc32", "math", "os/signal",
}

// checkFastPathInits reads a fast --tmux call's init trace
// (GODEBUG=inittrace=1) and fails the test when a package initialized
// before the fast path that neither the fast path imports nor earlyInits
// names. The fast path ends the process in its init, so the status line's
// package is the last traced. Before the status line's fast path left out
// package strings, its init came 80th, after Prometheus, protobuf, SQLite's
// libc and the encoders; this is the guard against such a slip, counted in
// packages and allocations, never in time.
func checkFastPathInits(t *testing.T, trace string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	deps, err := exec.Command(goBin, "list", "-deps", "./statusline/fastpath").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := map[string]bool{}
	for _, p := range append(strings.Fields(string(deps)), earlyInits...) {
		allowed[p] = true
	}
	var inits []string
	bytes := 0
	for _, line := range strings.Split(trace, "\n") {
		f := strings.Fields(line)
		// init <package> @<t> ms, <clock> ms clock, <bytes> bytes, <allocs> allocs
		if len(f) != 11 || f[0] != "init" {
			continue
		}
		n, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("init trace line %q", line)
		}
		inits, bytes = append(inits, f[1]), bytes+n
	}
	if len(inits) == 0 || inits[len(inits)-1] != "github.com/vendorwatch/vendorwatch/statusline" {
		t.Fatalf("the status line's package is not the last traced init: the fast path did not end the process there\n%s", trace)
	}
	for _, p := range inits {
		if !allowed[p] {
			t.Errorf("%s initialized before the fast path: neither the fast path imports it nor is it one of earlyInits", p)
		}
	}
	// What the packages before the fast path allocate is fixed by the
	// code, not by the machine: 63 KB today (unicode's tables, the
	// metrics' descriptions, the symbol tables), 129 KB when the fast path
	// came after the heavy packages.
	if bytes > 96<<10 {
		t.Errorf("the inits before the fast path allocated %d bytes, more than 96 KiB", bytes)
	}
}
