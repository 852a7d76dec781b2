package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// Issue 15, scenario 5: our network goes (every vendor's status page and
// API refuse connections), then comes back. Only network_local is
// reported, check after check: no vendor is blamed, no key is called
// dead, and the verdict is US. It recovers like any finding: closing on
// the first good check, closed on the next.
//
//	check  engineer sees
//	10:00  exit 0, OK: no findings
//	10:01  exit 2, US: our network (the one finding)
//	10:02  as 10:01
//	10:03  as 10:01
//	10:04  exit 0, OK: our network (recovering)
//	10:05  exit 0, OK: no findings
func TestNetworkLossIsUs(t *testing.T) {
	openai := newFakeOpenAI(t, nil, prodKey)
	anthropic := vendorsite(t, map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_none.json"})
	github := vendorsite(t, map[string]string{"/api/v2/summary.json": "github__statuspage_status_none.json"})
	t.Setenv("VW_OPENAI_PROD", prodKey)
	config := func(openai, anthropic, github string) string {
		return writeConfig(t, fmt.Sprintf(`timeout: 2s
vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    keys: [{name: prod, secret: "env:VW_OPENAI_PROD"}]
  - id: anthropic
    status: [{url: %[2]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
  - id: github
    status: [{url: %[3]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[3]s}
`, openai, anthropic, github))
	}
	// The same vendors, as this machine sees them with its network gone.
	live, lost := config(openai.URL, anthropic.URL, github.URL), config(deadURL(t), deadURL(t), deadURL(t))
	tl := newTimeline(t, live, scenarioKeys())
	network := []string{"network_local critical open"}
	const ours = "Our network: 7 of 7 requests to 6 hosts got no answer"
	for _, s := range []struct {
		at   string
		cfg  string
		want seen
	}{
		{"10:00", live, seen{exit: 0, word: correlate.WordOK}},
		{"10:01", lost, seen{exit: 2, word: correlate.WordUs, title: ours, findings: network}},
		{"10:02", lost, seen{exit: 2, word: correlate.WordUs, title: ours, findings: network}},
		{"10:03", lost, seen{exit: 2, word: correlate.WordUs, title: ours, findings: network}},
		{"10:04", live, seen{exit: 0, word: correlate.WordOK, state: correlate.StateClosing, title: ours, findings: []string{"network_local critical closing"}}},
		{"10:05", live, seen{exit: 0, word: correlate.WordOK}},
	} {
		tl.cfg = s.cfg
		rep, table := tl.check(fixture.At(s.at), s.want)
		if s.cfg == lost {
			for _, v := range rep.Vendors {
				if v.Level != correlate.LevelUnknown {
					t.Errorf("%s: %s is %s while our network is down: a vendor was blamed", s.at, v.ID, v.Level)
				}
			}
			if !strings.Contains(table, "not tried") {
				t.Errorf("%s: key prod is not shown as not tried:\n%s", s.at, table)
			}
		}
	}
	tl.noKeyInState()
}

// fakeVAPI is VAPI on loopback: its Better Stack status page (index.json)
// and its API. While down, every API request gets a Cloudflare 502 page;
// otherwise a key gets VAPI's recorded 200 and a keyless request its 401.
type fakeVAPI struct {
	*httptest.Server
	mu   sync.Mutex
	page []byte
	down bool
	// unchanged counts the status page's 304s: it sends an ETag, as
	// Better Stack does, so a check whose page did not change reads it
	// from the state dir (its validators and stored model).
	unchanged int
}

func newFakeVAPI(t *testing.T) *fakeVAPI {
	v := &fakeVAPI{}
	v.Server = httptest.NewServer(v)
	t.Cleanup(v.Close)
	return v
}

func (v *fakeVAPI) set(page []byte, down bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.page, v.down = page, down
}

func (v *fakeVAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	page, down := v.page, v.down
	v.mu.Unlock()
	file, status, ctype := "vapi__401_invalid_key.json", http.StatusUnauthorized, "application/json"
	switch {
	case r.URL.Path == "/index.json":
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256(page))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			v.mu.Lock()
			v.unchanged++
			v.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(page)
		return
	case down:
		file, status, ctype = "openai__502_cloudflare.html", http.StatusBadGateway, "text/html"
	case vendortest.CarriesCredential(r):
		file, status = "vapi__200_assistants.json", http.StatusOK
	}
	b, err := vendortest.Payload(file)
	if err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	w.Write(b)
}

// vapiPage is VAPI's reconstructed Better Stack page of 2026-05-21 as it
// stood before VAPI posted (its own resources operational, incident
// 901977 not there yet: "silent"), once posted (the recording: downtime),
// or after the resolution at resolved.
func vapiPage(t *testing.T, phase string, resolved time.Time) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "vapi__betterstack_index_outage_2026-05-21_reconstructed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if phase == "posted" {
		return b
	}
	type obj = map[string]any
	var doc obj
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	data := doc["data"].(obj)
	data["attributes"].(obj)["aggregate_state"] = "operational"
	var included []any
	for _, o := range doc["included"].([]any) {
		o := o.(obj)
		a := o["attributes"].(obj)
		switch {
		case o["type"] == "status_page_resource" && a["status_page_section_id"] == 301001.0:
			a["status"] = "operational"
		case phase == "silent" && (o["id"] == "901977" || a["status_report_id"] == 901977.0):
			continue // not posted yet
		case o["type"] == "status_report" && o["id"] == "901977":
			a["aggregate_state"], a["ends_at"] = "resolved", resolved.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		included = append(included, o)
	}
	doc["included"] = included
	if phase == "silent" {
		reports := data["relationships"].(obj)["status_reports"].(obj)
		reports["data"] = slices.DeleteFunc(reports["data"].([]any), func(r any) bool { return r.(obj)["id"] == "901977" })
	}
	if b, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	return b
}

// Issue 15, scenario 6: VAPI's outage of 2026-05-21 and its recovery, by
// separate --once runs. VAPI's API fails while its page is silent, the
// page then posts the outage, and both recover. The vendor's trouble is
// one episode throughout: it opens once (unreported, then confirmed by
// the page), is closing on the first good check (exit 0, OK recovering)
// and closed on the next; the report's timeline has one opened and one
// closed event for it, the closed one saying when it recovered.
//
//	check  engineer sees
//	13:50  exit 0, OK: no findings
//	13:52  exit 0, THEM (confirming): VAPI failing, its page silent
//	13:53  exit 1, THEM: VAPI failing, but its status page says operational
//	14:55  exit 2, THEM: VAPI outage (posted 3 minutes after we saw it)
//	14:56  as 14:55
//	15:10  exit 0, OK: VAPI outage (recovering)
//	15:11  exit 0, OK: no findings
func TestOutageThenRecovery(t *testing.T) {
	vapi, tl := outageTimeline(t, "github__statuspage_status_none.json")
	for _, s := range []struct {
		at    string
		phase string
		down  bool
		want  seen
	}{
		{"13:50", "silent", false, seen{exit: 0, word: correlate.WordOK}},
		{"13:52", "silent", true, seen{exit: 0, word: correlate.WordThem, state: correlate.StatePending, title: vapiUnreported,
			findings: []string{"vendor_outage_unreported warning pending"}}},
		{"13:53", "silent", true, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported, findings: []string{"vendor_outage_unreported warning open"}}},
		{"14:55", "posted", true, seen{exit: 2, word: correlate.WordThem, title: vapiOutage, findings: []string{"vendor_outage critical open"}}},
		{"14:56", "posted", true, seen{exit: 2, word: correlate.WordThem, title: vapiOutage, findings: []string{"vendor_outage critical open"}}},
		{"15:10", "resolved", false, seen{exit: 0, word: correlate.WordOK, state: correlate.StateClosing, title: vapiOutage,
			findings: []string{"vendor_outage critical closing"}}},
		{"15:11", "resolved", false, seen{exit: 0, word: correlate.WordOK}},
	} {
		vapi.set(vapiPage(t, s.phase, fixture.At("15:05")), s.down)
		rep, _ := tl.check(fixture.At(s.at), s.want)
		if s.phase == "posted" {
			if f := finding(t, rep, correlate.KindVendorOutage); f.LeadMinutes != 3 {
				t.Errorf("%s: the outage was seen %d minutes before VAPI posted it, want 3", s.at, f.LeadMinutes)
			}
		}
	}

	// One episode, opened once and closed once.
	checkVAPIEpisode(t, tl)
	tl.noKeyInState()
}

// The texts of VAPI's outage, as its findings and the timeline name it.
const (
	vapiUnreported = "VAPI failing, but its status page says operational"
	vapiOutage     = "VAPI outage: Voice calls dropped and dashboard unavailable (downtime)"
)

// outageTimeline is a timeline of VAPI's outage of 2026-05-21 beside
// GitHub, whose Statuspage summary is githubSummary (a file of testdata).
func outageTimeline(t *testing.T, githubSummary string) (*fakeVAPI, *timeline) {
	t.Helper()
	vapi := newFakeVAPI(t)
	github := vendorsite(t, map[string]string{"/api/v2/summary.json": githubSummary})
	return vapi, vapiTimeline(t, vapi, fmt.Sprintf(`  - id: github
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
`, github.URL))
}

// vapiTimeline is a timeline of a config watching the fake VAPI, with its
// key prod, and the vendors of more (config lines).
func vapiTimeline(t *testing.T, vapi *fakeVAPI, more string) *timeline {
	t.Helper()
	t.Setenv("VW_VAPI", fixture.VAPIKey)
	cfg := writeConfig(t, fmt.Sprintf(`timeout: 2s
vendors:
  - id: vapi
    status: [{url: %[1]s/index.json, format: betterstack}]
    api: {base_url: %[1]s}
    keys: [{name: prod, secret: "env:VW_VAPI"}]
`, vapi.URL)+more)
	return newTimeline(t, cfg, map[string]string{"vapi": fixture.VAPIKey})
}

// checkVAPIEpisode fails unless the history holds VAPI's outage of
// outageTimeline as one episode, opened once and closed once.
func checkVAPIEpisode(t *testing.T, tl *timeline) {
	t.Helper()
	var events []string
	for _, e := range tl.report(fixture.At("15:12")).Timeline {
		if e.Subject == "vendor_outage:vapi:" {
			events = append(events, e.At.UTC().Format("15:04")+" "+string(e.Kind)+": "+e.Text)
		}
	}
	want := []string{
		"13:53 finding_opened: Warning opened: " + vapiUnreported + " (first seen 13:52)",
		"14:55 finding_escalated: warning → critical: " + vapiOutage + " — seen 3 minutes before the vendor posted it",
		"15:11 finding_closed: Closed: " + vapiOutage + " (open 1h18m, recovered 15:10)",
	}
	if !slices.Equal(events, want) {
		t.Errorf("VAPI's episode in the timeline:\n%s\nwant:\n%s", strings.Join(events, "\n"), strings.Join(want, "\n"))
	}
}

// A team that watches VAPI alone: VAPI's API answers 502 to everything
// while its status page, on another host, answers and says operational.
// There is no other vendor to show that our network works, but VAPI's own
// page does: VAPI is failing, not healthy (before, this config answered
// "OK: every vendor looks healthy" for as long as the outage lasted).
//
//	check  engineer sees
//	13:50  exit 0, OK: no findings
//	13:51  exit 0, THEM (confirming): VAPI failing, its page silent
//	13:52  exit 1, THEM: VAPI failing, but its status page says operational
//	13:53  as 13:52
func TestOnlyVendorFailing(t *testing.T) {
	vapi := newFakeVAPI(t)
	tl := vapiTimeline(t, vapi, "")
	const unreported = "VAPI failing, but its status page says operational"
	open := seen{exit: 1, word: correlate.WordThem, title: unreported, findings: []string{"vendor_outage_unreported warning open"}}
	for _, s := range []struct {
		at   string
		down bool
		want seen
	}{
		{"13:50", false, seen{exit: 0, word: correlate.WordOK}},
		{"13:51", true, seen{exit: 0, word: correlate.WordThem, state: correlate.StatePending, title: unreported,
			findings: []string{"vendor_outage_unreported warning pending"}}},
		{"13:52", true, open},
		{"13:53", true, open},
	} {
		vapi.set(vapiPage(t, "silent", time.Time{}), s.down)
		rep, _ := tl.check(fixture.At(s.at), s.want)
		if s.down && s.at != "13:51" {
			if f := finding(t, rep, correlate.KindVendorOutageUnreported); !strings.Contains(f.Detail, "and its status page answers") || adviceHas(f, "Other vendors") {
				t.Errorf("%s: the finding does not say what shows our network works: %s %q", s.at, f.Detail, f.Advice)
			}
		}
	}
}
