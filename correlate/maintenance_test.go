package correlate

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// "Failing during maintenance" needs a maintenance in progress at the
// check's time that covers what fails for us: the whole service, the API,
// or a component the team watches. A maintenance of another part of the
// service, or one that has not begun, excuses nothing.
func TestMaintenanceExcusesOnlyWhatItCovers(t *testing.T) {
	t.Parallel()
	now := at("12:45")
	window := func(status string, start time.Time, comps ...string) observe.Maintenance {
		return observe.Maintenance{ID: "m", Title: "Database upgrade", Status: status, StartsAt: start, EndsAt: start.Add(2 * time.Hour), Components: comps}
	}
	tests := []struct {
		name    string
		m       observe.Maintenance
		watched []string
		want    bool
	}{
		{"in progress, whole service", window("in_progress", now.Add(-time.Hour)), nil, true},
		{"in progress on the API", window("in_progress", now.Add(-time.Hour), "Vapi API"), nil, true},
		{"scheduled, inside its window", window("scheduled", now.Add(-time.Hour), "Vapi API"), nil, true},
		{"scheduled for tomorrow", window("scheduled", now.Add(24*time.Hour), "Vapi API"), nil, false},
		{"scheduled, its window over", window("scheduled", now.Add(-3*time.Hour), "Vapi API"), nil, false},
		{"completed", window("completed", now.Add(-time.Hour), "Vapi API"), nil, false},
		{"in progress on the dashboard only", window("in_progress", now.Add(-time.Hour), "Vapi Dashboard"), nil, false},
		{"on a component the team watches", window("in_progress", now.Add(-time.Hour), "Voice"), []string{"voice"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := vendorAt("vapi", "VAPI").page(observe.Operational, "All Systems Operational").build()
			v.Status.Maintenances = []observe.Maintenance{tt.m}
			v.Watched = tt.watched
			if got := inMaintenance(v, now); got != tt.want {
				t.Errorf("inMaintenance = %v, want %v", got, tt.want)
			}
		})
	}
}
