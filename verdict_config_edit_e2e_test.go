package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// What the depends_on scenarios (acmeOnVAPI) show of GitHub's unrelated
// incident: the verdict's title while it leads, and its finding.
const (
	githubIncident = "GitHub: Elevated errors for multiple models (investigating)"
	githubOpen     = "vendor_incident warning open"
)

// acmeOnVAPI starts the fake vendors of the depends_on scenarios: VAPI
// (its key in VW_VAPI, its admin API read), GitHub with an unrelated open
// incident, and Acme, all operational. It returns VAPI and two configs of
// the three, with head (global options) first: Acme depending on VAPI,
// and the same without the link.
func acmeOnVAPI(t *testing.T, head string) (vapi *fakeVAPI, linked, unlinked string) {
	t.Helper()
	vapi = newFakeVAPI(t)
	github := vendorsite(t, map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_incident_investigating.json"})
	acme := vendorsite(t, map[string]string{"/api/v2/summary.json": "github__statuspage_status_none.json"})
	config := func(acmeLink string) string {
		return fmt.Sprintf(`timeout: 2s
%[5]svendors:
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
%[4]s`, vapi.URL, github.URL, acme.URL, acmeLink, head)
	}
	t.Setenv("VW_VAPI", fixture.VAPIKey)
	return vapi, writeConfig(t, config("    depends_on: [vapi]\n")), writeConfig(t, config(""))
}

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
// The tmux line names Acme at 13:52 and 13:53 only: from 13:54 its
// upstream impact is recovering.
//
// The config allows one request in flight, so every run checks its
// vendors one after another (Poller.Check starts the next as one ends):
// the verdict is the same as when all are checked at once.
func TestDependsOnRemovedMidOutage(t *testing.T) {
	vapi, linked, unlinked := acmeOnVAPI(t, "concurrency: 1\n")
	tl := newTimeline(t, linked, map[string]string{"vapi": fixture.VAPIKey})
	runLinkSteps(tl, vapi, unlinked, []linkStep{
		{"13:54", "silent", true, true, nil, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported,
			findings: []string{githubOpen, "vendor_outage_unreported warning open", "upstream_impact warning closing"}}, false},
		{"13:55", "silent", true, true, nil, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported,
			findings: []string{githubOpen, "vendor_outage_unreported warning open"}}, false},
		{"15:10", "resolved", false, true, nil, seen{exit: 1, word: correlate.WordThem, title: githubIncident,
			findings: []string{githubOpen, "vendor_outage_unreported warning closing"}}, false},
		{"15:11", "resolved", false, true, nil, seen{exit: 1, word: correlate.WordThem, title: githubIncident, findings: []string{githubOpen}}, false},
	})

	// What the history records, and what serve would notify: Acme's
	// upstream impact opened with VAPI's failure and closed when the link
	// went, while VAPI's own episode ran on to its recovery.
	linkEpisodes(tl, "13:55")
}

// The same outage, with the link removed while the engineer watches VAPI
// alone (--once --only vapi) and Acme is not checked again until VAPI has
// recovered. Acme is carried over in the state dir as the config says it
// now: its upstream impact is recovering from the first check after the
// edit, so the tmux line stops naming Acme, and the finding closes (what
// serve would notify) when Acme itself is checked again.
//
//	check  engineer sees                              tmux line
//	13:50  exit 1, THEM: GitHub's incident            GitHub
//	13:52  exit 1, THEM: GitHub's incident; VAPI and  GitHub, VAPI ?, Acme ?
//	       Acme confirming
//	13:53  exit 1, THEM: VAPI failing; Acme hit by    GitHub, VAPI, Acme
//	       VAPI (then the link is removed)
//	13:54  --only vapi: exit 1, THEM: VAPI failing    no Acme (recovering)
//	13:55  --only vapi: exit 1, THEM: VAPI failing    no Acme
//	15:10  exit 1, THEM: GitHub's incident; VAPI      GitHub, VAPI recovering
//	       recovering; Acme's impact closed
//	15:11  exit 1, THEM: GitHub's incident alone      GitHub
//
// Before, the carried-over Acme kept the stored depends_on: the tmux line
// named it "hit by VAPI" until it was checked again.
func TestDependsOnRemovedWhileAnotherVendorIsCheckedAlone(t *testing.T) {
	vapi, linked, unlinked := acmeOnVAPI(t, "")
	tl := newTimeline(t, linked, map[string]string{"vapi": fixture.VAPIKey})
	runLinkSteps(tl, vapi, unlinked, []linkStep{
		{"13:54", "silent", true, true, []string{"--only", "vapi"}, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported,
			findings: []string{"vendor_outage_unreported warning open"}}, false},
		{"13:55", "silent", true, true, []string{"--only", "vapi"}, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported,
			findings: []string{"vendor_outage_unreported warning open"}}, false},
		{"15:10", "resolved", false, true, nil, seen{exit: 1, word: correlate.WordThem, title: githubIncident,
			findings: []string{githubOpen, "vendor_outage_unreported warning closing"}}, false},
		{"15:11", "resolved", false, true, nil, seen{exit: 1, word: correlate.WordThem, title: githubIncident, findings: []string{githubOpen}}, false},
	})

	linkEpisodes(tl, "15:10")
}

// linkStep is one check of a depends_on scenario (acmeOnVAPI): at at,
// VAPI's page in phase and its API down or not; unlink removes the link
// from the config from this check on; only are the flags naming the
// vendors checked (none: all). want is what --once shows, and tmuxAcme
// whether the tmux line read from the state dir afterwards names Acme.
type linkStep struct {
	at, phase    string
	down, unlink bool
	only         []string
	want         seen
	tmuxAcme     bool
}

// untilUnlinked are the first checks of both depends_on scenarios, up to
// the config edit: GitHub's unrelated incident open throughout, then VAPI
// failing while its page says operational, and Acme hit by it.
var untilUnlinked = []linkStep{
	{"13:50", "silent", false, false, nil, seen{exit: 1, word: correlate.WordThem, title: githubIncident, findings: []string{githubOpen}}, false},
	{"13:52", "silent", true, false, nil, seen{exit: 1, word: correlate.WordThem, title: githubIncident,
		findings: []string{githubOpen, "vendor_outage_unreported warning pending", "upstream_impact warning pending"}}, true},
	{"13:53", "silent", true, false, nil, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported,
		findings: []string{githubOpen, "vendor_outage_unreported warning open", "upstream_impact warning open"}}, true},
}

// runLinkSteps runs the checks of a depends_on scenario in order: those
// up to the config edit (untilUnlinked), then the scenario's own.
func runLinkSteps(tl *timeline, vapi *fakeVAPI, unlinked string, steps []linkStep) {
	tl.t.Helper()
	for _, s := range slices.Concat(untilUnlinked, steps) {
		if s.unlink {
			tl.cfg = unlinked
		}
		vapi.set(vapiPage(tl.t, s.phase, fixture.At("15:05")), s.down)
		tl.check(fixture.At(s.at), s.want, s.only...)
		line, _, _ := tl.run(fixture.At(s.at), "--config", tl.cfg, "--tmux", "--format", "plain", "--max-width", "300")
		if strings.Contains(line, "Acme") != s.tmuxAcme {
			tl.t.Errorf("%s: the tmux line %q names Acme: %v, want %v", s.at, line, !s.tmuxAcme, s.tmuxAcme)
		}
	}
}

// linkEpisodes fails unless the history of a depends_on scenario
// (acmeOnVAPI) records, as serve would notify them, Acme's upstream impact
// and VAPI's outage opening at 13:53, the impact closing at closed and the
// outage at 15:11; and unless the state dir is free of the key.
func linkEpisodes(tl *timeline, closed string) {
	tl.t.Helper()
	var events []string
	for _, e := range tl.report(fixture.At("15:12")).Timeline {
		if e.Subject == "upstream_impact:acme,vapi:" || e.Subject == "vendor_outage:vapi:" {
			events = append(events, e.At.UTC().Format("15:04")+" "+string(e.Kind)+" "+e.Subject)
		}
	}
	want := []string{
		"13:53 finding_opened upstream_impact:acme,vapi:",
		"13:53 finding_opened vendor_outage:vapi:",
		closed + " finding_closed upstream_impact:acme,vapi:",
		"15:11 finding_closed vendor_outage:vapi:",
	}
	if !slices.Equal(events, want) {
		tl.t.Errorf("the timeline:\n%s\nwant:\n%s", strings.Join(events, "\n"), strings.Join(want, "\n"))
	}
	tl.noKeyInState()
}
