package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/demo"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The acceptance story: the team's incident log of 2026-05-21, replayed
// as separate --once runs sharing one state dir, then told by `report`.
// The vendors are the demo's simulated ones (demo/): OpenAI's status page
// in incident.io's Statuspage-compatible format and its API, VAPI's Better
// Stack page (index.json and feed.rss) and its API, each answering as the
// story says at the moment its clock is set to. Everything else is real:
// the config, the poller, the key probes and their classification,
// correlation, history and the report. The test steps the story's clock
// rather than sleeping; the poller takes its time from it.
func TestIncidentLog20260521(t *testing.T) {
	sim, err := demo.Start(demo.Options{Dir: t.TempDir(), Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	// OpenAI's key prod is read from the story's secret file, which holds
	// the leaked key until the team rolls out the new one at 12:20.
	t.Setenv("VAPI_API_KEY", demo.VAPIKey)
	cfg := writeConfig(t, fmt.Sprintf(`timeout: 500ms
vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    keys: [{name: prod, secret: "file:%[3]s"}]
  - id: vapi
    depends_on: [openai]
    status:
      - {url: %[2]s/index.json, format: betterstack}
      - {url: %[2]s/feed.rss, format: rss}
    api: {base_url: %[2]s}
    keys: [{name: prod, secret: env:VAPI_API_KEY}]
`, sim.OpenAI, sim.VAPI, sim.KeyFile()))

	tweakApp = func(o *app.Options) {
		o.Clock = sim.Now
		o.RetryWait = time.Millisecond
	}
	defer func() { tweakApp = nil }()

	state := t.TempDir()
	for _, s := range []struct {
		at   string
		exit int
	}{
		{"10:50", 0},
		{"10:57", 2}, // OpenAI disables the leaked key; its page says operational
		{"11:30", 2}, // apps redeploying
		{"12:20", 0}, // the new key works
		{"12:35", 0}, // VAPI's API fails; one check is not yet an outage
		{"12:36", 1}, // two: VAPI failing while its page is silent
		{"12:40", 1}, //
		{"12:46", 2}, // VAPI's page confirms, posted 12:45
		{"13:00", 2}, // VAPI's API stops answering: timeouts
		{"13:30", 0}, // resolved: recovering
		{"13:31", 0}, // recovery confirmed: closed
	} {
		if err := sim.Seek(demo.Time(s.at)); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := runIn(t, state, "--config", cfg, "--once", "--no-color")
		if code != s.exit {
			t.Errorf("%s: exit %d, want %d\n%s%s", s.at, code, s.exit, stdout, stderr)
		}
		for _, key := range demo.Keys() {
			if strings.Contains(stdout+stderr, key) {
				t.Fatalf("%s: a key was printed", s.at)
			}
		}
	}

	md, stderr, code := runIn(t, state, "report", "--since", "2026-05-21T10:00:00Z", "--until", "2026-05-21T14:00:00Z")
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	goldenFile(t, "report_2026-05-21.golden.md", []byte(md))
	for _, want := range []string{
		"Key prod (sk-proj-…MxYA): ok → invalid_key (HTTP 401 invalid_api_key)",
		"Critical opened: OpenAI key prod revoked",
		"Warning opened: VAPI may be hit by OpenAI: OpenAI key prod revoked",
		"Key prod replaced (sk-proj-…MxYA → sk-proj-…Q2rT): invalid_key → ok",
		"API without a key: reachable → vendor_error (HTTP 502)",
		"Warning opened: VAPI failing, but its status page says operational",
		"[Incident opened: Voice calls dropped and dashboard unavailable (downtime, impact critical)](https://status.vapi.ai/incident/901977)",
		"warning → critical: VAPI outage: Voice calls dropped and dashboard unavailable (downtime) — seen 10 minutes before the vendor posted it",
		"Its upstream OpenAI (status page operational, our keys work) looks healthy, so this is VAPI's own trouble.",
		"(keyless timeout, key prod timeout)",
		"vendorwatch saw VAPI's outage 10 minutes before VAPI's status page posted it.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}

	// Keys are sacred: nothing in the state dir holds one.
	files, _ := filepath.Glob(filepath.Join(state, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, key := range demo.Keys() {
			if bytes.Contains(b, []byte(key)) || bytes.Contains(b, []byte(key[len(key)/4:len(key)*3/4])) {
				t.Errorf("%s contains a key", f)
			}
		}
	}
}

func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file (go test -update): %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from golden:\n%s", name, got)
	}
}
