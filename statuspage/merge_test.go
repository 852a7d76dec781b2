package statuspage

import (
	"testing"
	"time"
)

func TestMerge(t *testing.T) {
	t0 := time.Date(2026, 5, 21, 12, 35, 0, 0, time.UTC)
	summary := &Status{State: Operational, Claims: true, PageURL: "https://status.vapi.ai",
		Components: []Component{{Name: "API", State: Operational}}}
	feed := &Status{State: Unknown, Incidents: []Incident{
		{ID: "901977", Title: "API down", Status: "investigating", Impact: "major", UpdatedAt: t0},
	}}
	newer := &Status{Incidents: []Incident{
		{ID: "901977", Title: "API down", Status: "identified", Impact: "major", UpdatedAt: t0.Add(time.Minute)},
	}}

	tests := []struct {
		name      string
		in        []*Status
		state     State
		incidents int
		status    string
	}{
		{"summary outranks feed", []*Status{summary, feed}, Operational, 1, "investigating"},
		{"feed alone implies state", []*Status{feed}, PartialOutage, 1, "investigating"},
		{"dedup keeps newest", []*Status{feed, newer}, PartialOutage, 1, "identified"},
		{"nothing", []*Status{nil}, Unknown, 0, ""},
		{"impact-less open incident is degraded", []*Status{{Incidents: []Incident{{ID: "x", Status: "investigating"}}}}, Degraded, 1, "investigating"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge(tt.in...)
			if got.State != tt.state {
				t.Errorf("state = %s, want %s", got.State, tt.state)
			}
			if len(got.Incidents) != tt.incidents {
				t.Fatalf("incidents = %d, want %d", len(got.Incidents), tt.incidents)
			}
			if tt.incidents > 0 && got.Incidents[0].Status != tt.status {
				t.Errorf("status = %s, want %s", got.Incidents[0].Status, tt.status)
			}
		})
	}
}

func TestStateOrder(t *testing.T) {
	if Worst(Operational, Unknown, Degraded, UnderMaintenance) != Degraded {
		t.Error("worst of operational, unknown, degraded, maintenance is not degraded")
	}
	if Worst(Unknown) != Unknown || Worst() != Unknown {
		t.Error("worst of nothing known is not unknown")
	}
	for i := 1; i < len(States)-1; i++ {
		if States[i].Severity() <= States[i-1].Severity() {
			t.Errorf("%s is not worse than %s", States[i], States[i-1])
		}
	}
	cases := map[string]State{"none": Operational, "minor": Degraded, "major": PartialOutage, "critical": MajorOutage, "maintenance": UnderMaintenance, "bogus": Unknown}
	for in, want := range cases {
		if got := IndicatorState(in); got != want {
			t.Errorf("IndicatorState(%q) = %s, want %s", in, got, want)
		}
	}
	comps := map[string]State{"degraded_performance": Degraded, "under_maintenance": UnderMaintenance, "full_outage": MajorOutage, "partial_outage": PartialOutage}
	for in, want := range comps {
		if got := ComponentState(in); got != want {
			t.Errorf("ComponentState(%q) = %s, want %s", in, got, want)
		}
	}
}
