package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// switchsite serves one recorded payload per path; tests change them
// between runs, as a vendor's page changes between checks.
type switchsite struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string]string
}

func newSwitchsite(t *testing.T, files map[string]string) *switchsite {
	s := &switchsite{files: files}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		name, ok := s.files[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			jsonNotFound(w)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Errorf("fixture: %v", err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *switchsite) serve(path, file string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = file
}

// runIn runs vendorwatch with a fixed state dir (runCLI gives every run a
// fresh one).
func runIn(t *testing.T, state string, args ...string) (string, string, int) {
	t.Helper()
	return runCLI(t, append([]string{"--state-dir", state}, args...)...)
}

// Separate --once runs share the state dir: the later ones close what the
// first opened, and report tells the story.
func TestOnceRecordsHistory(t *testing.T) {
	state := t.TempDir()
	site := newSwitchsite(t, map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_incident_investigating.json"})
	other := vendorsite(t, map[string]string{"/api/v2/summary.json": "github__statuspage_status_none.json"})
	cfg := writeConfig(t, fmt.Sprintf("vendors:\n  - id: anthropic\n    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]\n    api: {base_url: %[1]s}\n"+
		"  - id: github\n    status: [{url: %[2]s/api/v2/summary.json, format: statuspage}]\n    api: {base_url: %[2]s}\n", site.URL, other.URL))

	if _, stderr, code := runIn(t, state, "--config", cfg, "--once"); code != 1 {
		t.Fatalf("first run exit %d, want 1: %s", code, stderr)
	}
	snap, err := os.Open(filepath.Join(state, history.SnapshotFile))
	if err != nil {
		t.Fatalf("no snapshot file for the tmux widget: %v", err)
	}
	rep, err := output.ReadJSON(snap)
	snap.Close()
	if err != nil || rep.Overall != correlate.LevelWarning {
		t.Errorf("snapshot file: %v, overall %s", err, rep.Overall)
	}

	site.serve("/api/v2/summary.json", "anthropic__statuspage_summary_none.json")
	// The first good check only puts the finding in recovery (a blip is not
	// a close); the second confirms it.
	for i := 2; i <= 3; i++ {
		if _, stderr, code := runIn(t, state, "--config", cfg, "--once"); code != 0 {
			t.Fatalf("run %d exit %d, want 0: %s", i, code, stderr)
		}
	}

	md, stderr, code := runIn(t, state, "report", "--since", "2026-09-01")
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Incident opened: Elevated errors for multiple models (investigating, impact major)",
		"Warning opened: Anthropic: Elevated errors for multiple models (investigating)",
		"Status page: degraded → operational",
		"Incident resolved: Elevated errors for multiple models",
		"Closed: Anthropic: Elevated errors for multiple models (investigating)",
		"### warning: Anthropic: Elevated errors for multiple models (investigating)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	js, _, code := runIn(t, state, "report", "--since", "1h", "--vendor", "github", "--format", "json")
	if code != 0 || !strings.Contains(js, `"findings": []`) || strings.Contains(js, "anthropic") {
		t.Errorf("report for github only (exit %d):\n%s", code, js)
	}
}

// Everything unreachable: our network, and no vendor is blamed.
func TestOnceNetworkLocal(t *testing.T) {
	var lines []string
	for _, id := range []string{"openai", "anthropic", "github"} {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close() // connection refused from now on
		lines = append(lines, fmt.Sprintf("  - id: %s\n    status: [{url: %s/api/v2/summary.json, format: statuspage}]\n    api: {base_url: %s}\n", id, dead.URL, dead.URL))
	}
	cfg := writeConfig(t, "timeout: 2s\nvendors:\n"+strings.Join(lines, ""))
	stdout, stderr, code := runCLI(t, "--config", cfg, "--once", "--json")
	if code != 2 {
		t.Fatalf("exit %d, want 2: %s", code, stderr)
	}
	var rep correlate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Kind != correlate.KindNetworkLocal || len(rep.Findings[0].Vendors) != 0 {
		t.Fatalf("findings = %+v", rep.Findings)
	}
	for _, v := range rep.Vendors {
		if v.Level != correlate.LevelUnknown {
			t.Errorf("%s level %s: a vendor was blamed", v.ID, v.Level)
		}
	}
}

// A damaged history does not stop --once, is reported, and is left alone.
func TestOnceWithDamagedHistory(t *testing.T) {
	state := t.TempDir()
	garbage := []byte("not a database\n")
	os.WriteFile(filepath.Join(state, history.DatabaseFile), garbage, 0o600)
	cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
	_, stderr, code := runIn(t, state, "--config", cfg, "--once", "--only", "openai,anthropic")
	if code != 0 || !strings.Contains(stderr, "history disabled for this run") || !strings.Contains(stderr, "damaged") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(state, history.DatabaseFile)); string(b) != string(garbage) {
		t.Error("the damaged database was changed")
	}
	if _, stderr, code := runIn(t, state, "report"); code != 3 || !strings.Contains(stderr, "damaged") {
		t.Errorf("report on a damaged history: exit %d, %s", code, stderr)
	}
}

func TestReportErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "no history in"},
		{[]string{"report", "--since", "yesterday-ish"}, `"yesterday-ish" is not a time`},
		{[]string{"report", "--since", "1h", "--until", "2h"}, "is not before --until"},
		{[]string{"report", "--format", "pdf"}, `--format "pdf"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if _, stderr, code := runCLI(t, tt.args...); code != 3 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
		})
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"2026-05-21T10:00:00Z", "2026-05-21 10:00", "2026-05-21", "2h", "3d", "90m", "1.5d", "", "d", "-1h"} {
		f.Add(s)
	}
	now := time.Date(2026, 5, 21, 14, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := app.ParseWhen(s, now)
		if err == nil && got.IsZero() {
			t.Errorf("parseWhen(%q) accepted a zero time", s)
		}
	})
}

func TestExampleConfigHistory(t *testing.T) {
	cfg, err := config.Load("config.example.yaml", catalog.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.History.Retention.D() != 90*24*time.Hour {
		t.Errorf("history.retention = %s", cfg.History.Retention)
	}
	bad := writeConfig(t, "history: {retention: 2h}\nvendors: [{id: openai}]\n")
	if _, stderr, code := runCLI(t, "check-config", "--config", bad); code != 3 || !strings.Contains(stderr, ":1: history retention 2h0m0s is below the minimum") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
