package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// A link removed from the config in the middle of an upstream's outage is
// gone from the next verdict, in separate --once runs on one state dir,
// also when the runs are seeded from the stored report (VAPI's admin API
// is read, so each run starts from the last one's results). Acme depends
// on VAPI; VAPI's API fails while its page is silent; the on-call
// engineer removes the link (Acme does not call VAPI after all); then
// VAPI recovers. GitHub has an unrelated open incident throughout.
//
//	check  engineer sees
//	13:50  exit 1, THEM: GitHub's incident
//	13:52  exit 1, THEM: GitHub's incident; VAPI failing and Acme hit by it,
//	       both confirming
//	13:53  exit 1, THEM: VAPI failing, its page silent; Acme hit by VAPI
//	       (then the link is removed from the config)
//	13:54  exit 1, THEM: VAPI failing; Acme's upstream impact recovering
//	13:55  exit 1, THEM: VAPI failing; nothing about Acme
//	15:10  exit 1, THEM: GitHub's incident; VAPI recovering
//	15:11  exit 1, THEM: GitHub's incident alone
//
// Before, the link lived on from run to run in the stored results each
// run was seeded with: Acme stayed "hit by VAPI" for the whole outage.
//
// The config allows one request in flight, so every run checks its
// vendors one after another (Poller.Check starts the next as one ends):
// the verdict is the same as when all are checked at once.
func TestDependsOnRemovedMidOutage(t *testing.T) {
	vapi := newFakeVAPI(t)
	github := vendorsite(t, map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_incident_investigating.json"})
	acme := vendorsite(t, map[string]string{"/api/v2/summary.json": "github__statuspage_status_none.json"})
	config := func(acmeLink string) string {
		return fmt.Sprintf(`timeout: 2s
concurrency: 1
vendors:
  - id: vapi
    status: [{url: %[1]s/index.json, format: betterstack}]
    api: {base_url: %[1]s}
    keys: [{name: prod, secret: "env:VW_VAPI"}]
    admin: {}
  - id: github
    status: [{url: %[2]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
  - id: acme
    name: Acme
    status: [{url: %[3]s/api/v2/summary.json, format: statuspage}]
%[4]s`, vapi.URL, github.URL, acme.URL, acmeLink)
	}
	t.Setenv("VW_VAPI", fixture.VAPIKey)
	tl := newTimeline(t, writeConfig(t, config("    depends_on: [vapi]\n")), map[string]string{"vapi": fixture.VAPIKey})
	unlinked := writeConfig(t, config(""))
	const githubIncident = "GitHub: Elevated errors for multiple models (investigating)"
	githubOpen := "vendor_incident warning open"
	for _, s := range []struct {
		at     string
		phase  string
		down   bool
		unlink bool
		want   seen
	}{
		{"13:50", "silent", false, false, seen{exit: 1, word: correlate.WordThem, title: githubIncident, findings: []string{githubOpen}}},
		{"13:52", "silent", true, false, seen{exit: 1, word: correlate.WordThem, title: githubIncident,
			findings: []string{githubOpen, "vendor_outage_unreported warning pending", "upstream_impact warning pending"}}},
		{"13:53", "silent", true, false, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported,
			findings: []string{githubOpen, "vendor_outage_unreported warning open", "upstream_impact warning open"}}},
		{"13:54", "silent", true, true, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported,
			findings: []string{githubOpen, "vendor_outage_unreported warning open", "upstream_impact warning closing"}}},
		{"13:55", "silent", true, true, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported,
			findings: []string{githubOpen, "vendor_outage_unreported warning open"}}},
		{"15:10", "resolved", false, true, seen{exit: 1, word: correlate.WordThem, title: githubIncident,
			findings: []string{githubOpen, "vendor_outage_unreported warning closing"}}},
		{"15:11", "resolved", false, true, seen{exit: 1, word: correlate.WordThem, title: githubIncident, findings: []string{githubOpen}}},
	} {
		if s.unlink {
			tl.cfg = unlinked
		}
		vapi.set(vapiPage(t, s.phase, fixture.At("15:05")), s.down)
		tl.check(fixture.At(s.at), s.want)
	}

	// What the history records, and what serve would notify: Acme's
	// upstream impact opened with VAPI's failure and closed when the link
	// went, while VAPI's own episode ran on to its recovery.
	var events []string
	for _, e := range tl.report(fixture.At("15:12")).Timeline {
		if e.Subject == "upstream_impact:acme,vapi:" || e.Subject == "vendor_outage:vapi:" {
			events = append(events, e.At.UTC().Format("15:04")+" "+string(e.Kind)+" "+e.Subject)
		}
	}
	want := []string{
		"13:53 finding_opened upstream_impact:acme,vapi:",
		"13:53 finding_opened vendor_outage:vapi:",
		"13:55 finding_closed upstream_impact:acme,vapi:",
		"15:11 finding_closed vendor_outage:vapi:",
	}
	if !slices.Equal(events, want) {
		t.Errorf("the timeline:\n%s\nwant:\n%s", strings.Join(events, "\n"), strings.Join(want, "\n"))
	}
	tl.noKeyInState()
}
