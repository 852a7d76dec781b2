package output

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/observe"
)

var calNow = time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)

// calendarReport has two vendors with maintenances in every state the
// calendar must tell apart: running, coming, finished, ended by the clock,
// and one whose page gave no start.
func calendarReport() *correlate.Report {
	vendor := func(id, name string, ms ...observe.Maintenance) correlate.VendorReport {
		var v correlate.VendorReport
		v.ID, v.Name = id, name
		v.Status.Maintenances = ms
		return v
	}
	return &correlate.Report{Vendors: []correlate.VendorReport{
		vendor("vapi", "VAPI",
			observe.Maintenance{ID: "db-1", Title: "Database upgrade; read-only, briefly", Status: "scheduled",
				StartsAt: calNow.Add(18 * time.Hour), EndsAt: calNow.Add(20 * time.Hour),
				URL: "https://status.vapi.ai/maintenance/db-1", Components: []string{"Vapi API", "Dashboard, EU"}},
			observe.Maintenance{ID: "old", Title: "Last week's work", Status: "completed",
				StartsAt: calNow.Add(-7 * 24 * time.Hour), EndsAt: calNow.Add(-7*24*time.Hour + time.Hour)},
			observe.Maintenance{ID: "past", Title: "Ended by the clock", Status: "scheduled",
				StartsAt: calNow.Add(-3 * time.Hour), EndsAt: calNow.Add(-time.Hour)}),
		vendor("twilio", "Twilio",
			observe.Maintenance{ID: "carrier-9", Title: "Carrier \x1b[31mmaintenance\x1b[0m in Brazil — São Paulo and surroundings, a long title for folding", Status: "in_progress",
				StartsAt: calNow.Add(-time.Hour), EndsAt: calNow.Add(2 * time.Hour), Components: []string{"SMS"}, ComponentsOmitted: 3},
			observe.Maintenance{ID: "tbd", Title: "Date to be announced", Status: "scheduled"}),
	}}
}

// The calendar lists what is running first, then what is coming by start,
// and leaves out what is over.
func TestUpcomingMaintenances(t *testing.T) {
	list := calendarReport().UpcomingMaintenances(calNow)
	var got []string
	for _, m := range list {
		got = append(got, m.VendorID+"/"+m.ID)
	}
	want := "twilio/carrier-9 twilio/tbd vapi/db-1"
	if strings.Join(got, " ") != want {
		t.Fatalf("listed %v, want %s", got, want)
	}
	if !list[0].InProgress || list[2].InProgress {
		t.Errorf("in progress: %v %v, want the running one only", list[0].InProgress, list[2].InProgress)
	}
}

// The table names each window's time, vendor, title and components, with
// the vendor's escape sequences removed.
func TestWriteMaintenances(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMaintenances(&b, calendarReport().UpcomingMaintenances(calNow), calNow, time.UTC); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"now until Thu 21 May 14:00", "Fri 22 May 06:00–08:00 (in 18h)", "Vapi API, Dashboard, EU",
		"SMS and 3 more", "unscheduled", "(not named)", "https://status.vapi.ai/maintenance/db-1"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("a vendor's escape sequence reached the terminal:\n%q", out)
	}
	b.Reset()
	next := []correlate.ScheduledMaintenance{{VendorID: "vapi", Maintenance: observe.Maintenance{Title: "New year",
		StartsAt: time.Date(2027, 1, 2, 3, 0, 0, 0, time.UTC), EndsAt: time.Date(2027, 1, 2, 4, 0, 0, 0, time.UTC)}}}
	if err := WriteMaintenances(&b, next, calNow, time.UTC); err != nil || !strings.Contains(b.String(), "Sat 02 Jan 2027 03:00–04:00") {
		t.Errorf("a window in another year does not name it: %q, %v", b.String(), err)
	}
	b.Reset()
	if err := WriteMaintenances(&b, nil, calNow, time.UTC); err != nil || !strings.Contains(b.String(), "No maintenance") {
		t.Errorf("empty calendar: %q, %v", b.String(), err)
	}
}

// The feed parses with a real iCalendar parser, gives back the vendor's
// text exactly, keeps every line within 75 octets, and keeps its UIDs from
// one poll to the next.
func TestWriteICS(t *testing.T) {
	list := calendarReport().UpcomingMaintenances(calNow)
	var first, second bytes.Buffer
	if err := WriteICS(&first, list, calNow); err != nil {
		t.Fatal(err)
	}
	if err := WriteICS(&second, list, calNow.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	raw := first.String()
	for _, l := range strings.SplitAfter(raw, "\r\n") {
		if len(l) > 77 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
		if strings.Contains(strings.TrimSuffix(l, "\r\n"), "\n") {
			t.Errorf("bare newline in %q", l)
		}
	}
	if strings.ContainsRune(raw, '\x1b') {
		t.Errorf("escape sequence in the feed")
	}
	cal, err := ics.ParseCalendar(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("a real parser rejects the feed: %v\n%s", err, raw)
	}
	events := cal.Events()
	if len(events) != 2 { // the window with no start is not on the calendar
		t.Fatalf("%d events, want 2:\n%s", len(events), raw)
	}
	vapi := events[1]
	if got := ics.FromText(vapi.GetProperty(ics.ComponentPropertySummary).Value); got != "VAPI: Database upgrade; read-only, briefly" {
		t.Errorf("summary %q", got)
	}
	if got := ics.FromText(vapi.GetProperty(ics.ComponentPropertyLocation).Value); got != "Vapi API, Dashboard, EU" {
		t.Errorf("location %q", got)
	}
	if start, err := vapi.GetStartAt(); err != nil || !start.Equal(calNow.Add(18*time.Hour)) {
		t.Errorf("start %v, %v", start, err)
	}
	if end, err := vapi.GetEndAt(); err != nil || !end.Equal(calNow.Add(20*time.Hour)) {
		t.Errorf("end %v, %v", end, err)
	}
	twilio := events[0]
	if got := ics.FromText(twilio.GetProperty(ics.ComponentPropertySummary).Value); got != "Twilio: Carrier maintenance in Brazil — São Paulo and surroundings, a long title for folding" {
		t.Errorf("folded summary %q", got)
	}
	if events[0].Id() == events[1].Id() {
		t.Errorf("two events share a UID")
	}
	again, err := ics.ParseCalendar(strings.NewReader(second.String()))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range again.Events() {
		if e.Id() != events[i].Id() {
			t.Errorf("UID changed between polls: %s then %s", events[i].Id(), e.Id())
		}
	}
}

// A key of ours that reached a vendor's text (a link with the key in its
// query, a title quoting it) leaves neither the table nor the feed.
func TestMaintenancesRedacted(t *testing.T) {
	redact.Register(fixture.OpenAIKey) // as app does for every key of the config
	list := []correlate.ScheduledMaintenance{{VendorID: "vapi", VendorName: "VAPI", Maintenance: observe.Maintenance{
		ID: "k", Title: "Rotating " + fixture.OpenAIKey, Status: "scheduled", StartsAt: calNow.Add(time.Hour),
		URL: "https://status.vapi.ai/m?key=" + fixture.OpenAIKey}}}
	var table, feed bytes.Buffer
	if err := WriteMaintenances(&table, list, calNow, time.UTC); err != nil {
		t.Fatal(err)
	}
	if err := WriteICS(&feed, list, calNow); err != nil {
		t.Fatal(err)
	}
	unfolded := strings.ReplaceAll(feed.String(), "\r\n ", "")
	for name, out := range map[string]string{"table": table.String(), "feed": unfolded} {
		if strings.Contains(out, fixture.OpenAIKey) || strings.Contains(out, fixture.OpenAIKey[8:30]) {
			t.Errorf("a key reached the %s:\n%s", name, out)
		}
	}
}
