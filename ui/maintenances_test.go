package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// m opens the maintenance calendar of the latest report: the running
// window first with its end, then the coming one with its start, each
// with the components it touches; finished windows are not there, a new
// report updates the list, and esc goes back.
func TestMaintenancesView(t *testing.T) {
	b := &fakeBackend{}
	m := newTestModel(t, b, 100, 30)
	send(m, press("m"))
	if out := plain(m); m.view != viewMaintenances || !strings.Contains(out, "MAINTENANCES · 0 in progress, 0 scheduled") ||
		!strings.Contains(out, "No maintenance in progress or scheduled") {
		t.Fatalf("empty calendar:\n%s", out)
	}
	rep := incidentReport()
	for i := range rep.Vendors {
		switch rep.Vendors[i].ID {
		case "vapi":
			rep.Vendors[i].Status.Maintenances = []observe.Maintenance{
				{ID: "db", Title: "Scheduled database maintenance", Status: "scheduled", StartsAt: now.Add(17 * time.Hour),
					EndsAt: now.Add(19 * time.Hour), Components: []string{"Vapi API"}, URL: "https://status.vapi.ai/db"},
				{ID: "old", Title: "Last week's upgrade", Status: "completed", StartsAt: now.Add(-7 * 24 * time.Hour)},
			}
		case "openai":
			rep.Vendors[i].Status.Maintenances = []observe.Maintenance{
				{ID: "fw", Title: "Firewall \x1b[2Jupgrade", Status: "in_progress", StartsAt: now.Add(-time.Hour),
					EndsAt: now.Add(time.Hour), Components: []string{"API", "ChatGPT"}, ComponentsOmitted: 2},
			}
		}
	}
	send(m, Update{Report: rep})
	out := plain(m)
	for _, want := range []string{"MAINTENANCES · 1 in progress, 1 scheduled", "OpenAI  now, until 13:57", "Firewall upgrade",
		"touches API, ChatGPT and 2 more", "VAPI  2026-05-22 05:57 (in 17h00m) to 2026-05-22 07:57", "Scheduled database maintenance",
		"touches Vapi API", "https://status.vapi.ai/db"} {
		if !strings.Contains(out, want) {
			t.Errorf("calendar lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Last week") || strings.Index(out, "OpenAI") > strings.Index(out, "VAPI  ") {
		t.Errorf("a finished window is listed, or the running one is not first:\n%s", out)
	}
	if strings.Contains(out, "\x1b[2J") {
		t.Error("a vendor's escape sequence reached the screen")
	}
	send(m, press("esc"))
	if m.view != viewMain {
		t.Errorf("esc from the calendar: view %d", m.view)
	}
}
