package app

import (
	"context"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/demo"
)

// What the on-call engineer reads in the demo's header at each check of
// the incident log of 2026-05-21. From 12:22 VAPI's calls end in OpenAI's
// 401 after the rotation: VAPI holds the leaked key, ours to replace
// (KEY, not THEM). From 12:35 VAPI's API fails and its call records cannot
// be read; the key finding is held from the last read and stays KEY while
// VAPI's own failure is unreported (a warning). Once VAPI posts its outage
// at 12:45, that fresh, critical evidence leads (THEM) before the key
// finding held from 12:22. At 13:30 both are over.
func TestDemoVerdictTimeline(t *testing.T) {
	ctx := context.Background()
	d, err := NewDemo(ctx, DemoOptions{Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want := map[string]struct {
		word  correlate.Word
		title string
	}{
		"10:55": {correlate.WordOK, ""},
		"10:59": {correlate.WordKey, "OpenAI key prod revoked"},
		"12:20": {correlate.WordOK, "OpenAI key prod revoked"}, // recovering
		"12:22": {correlate.WordKey, "VAPI calls fail on OpenAI: 401"},
		"12:37": {correlate.WordKey, "VAPI calls fail on OpenAI: 401"},
		"12:41": {correlate.WordKey, "VAPI calls fail on OpenAI: 401"},
		"12:45": {correlate.WordThem, "VAPI outage"},
		"12:57": {correlate.WordThem, "VAPI outage"},
		"13:32": {correlate.WordOK, ""},
	}
	seen := 0
	for _, at := range demoMoments(demo.Time("13:45")) {
		if err := d.sim.Seek(at); err != nil {
			t.Fatal(err)
		}
		rep, _, err := d.mon.Record(ctx, d.poller.Check(ctx))
		if err != nil {
			t.Fatal(err)
		}
		w, ok := want[at.Format("15:04")]
		if !ok {
			continue
		}
		seen++
		if rep.Verdict.Word != w.word || !strings.HasPrefix(rep.Verdict.Title, w.title) {
			t.Errorf("%s: verdict %q, want %s: %s…", at.Format("15:04"), rep.Verdict, w.word, w.title)
		}
	}
	if seen != len(want) {
		t.Errorf("checked %d of the %d moments: the story's moments changed", seen, len(want))
	}
}
