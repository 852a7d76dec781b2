package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/output"
)

// vapiDown is VAPI during its outage of 2026-05-21: its Better Stack page
// says downtime and its API answers 502 to every request, keyed or not.
func vapiDown(t *testing.T) *httptest.Server {
	t.Helper()
	page, err := os.ReadFile(filepath.Join("testdata", "vapi__betterstack_index_outage_2026-05-21_reconstructed.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/index.json" {
			w.Header().Set("Content-Type", "application/json")
			w.Write(page)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// snapshotFile reads the state dir's snapshot.json.
func snapshotFile(t *testing.T, state string) correlate.Report {
	t.Helper()
	f, err := os.Open(filepath.Join(state, history.SnapshotFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := output.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The acceptance case of issue 15's shared state: during a VAPI outage,
// `--once --only github` checks GitHub alone, yet the state dir keeps
// VAPI: the tmux line still shows it, and the next full `--once`
// continues VAPI's key streak where the full runs before left it.
func TestOnlyMergesIntoTheSharedState(t *testing.T) {
	vapi := vapiDown(t)
	github := vendorsite(t, map[string]string{"/api/v2/summary.json": "github__statuspage_status_none.json"})
	t.Setenv("VW_VAPI", probeKeys["vapi-prod"])
	cfg := writeConfig(t, fmt.Sprintf(`vendors:
  - id: vapi
    status: [{url: %[1]s/index.json, format: betterstack}]
    api: {base_url: %[1]s}
    keys: [{name: prod, secret: env:VW_VAPI}]
  - id: github
    status: [{url: %[2]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
`, vapi.URL, github.URL))
	tweakApp = func(o *app.Options) { o.RetryWait = time.Millisecond } // VAPI's 502s are retried once
	defer func() { tweakApp = nil }()
	state := t.TempDir()

	for range 2 {
		if _, stderr, code := runIn(t, state, "--config", cfg, "--once"); code != 2 {
			t.Fatalf("--once: exit %d, want 2 (VAPI down): %s", code, stderr)
		}
	}
	if got := vendorKeyStreak(t, snapshotFile(t, state), "vapi", "prod"); got != 2 {
		t.Fatalf("after two full runs VAPI's key streak is ×%d, want ×2", got)
	}

	// The subset check answers for GitHub alone ...
	js, stderr, code := runIn(t, state, "--config", cfg, "--once", "--only", "github", "--json")
	if code != 0 {
		t.Fatalf("--once --only github: exit %d, want 0 (GitHub is fine): %s\n%s", code, stderr, js)
	}
	var only correlate.Report
	if err := json.Unmarshal([]byte(js), &only); err != nil {
		t.Fatal(err)
	}
	if len(only.Vendors) != 1 || only.Vendors[0].ID != "github" || only.Overall != correlate.LevelOK {
		t.Errorf("--once --only github answered for %d vendors, overall %s; want GitHub alone, ok", len(only.Vendors), only.Overall)
	}
	// ... but the state dir still holds VAPI, as it was.
	snap := snapshotFile(t, state)
	if snap.Overall != correlate.LevelCritical {
		t.Errorf("snapshot.json overall = %s after --only github, want critical (VAPI is down)", snap.Overall)
	}
	if v, ok := snap.Vendor("vapi"); !ok || v.Level != correlate.LevelCritical {
		t.Errorf("snapshot.json lost VAPI or its level: %+v", v.Level)
	}
	if got := vendorKeyStreak(t, snap, "vapi", "prod"); got != 2 {
		t.Errorf("VAPI's key streak in snapshot.json is ×%d after --only github, want ×2 (untouched)", got)
	}
	if !strings.Contains(findingKinds(snap), "vendor_outage") {
		t.Errorf("snapshot.json lost VAPI's outage finding: %s", findingKinds(snap))
	}

	// The tmux line, through the real binary's fast path, still shows VAPI.
	if !testing.Short() {
		lock := app.HoldLiveLock(state) // the snapshot is fresh; no refresh either way
		line := runBin(t, buildBinary(t), 5*time.Second, "--tmux", "--format", "plain", "--state-dir", state)
		if lock != nil {
			lock.Unlock()
		}
		if !strings.Contains(line, "✖ VAPI") {
			t.Errorf("tmux line = %q after --once --only github, want VAPI critical", line)
		}
	}

	// The next full run continues VAPI's streak: ×3, not ×1.
	if _, stderr, code := runIn(t, state, "--config", cfg, "--once"); code != 2 {
		t.Fatalf("third full --once: exit %d, want 2: %s", code, stderr)
	}
	if got := vendorKeyStreak(t, snapshotFile(t, state), "vapi", "prod"); got != 3 {
		t.Errorf("VAPI's key streak is ×%d after --only github and a full run, want ×3", got)
	}
	out, _, _ := runIn(t, state, "--config", cfg, "--once", "--no-color")
	if !strings.Contains(out, "×4") {
		t.Errorf("--once does not show VAPI's streak continuing (×4):\n%s", out)
	}
}

// vendorKeyStreak is a key's consecutive count in a report, 0 when the
// report lacks the key.
func vendorKeyStreak(t *testing.T, rep correlate.Report, vendor, key string) int {
	t.Helper()
	v, ok := rep.Vendor(vendor)
	if !ok {
		return 0
	}
	for _, k := range v.Keys {
		if k.Name == key {
			return k.Consecutive
		}
	}
	return 0
}

func findingKinds(rep correlate.Report) string {
	var ks []string
	for _, f := range rep.Findings {
		ks = append(ks, string(f.Kind))
	}
	return strings.Join(ks, ",")
}
