package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// VAPI's page given only by its base URL: --once finds Better Stack's
// index.json, reads the 2026-05-21 outage, says the format was detected
// and remembers it in the state dir.
func TestOnceDetectsVAPIFromBaseURL(t *testing.T) {
	site := vendorsite(t, map[string]string{"/index.json": "vapi__betterstack_index_outage_2026-05-21_reconstructed.json"})
	state := t.TempDir()
	cfg := writeConfig(t, "vendors:\n  - id: vapi\n    status: [{url: "+site.URL+"}]\n    api: {base_url: "+site.URL+"}\n")

	stdout, stderr, code := runCLI(t, "--config", cfg, "--state-dir", state, "--once", "--no-color")
	if code != 2 {
		t.Fatalf("exit %d, want 2 (VAPI down); %s", code, stderr)
	}
	if !strings.Contains(stdout, "betterstack") || !strings.Contains(stdout, "(detected)") || !strings.Contains(stdout, "major outage") {
		t.Errorf("table:\n%s", stdout)
	}
	if b, err := os.ReadFile(filepath.Join(state, "detected.json")); err != nil || !strings.Contains(string(b), site.URL+"/index.json") {
		t.Errorf("state dir memo = %s, %v", b, err)
	}

	stdout, _, _ = runCLI(t, "--config", cfg, "--state-dir", state, "--once", "--json")
	var rep correlate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	v, _ := rep.Vendor("vapi")
	src := v.Status.Sources[0]
	if !src.Detected || src.Format != "betterstack" || src.URL != site.URL+"/index.json" {
		t.Errorf("source = %+v", src)
	}
	in := v.Status.Open()
	if len(in) != 1 || in[0].Title != "Voice calls dropped and dashboard unavailable" || in[0].Impact != "critical" {
		t.Errorf("incidents = %+v", in)
	}
}

// A page that answers garbage is that vendor's problem only: the others
// read fine and, once a second check confirms it, the exit code says
// something needs a look.
func TestOnceHostileVendorIsIsolated(t *testing.T) {
	good := vendorsite(t, map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_none.json"})
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"page":{"id":"x"},"status":{"indicator":"none"`)) // cut off
	}))
	t.Cleanup(bad.Close)
	cfg := writeConfig(t, "vendors:\n"+
		"  - id: anthropic\n    status: [{url: "+good.URL+"/api/v2/summary.json, format: statuspage}]\n    api: {base_url: "+good.URL+"}\n"+
		"  - id: broken\n    name: Broken\n    status: [{url: "+bad.URL+"/api/v2/summary.json, format: statuspage}]\n")
	// One failed read may pass: the first check says it is confirming, the
	// second (sharing the state dir) confirms it.
	state := t.TempDir()
	stdout, _, code := runIn(t, state, "--config", cfg, "--once", "--json")
	var rep correlate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if code != 0 || rep.Verdict.Word != correlate.WordUnknown || rep.Verdict.State != correlate.StatePending {
		t.Errorf("first check: exit %d, verdict %s; want 0 and UNKNOWN confirming", code, rep.Verdict)
	}
	stdout, _, code = runIn(t, state, "--config", cfg, "--once", "--json")
	if code != 1 {
		t.Errorf("second check: exit %d, want 1 (one status page unreadable)", code)
	}
	rep = correlate.Report{}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Verdict.String() != "UNKNOWN: Broken status page unreadable" {
		t.Errorf("second check: verdict %s", rep.Verdict)
	}
	a, _ := rep.Vendor("anthropic")
	b, _ := rep.Vendor("broken")
	if a.Status.State != "operational" || a.Level != correlate.LevelOK {
		t.Errorf("anthropic = %s %s", a.Status.State, a.Level)
	}
	if b.Status.State != "unknown" || !strings.Contains(b.Status.Sources[0].Error, "malformed JSON") {
		t.Errorf("broken = %s %+v", b.Status.State, b.Status.Sources)
	}
}
