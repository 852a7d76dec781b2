package main

import (
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// TestOutageThenRecovery's VAPI outage, by separate --once runs, while
// GitHub has an incident of its own open the whole time (a major one, on
// components we may not use). Each run is a new process that resumes from
// the state dir. GitHub's incident never hides VAPI's outage nor is it
// blamed for it: VAPI leads once its failure is confirmed; when VAPI
// recovers, the verdict goes back to GitHub, whose incident is neither
// closed nor reopened, and VAPI's episode is opened once and closed once.
//
//	check  engineer sees
//	13:50  exit 1, THEM: GitHub's incident
//	13:52  as 13:50; VAPI failing, its page silent, confirming
//	13:53  exit 1, THEM: VAPI failing, but its status page says operational (+1 more)
//	14:55  exit 2, THEM: VAPI outage (posted 3 minutes after we saw it)
//	14:56  as 14:55
//	15:10  exit 1, THEM: GitHub's incident; VAPI outage recovering
//	15:11  exit 1, THEM: GitHub's incident
func TestOutageThenRecoveryBesideAnUnrelatedIncident(t *testing.T) {
	vapi, tl := outageTimeline(t, "anthropic__statuspage_summary_incident_investigating.json")
	const github = "GitHub: Elevated errors for multiple models (investigating)"
	githubOpen := "vendor_incident warning open"
	for _, s := range []struct {
		at    string
		phase string
		down  bool
		want  seen
	}{
		{"13:50", "silent", false, seen{exit: 1, word: correlate.WordThem, title: github, findings: []string{githubOpen}}},
		{"13:52", "silent", true, seen{exit: 1, word: correlate.WordThem, title: github,
			findings: []string{githubOpen, "vendor_outage_unreported warning pending"}}},
		{"13:53", "silent", true, seen{exit: 1, word: correlate.WordThem, title: vapiUnreported,
			findings: []string{githubOpen, "vendor_outage_unreported warning open"}}},
		{"14:55", "posted", true, seen{exit: 2, word: correlate.WordThem, title: vapiOutage, findings: []string{githubOpen, "vendor_outage critical open"}}},
		{"14:56", "posted", true, seen{exit: 2, word: correlate.WordThem, title: vapiOutage, findings: []string{githubOpen, "vendor_outage critical open"}}},
		{"15:10", "resolved", false, seen{exit: 1, word: correlate.WordThem, title: github,
			findings: []string{githubOpen, "vendor_outage critical closing"}}},
		{"15:11", "resolved", false, seen{exit: 1, word: correlate.WordThem, title: github, findings: []string{githubOpen}}},
	} {
		vapi.set(vapiPage(t, s.phase, fixture.At("15:05")), s.down)
		tl.check(fixture.At(s.at), s.want)
	}
	checkVAPIEpisode(t, tl)
	// The page stood unchanged from 13:50 to 13:53 (two checks), 14:55 to
	// 14:56 and 15:10 to 15:11: those four checks read it as a 304
	// confirmed it, from the validators and model the state dir kept.
	vapi.mu.Lock()
	unchanged := vapi.unchanged
	vapi.mu.Unlock()
	if unchanged != 4 {
		t.Errorf("VAPI's page answered 304 %d times, want 4: the steps whose page did not change", unchanged)
	}
	// GitHub's incident: opened at the first check, still open at the end.
	var episode []string
	for _, e := range tl.report(fixture.At("15:12")).Timeline {
		if e.Vendor == "github" && (e.Kind == correlate.EventFindingOpened || e.Kind == correlate.EventFindingClosed) {
			episode = append(episode, e.At.UTC().Format("15:04")+" "+string(e.Kind))
		}
	}
	if len(episode) != 1 || episode[0] != "13:50 finding_opened" {
		t.Errorf("GitHub's incident in the timeline: %q, want opened once at 13:50 and never closed", episode)
	}
	tl.noKeyInState()
}
