package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// Issue 17: VAPI's Better Stack page announces a database maintenance for
// tomorrow, 06:00-08:00 UTC, on "Vapi API". Today at 12:35 its API starts
// answering 502. That is an outage VAPI has not posted, not "VAPI failing
// during maintenance": a maintenance excuses failures only while it is in
// progress, on the check's clock. Tomorrow inside the window the same
// failures are the maintenance; after it they are an outage again.
//
//	check             engineer sees
//	05-21 12:35       exit 0, THEM (confirming): VAPI failing, its page silent
//	05-21 12:36       exit 1, THEM: VAPI failing, but its status page says operational
//	05-22 06:30       exit 1, THEM: VAPI failing during maintenance
//	05-22 08:30       exit 1, THEM: VAPI failing, but its status page says operational
func TestMaintenanceTomorrowExcusesNothingToday(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("statuspage", "testdata", "vapi__betterstack_index_maintenance_tomorrow_derived.json"))
	if err != nil {
		t.Fatal(err)
	}
	vapi := newFakeVAPI(t)
	vapi.set(page, true)
	tl := vapiTimeline(t, vapi, "")
	const unreported = "VAPI failing, but its status page says operational"
	tomorrow := func(hhmm string) time.Time { return fixture.At(hhmm).AddDate(0, 0, 1) }
	for _, s := range []struct {
		at          time.Time
		want        seen
		maintenance string
	}{
		{fixture.At("12:35"), seen{exit: 0, word: correlate.WordThem, state: correlate.StatePending, title: unreported,
			findings: []string{"vendor_outage_unreported warning pending"}}, "scheduled"},
		{fixture.At("12:36"), seen{exit: 1, word: correlate.WordThem, title: unreported,
			findings: []string{"vendor_outage_unreported warning open"}}, "scheduled"},
		{tomorrow("06:30"), seen{exit: 1, word: correlate.WordThem, title: "VAPI failing during maintenance",
			findings: []string{"vendor_outage warning open"}}, "in_progress"},
		{tomorrow("08:30"), seen{exit: 1, word: correlate.WordThem, title: unreported,
			findings: []string{"vendor_outage_unreported warning open"}}, "completed"},
	} {
		rep, _ := tl.check(s.at, s.want)
		v, ok := rep.Vendor("vapi")
		if !ok || len(v.Status.Maintenances) != 1 {
			t.Fatalf("%s: VAPI's maintenance is missing: %+v", s.at, v.Status.Maintenances)
		}
		if got := v.Status.Maintenances[0].Status; got != s.maintenance {
			t.Errorf("%s: the maintenance reads %q, want %q", s.at.Format(time.DateTime), got, s.maintenance)
		}
		for _, f := range rep.Findings {
			if s.maintenance != "in_progress" && strings.Contains(f.Title, "maintenance") {
				t.Errorf("%s: %q blames a maintenance that is %s", s.at.Format(time.DateTime), f.Title, s.maintenance)
			}
		}
	}
}
