package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/providers"
)

var update = flag.Bool("update", false, "rewrite golden files")

// storyStep is one --once run of the 2026-05-21 incident log.
type storyStep struct {
	at       string
	vapiPage string           // the VAPI status page served at this step
	openai   providers.Result // our OpenAI key
	openaiFP string
	vapiUp   bool // VAPI's API answers
	exit     int
}

func storyTime(hhmm string) time.Time {
	t, _ := time.Parse("2006-01-02 15:04", "2026-05-21 "+hhmm)
	return t
}

// probeScript stands in for the key probes, which land from another
// branch: it runs the real poller (status pages from the local fake
// vendors), then puts in the scripted keyless and key results of the step
// and the step's clock. Once probes exist, the fake vendors serve the
// recorded 401/5xx bodies instead and only the clock stays scripted.
type probeScript struct {
	*providers.Poller
	step storyStep
}

func (p *probeScript) Check(ctx context.Context) providers.Snapshot {
	s := p.Poller.Check(ctx)
	t := storyTime(p.step.at)
	s.GeneratedAt = t
	for i := range s.Vendors {
		v := &s.Vendors[i]
		v.Status.CheckedAt = t
		switch v.ID {
		case "openai":
			v.Reachability = &providers.Reachability{Result: providers.ResultReachable, HTTPStatus: 401, LatencyMS: 90, CheckedAt: t}
			k := providers.KeyResult{Name: "prod", Fingerprint: p.step.openaiFP, Result: p.step.openai, HTTPStatus: 200, CheckedAt: t}
			if k.Result == providers.ResultInvalidKey {
				k.HTTPStatus, k.Code = 401, "invalid_api_key"
				k.Message = "Incorrect API key provided: sk-proj-****MxYA. You can find your API key at https://platform.openai.com/account/api-keys."
			}
			v.Keys = []providers.KeyResult{k}
		case "vapi":
			if p.step.vapiUp {
				v.Reachability = &providers.Reachability{Result: providers.ResultReachable, HTTPStatus: 401, CheckedAt: t}
				v.Keys = []providers.KeyResult{{Name: "prod", Fingerprint: "5f2c…91ab", Result: providers.ResultOK, HTTPStatus: 200, CheckedAt: t}}
			} else {
				v.Reachability = &providers.Reachability{Result: providers.ResultVendorError, HTTPStatus: 502, CheckedAt: t}
				v.Keys = []providers.KeyResult{{Name: "prod", Fingerprint: "5f2c…91ab", Result: providers.ResultVendorError, HTTPStatus: 500, CheckedAt: t}}
			}
		}
	}
	return s
}

// The acceptance story: the team's incident log of 2026-05-21, replayed as
// separate --once runs sharing one state dir, then told by `report`.
func TestIncidentLog20260521(t *testing.T) {
	const key = "sk-proj-Zq8vW3nT6yB1cX4mK7pL0sR2dF5gH9jA3eU6iO8wQ1tY4rE7uI0oP2aS5dF8gH1jK4lZ7xC0vB3nM6qW9eT3BlbkFJ2tY5uI8oP1aS4dF7gMxYA"
	t.Setenv("OPENAI_API_KEY", key)
	t.Setenv("VAPI_API_KEY", "5f2c3d4e-1a2b-4c5d-8e9f-0a1b2c3d91ab")
	openai := vendorsite(t, map[string]string{"/api/v2/summary.json": "openai__incidentio_v2_summary_operational_2026-09-24.json"})
	vapi := newSwitchsite(t, map[string]string{"/api/v2/summary.json": "vapi__statuspage_summary_operational_synthetic.json"})
	cfg := writeConfig(t, fmt.Sprintf(`vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    keys: [{name: prod, secret: env:OPENAI_API_KEY}]
  - id: vapi
    depends_on: [openai]
    status: [{url: %[2]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
    keys: [{name: prod, secret: env:VAPI_API_KEY}]
`, openai.URL, vapi.URL))

	var step storyStep
	defer func(orig func(*loaded) monitor.Checker) { newChecker = orig }(newChecker)
	newChecker = func(l *loaded) monitor.Checker {
		return &probeScript{Poller: providers.NewPoller(l.vendors, l.fetcher()), step: step}
	}

	ok, revoked := providers.ResultOK, providers.ResultInvalidKey
	oldKey, newKey := "sk-proj-…MxYA", "sk-proj-…Q2rT"
	calm, down := "vapi__statuspage_summary_operational_synthetic.json", "vapi__statuspage_summary_outage_synthetic.json"
	state := t.TempDir()
	for _, s := range []storyStep{
		{"10:50", calm, ok, oldKey, true, 0},
		{"10:57", calm, revoked, oldKey, true, 2}, // OpenAI disables the leaked key
		{"11:30", calm, revoked, oldKey, true, 2}, // apps redeploying
		{"12:20", calm, ok, newKey, true, 0},      // the new key works
		{"12:35", calm, ok, newKey, false, 0},     // VAPI's API fails; one check is not yet an outage
		{"12:36", calm, ok, newKey, false, 1},     // two: VAPI failing while its page is silent
		{"12:40", calm, ok, newKey, false, 1},     //
		{"12:46", down, ok, newKey, false, 2},     // VAPI's page confirms, posted 12:45
		{"13:30", calm, ok, newKey, true, 0},      // resolved
	} {
		step = s
		vapi.serve("/api/v2/summary.json", s.vapiPage)
		stdout, stderr, code := runIn(t, state, "--config", cfg, "--once", "--no-color")
		if code != s.exit {
			t.Errorf("%s: exit %d, want %d\n%s%s", s.at, code, s.exit, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, key) {
			t.Fatalf("%s: the key was printed", s.at)
		}
	}

	md, stderr, code := runIn(t, state, "report", "--since", "2026-05-21T10:00:00Z", "--until", "2026-05-21T14:00:00Z")
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	goldenFile(t, "report_2026-05-21.golden.md", []byte(md))
	for _, want := range []string{
		"Critical opened: OpenAI key prod revoked",
		"Warning opened: VAPI may be hit by OpenAI: OpenAI key prod revoked",
		"Key prod replaced (sk-proj-…MxYA → sk-proj-…Q2rT): invalid_key → ok",
		"Warning opened: VAPI failing, but its status page says operational",
		"[Incident opened: Vapi API and dashboard down (investigating, impact critical)](https://status.vapi.ai/incident/901977)",
		"Critical opened: VAPI outage: Vapi API and dashboard down (investigating) — seen 10 minutes before the vendor posted it",
		"Its upstream OpenAI (status page operational, our keys work) looks healthy, so this is VAPI's own trouble.",
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
		if bytes.Contains(b, []byte(key)) || bytes.Contains(b, []byte(key[8:40])) {
			t.Errorf("%s contains the OpenAI key", f)
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
