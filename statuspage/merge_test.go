package statuspage

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestMerge(t *testing.T) {
	t0 := time.Date(2026, 5, 21, 12, 35, 0, 0, time.UTC)
	summary := &observe.Status{State: observe.Operational, Claims: true, PageURL: "https://status.vapi.ai",
		Components: []observe.Component{{Name: "API", State: observe.Operational}}}
	feed := &observe.Status{State: observe.Unknown, Incidents: []observe.Incident{
		{ID: "901977", Title: "API down", Status: "investigating", Impact: "major", UpdatedAt: t0},
	}}
	newer := &observe.Status{Incidents: []observe.Incident{
		{ID: "901977", Title: "API down", Status: "identified", Impact: "major", UpdatedAt: t0.Add(time.Minute)},
	}}

	tests := []struct {
		name      string
		in        []*observe.Status
		state     observe.State
		incidents int
		status    string
	}{
		{"summary outranks feed", []*observe.Status{summary, feed}, observe.Operational, 1, "investigating"},
		{"feed alone implies state", []*observe.Status{feed}, observe.PartialOutage, 1, "investigating"},
		{"dedup keeps newest", []*observe.Status{feed, newer}, observe.PartialOutage, 1, "identified"},
		{"nothing", []*observe.Status{nil}, observe.Unknown, 0, ""},
		{"impact-less open incident is degraded", []*observe.Status{{Incidents: []observe.Incident{{ID: "x", Status: "investigating"}}}}, observe.Degraded, 1, "investigating"},
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
	if observe.Worst(observe.Operational, observe.Unknown, observe.Degraded, observe.UnderMaintenance) != observe.Degraded {
		t.Error("worst of operational, unknown, degraded, maintenance is not degraded")
	}
	if observe.Worst(observe.Unknown) != observe.Unknown || observe.Worst() != observe.Unknown {
		t.Error("worst of nothing known is not unknown")
	}
	for i := 1; i < len(observe.States)-1; i++ {
		if observe.States[i].Severity() <= observe.States[i-1].Severity() {
			t.Errorf("%s is not worse than %s", observe.States[i], observe.States[i-1])
		}
	}
	cases := map[string]observe.State{"none": observe.Operational, "minor": observe.Degraded, "major": observe.PartialOutage, "critical": observe.MajorOutage, "maintenance": observe.UnderMaintenance, "bogus": observe.Unknown}
	for in, want := range cases {
		if got := IndicatorState(in); got != want {
			t.Errorf("IndicatorState(%q) = %s, want %s", in, got, want)
		}
	}
	comps := map[string]observe.State{"degraded_performance": observe.Degraded, "under_maintenance": observe.UnderMaintenance, "full_outage": observe.MajorOutage, "partial_outage": observe.PartialOutage}
	for in, want := range comps {
		if got := ComponentState(in); got != want {
			t.Errorf("ComponentState(%q) = %s, want %s", in, got, want)
		}
	}
}
