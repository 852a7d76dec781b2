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

// A calendar app cannot send a header, so the calendar token opens the
// feed as ?token=; it opens nothing else, a wrong one is refused, and it
// never comes back in an answer.
func TestCalendarToken(t *testing.T) {
	const token, calToken = "vw-t0ken-5ecret-main", "vw-calendar-feed-t0ken"
	s := New(Options{Token: token, CalendarToken: calToken})
	h := s.Handler()
	s.Update(monitor.Update{Report: correlate.Report{GeneratedAt: time.Now()}})
	cases := []struct {
		path string
		want int
	}{
		{pathMaintenancesICS + "?token=" + calToken, 200},
		{pathMaintenancesICS + "?token=" + calToken + "x", 401},
		{pathMaintenancesICS + "?token=", 401},
		{pathMaintenancesICS + "?token=" + token, 401}, // the bearer token goes in a header, never a URL
		{pathSnapshot + "?token=" + calToken, 401},
		{pathMetrics + "?token=" + calToken, 401},
		{pathTimeline + "?token=" + calToken, 401},
		{pathSilences + "?token=" + calToken, 401},
	}
	for _, c := range cases {
		resp, body := get(t, h, c.path, "")
		if resp.StatusCode != c.want {
			t.Errorf("GET %s: %d, want %d", strings.Replace(c.path, calToken, "CAL", 1), resp.StatusCode, c.want)
		}
		if strings.Contains(body, calToken) || strings.Contains(body, token) {
			t.Errorf("GET %s: a token came back in the answer", c.path)
		}
	}
	if resp, _ := get(t, h, pathMaintenancesICS, token); resp.StatusCode != 200 {
		t.Errorf("the bearer token no longer opens the calendar: %d", resp.StatusCode)
	}
}
