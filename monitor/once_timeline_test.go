package monitor

import (
	"context"
	"slices"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// The VAPI outage of 2026-05-21 as a cron job of `--once` runs sees it,
// each a new process that opens the history while it checks
// (OnceOpening): VAPI fails with its page silent (the finding is shown at
// once, announced when the next run confirms it), VAPI posts, recovers
// and is confirmed back, while an unrelated incident stays open on
// OpenAI's page. At each run: the verdict and what the run recorded (what
// serve would have notified). Streaks and findings carry from one process
// to the next through the history alone.
func TestOnceProcessesAcrossTheOutage(t *testing.T) {
	dir := t.TempDir()
	silent := func(hhmm string) observe.VendorResult { return vapiAt(hhmm, false) }
	steps := []struct {
		name     string
		at       string
		vapi     observe.VendorResult
		word     correlate.Word
		level    correlate.Level
		recorded []correlate.EventKind // VAPI's, recorded by this run, at least these
		quiet    bool                  // nothing of VAPI's recorded
	}{
		{"12:35 VAPI fails, page silent: shown, not yet announced", "12:35", silent("12:35"), correlate.WordThem, correlate.LevelWarning,
			[]correlate.EventKind{correlate.EventReachabilityChanged, correlate.EventKeyChanged}, false},
		{"12:36 still failing: confirmed and announced", "12:36", silent("12:36"), correlate.WordThem, correlate.LevelWarning,
			[]correlate.EventKind{correlate.EventFindingOpened}, false},
		{"12:46 VAPI posts", "12:46", vapiTimeline("12:46", 0, "open"), correlate.WordThem, correlate.LevelCritical,
			[]correlate.EventKind{correlate.EventIncidentOpened}, false},
		{"13:31 VAPI back, incident resolved", "13:31", vapiTimeline("13:31", 0, "resolved"), correlate.WordThem, correlate.LevelWarning,
			[]correlate.EventKind{correlate.EventIncidentResolved}, false},
		{"13:32 recovery confirmed", "13:32", vapiTimeline("13:32", 0, "resolved"), correlate.WordThem, correlate.LevelWarning,
			[]correlate.EventKind{correlate.EventFindingClosed}, false},
		{"13:33 unchanged", "13:33", vapiTimeline("13:33", 0, "resolved"), correlate.WordThem, correlate.LevelWarning, nil, true},
	}
	var seen int64 // the newest event id recorded so far
	for i, s := range steps {
		chk := fixture.NewScript(snap(s.at, s.vapi, openaiWithIncident(s.at, 0)))
		chk.Unseeded = true // no admin API: the history opens during the check
		m := New(chk, nil)
		m.SetConfigured(ids("vapi", "openai"))
		rep, store, err := m.OnceOpening(context.Background(), func() *history.Store {
			st, err := history.Open(context.Background(), dir, history.Options{})
			if err != nil { // this runs beside the check, not on the test's goroutine
				t.Errorf("%s: opening the history: %v", s.name, err)
			}
			return st
		}, nil)
		if err != nil || store == nil {
			t.Fatalf("%s: %v (store %v)", s.name, err, store)
		}
		// What this run recorded: the events newer than the last run's
		// (an incident's events are dated by the vendor's post, not by
		// the run).
		all, err := store.Timeline(context.Background(), history.Query{Vendors: []string{"vapi"}})
		store.Close()
		if err != nil {
			t.Fatal(err)
		}
		var evs []correlate.Event
		for _, e := range all {
			if e.ID > seen {
				evs = append(evs, e)
				seen = max(seen, e.ID)
			}
		}
		if s.word != "" && (rep.Verdict.Word != s.word || rep.Overall != s.level) {
			t.Errorf("%s: verdict %s, overall %s, findings %v; want %s, %s", s.name, rep.Verdict.Word, rep.Overall, findingKinds(rep), s.word, s.level)
		}
		for _, k := range s.recorded {
			if !hasEvent(evs, "vapi", k) {
				t.Errorf("%s: no VAPI %s recorded: %+v", s.name, k, evs)
			}
		}
		if i == 0 && slices.ContainsFunc(evs, func(e correlate.Event) bool { return e.Kind == correlate.EventFindingOpened }) {
			t.Errorf("%s: the finding was announced at its first failing check: %+v", s.name, evs)
		}
		if s.quiet && len(evs) > 0 {
			t.Errorf("%s: recorded %+v; want nothing", s.name, evs)
		}
		if i <= 1 && !hasFinding(rep, "vapi", correlate.KindVendorOutageUnreported) {
			t.Errorf("%s: findings %v; want VAPI's unreported outage", s.name, findingKinds(rep))
		}
		if i >= 3 && rep.Overall == correlate.LevelCritical {
			t.Errorf("%s: still critical after VAPI recovered: %+v", s.name, rep.Verdict)
		}
		if !hasFinding(rep, "openai", correlate.KindVendorIncident) {
			t.Errorf("%s: findings %v; want OpenAI's own incident throughout", s.name, findingKinds(rep))
		}
	}
}

// hasFinding reports whether rep has a finding of kind about vendor.
func hasFinding(rep correlate.Report, vendor string, kind correlate.Kind) bool {
	for _, f := range rep.Findings {
		if f.Kind == kind && slices.Contains(f.Vendors, vendor) {
			return true
		}
	}
	return false
}
