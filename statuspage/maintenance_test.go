package statuspage

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// A Better Stack maintenance report is "maintenance" from the moment it is
// posted; its dates, not that word, say whether the work has begun (issue
// 17: a maintenance starting tomorrow made a real VAPI 502 read as
// "failing during maintenance").
func TestBetterStackMaintenanceFollowsItsWindow(t *testing.T) {
	t.Parallel()
	st, err := Parse(BetterStack, readFixture(t, "vapi__betterstack_index_maintenance_tomorrow_derived.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Maintenances) != 1 {
		t.Fatalf("maintenances = %+v, want the one report of type maintenance", st.Maintenances)
	}
	m := st.Maintenances[0]
	if m.Status != "scheduled" || m.Title != "Scheduled database maintenance" ||
		!m.StartsAt.Equal(time.Date(2026, 5, 22, 6, 0, 0, 0, time.UTC)) || !m.EndsAt.Equal(time.Date(2026, 5, 22, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("as read: %+v, want scheduled 06:00-08:00 UTC on 2026-05-22", m)
	}
	if len(m.Components) != 1 || m.Components[0] != "Vapi API" {
		t.Errorf("components = %q, want [Vapi API]", m.Components)
	}
	if st.State != observe.Operational {
		t.Errorf("state = %s, want operational: a maintenance announced is not one under way", st.State)
	}
	for _, tt := range []struct {
		now    string
		status string
		active bool
	}{
		{"2026-05-21T12:35:00Z", "scheduled", false},  // the day before: a real outage is an outage
		{"2026-05-22T05:59:59Z", "scheduled", false},  // a second before the window
		{"2026-05-22T06:00:00Z", "in_progress", true}, // the window opens
		{"2026-05-22T07:30:00Z", "in_progress", true}, // inside it
		{"2026-05-22T08:00:00Z", "completed", false},  // it closes
		{"2026-05-23T00:00:00Z", "completed", false},  // the day after
	} {
		now, _ := time.Parse(time.RFC3339, tt.now)
		got := st.Clone()
		SettleMaintenances(got, now)
		m := got.Maintenances[0]
		if m.Status != tt.status || m.Active(now) != tt.active {
			t.Errorf("at %s: status %q active %v, want %q active %v", tt.now, m.Status, m.Active(now), tt.status, tt.active)
		}
	}
	if st.Maintenances[0].Status != "scheduled" {
		t.Errorf("settling a copy changed the model read: %q", st.Maintenances[0].Status)
	}
}

// SettleMaintenances leaves the vendor's own words alone: an in-progress
// Statuspage maintenance past its planned end is still in progress, and a
// completed one before its window is completed.
func TestSettleMaintenancesKeepsStatedStatus(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 5, 22, 6, 0, 0, 0, time.UTC)
	st := &observe.Status{Maintenances: []observe.Maintenance{
		{ID: "a", Status: "in_progress", StartsAt: start, EndsAt: start.Add(time.Hour)},
		{ID: "b", Status: "completed", StartsAt: start, EndsAt: start.Add(time.Hour)},
		{ID: "c", Status: "scheduled"}, // no window: nothing to settle by
		{ID: "d", Status: "verifying", StartsAt: start},
	}}
	SettleMaintenances(st, start.Add(3*time.Hour))
	for i, want := range []string{"in_progress", "completed", "scheduled", "verifying"} {
		if got := st.Maintenances[i].Status; got != want {
			t.Errorf("%s: %q, want %q", st.Maintenances[i].ID, got, want)
		}
	}
}
