package serve

import (
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/observe"
)

// A calendar app subscribed to the feed gets the coming maintenance as a
// valid iCalendar event with the token, the same UID after the next
// report, and never a key the vendor's text happened to hold.
func TestMaintenancesICS(t *testing.T) {
	now := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	report := func(at time.Time) correlate.Report {
		var v correlate.VendorReport
		v.ID, v.Name = "vapi", "VAPI"
		v.Status.Maintenances = []observe.Maintenance{{ID: "m-1", Title: "Database maintenance " + fixture.OpenAIKey,
			Status: "scheduled", StartsAt: now.Add(18 * time.Hour), EndsAt: now.Add(20 * time.Hour), Components: []string{"Vapi API"}}}
		return correlate.Report{GeneratedAt: at, Vendors: []correlate.VendorReport{v}}
	}
	const token = "vw-t0ken-5ecret"
	s := New(Options{Token: token, Now: func() time.Time { return now }})
	h := s.Handler()
	if resp, _ := get(t, h, pathMaintenancesICS, ""); resp.StatusCode != 401 {
		t.Errorf("without the token: %d, want 401", resp.StatusCode)
	}
	s.Update(monitor.Update{Report: report(now)})
	resp, body := get(t, h, pathMaintenancesICS, token)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != contentTypeCalendar {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if strings.Contains(body, fixture.OpenAIKey) {
		t.Fatal("a key reached the calendar")
	}
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("feed: %v\n%s", err, body)
	}
	ev := cal.Events()[0]
	if start, err := ev.GetStartAt(); err != nil || !start.Equal(now.Add(18*time.Hour)) {
		t.Errorf("start %v %v", start, err)
	}
	if stamp, err := ev.GetDtStampTime(); err != nil || !stamp.Equal(now) {
		t.Errorf("DTSTAMP %v %v, want the report's time", stamp, err)
	}

	s.Update(monitor.Update{Report: report(now.Add(time.Minute))})
	_, body = get(t, h, pathMaintenancesICS, token)
	again, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil || len(again.Events()) != 1 || again.Events()[0].Id() != ev.Id() {
		t.Errorf("the UID changed with the next report: %v\n%s", err, body)
	}
}
