package correlate

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

func vendor(id string, st statuspage.State, sourceOK bool, incidents ...statuspage.Incident) providers.VendorResult {
	v := providers.VendorResult{ID: id, Name: id}
	v.Status.State = st
	v.Status.Incidents = incidents
	src := statuspage.Source{URL: "https://status." + id + ".test", OK: sourceOK}
	if !sourceOK {
		src.Error = "HTTP 503 Service Unavailable"
	}
	v.Status.Sources = []statuspage.Source{src}
	return v
}

func TestAssessLevels(t *testing.T) {
	t0 := time.Date(2026, 5, 21, 12, 45, 0, 0, time.UTC)
	inc := statuspage.Incident{ID: "901977", Title: "API and dashboard down", Status: "investigating", Impact: "major", StartedAt: t0, URL: "https://status.vapi.ai/incident/901977"}
	tests := []struct {
		name    string
		vendors []providers.VendorResult
		overall Level
		exit    int
		kinds   []Kind
	}{
		{"all operational", []providers.VendorResult{vendor("openai", statuspage.Operational, true), vendor("github", statuspage.Operational, true)}, LevelOK, 0, nil},
		{"maintenance is fine", []providers.VendorResult{vendor("github", statuspage.UnderMaintenance, true)}, LevelOK, 0, nil},
		{"degraded warns", []providers.VendorResult{vendor("openai", statuspage.Degraded, true), vendor("github", statuspage.Operational, true)}, LevelWarning, 1, []Kind{KindVendorIncident}},
		{"partial outage is critical", []providers.VendorResult{vendor("vapi", statuspage.PartialOutage, true, inc)}, LevelCritical, 2, []Kind{KindVendorOutage}},
		{"one unreadable page warns", []providers.VendorResult{vendor("openai", statuspage.Unknown, false), vendor("github", statuspage.Operational, true)}, LevelWarning, 1, []Kind{KindStatusSourceDown}},
		{"nothing readable is unknown", []providers.VendorResult{vendor("openai", statuspage.Unknown, false), vendor("github", statuspage.Unknown, false)}, LevelUnknown, 3, []Kind{KindStatusSourceDown, KindStatusSourceDown}},
		{"no vendors is unknown", nil, LevelUnknown, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := Assess(providers.Snapshot{GeneratedAt: t0, Vendors: tt.vendors}, Memory{})
			if r.Overall != tt.overall || r.Overall.ExitCode() != tt.exit {
				t.Errorf("overall = %s (exit %d), want %s (exit %d)", r.Overall, r.Overall.ExitCode(), tt.overall, tt.exit)
			}
			if len(r.Findings) != len(tt.kinds) {
				t.Fatalf("findings = %+v, want kinds %v", r.Findings, tt.kinds)
			}
			for i, k := range tt.kinds {
				if r.Findings[i].Kind != k {
					t.Errorf("finding %d = %s, want %s", i, r.Findings[i].Kind, k)
				}
			}
		})
	}
}

func TestAssessQuotesTheIncident(t *testing.T) {
	t0 := time.Date(2026, 5, 21, 12, 45, 0, 0, time.UTC)
	inc := statuspage.Incident{ID: "901977", Title: "API and dashboard down", Status: "investigating", Impact: "major", StartedAt: t0, URL: "https://status.vapi.ai/incident/901977"}
	r, _ := Assess(providers.Snapshot{GeneratedAt: t0, Vendors: []providers.VendorResult{vendor("vapi", statuspage.MajorOutage, true, inc)}}, Memory{})
	f := r.Findings[0]
	if f.Title != "vapi: API and dashboard down (investigating)" || !f.Since.Equal(t0) {
		t.Errorf("finding = %+v", f)
	}
	if want := `vapi reports "API and dashboard down", investigating, impact major, since 2026-05-21 12:45 UTC (https://status.vapi.ai/incident/901977).`; f.Detail != want {
		t.Errorf("detail = %q\nwant     %q", f.Detail, want)
	}
	if v, _ := r.Vendor("vapi"); v.Level != LevelCritical {
		t.Errorf("vendor level = %s", v.Level)
	}
}
