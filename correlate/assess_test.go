package correlate

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

func vendor(id string, st observe.State, sourceOK bool, incidents ...observe.Incident) observe.VendorResult {
	v := observe.VendorResult{ID: id, Name: id}
	v.Status.State = st
	v.Status.Incidents = incidents
	src := observe.Source{URL: "https://status." + id + ".test", OK: sourceOK}
	if !sourceOK {
		src.Error = "HTTP 503 Service Unavailable"
	}
	v.Status.Sources = []observe.Source{src}
	return v
}

func TestAssessLevels(t *testing.T) {
	t0 := time.Date(2026, 5, 21, 12, 45, 0, 0, time.UTC)
	inc := observe.Incident{ID: "901977", Title: "API and dashboard down", Status: "investigating", Impact: "major", StartedAt: t0, URL: "https://status.vapi.ai/incident/901977"}
	tests := []struct {
		name    string
		vendors []observe.VendorResult
		overall Level
		exit    int
		kinds   []Kind
		word    Word
	}{
		{"all operational", []observe.VendorResult{vendor("openai", observe.Operational, true), vendor("github", observe.Operational, true)}, LevelOK, 0, nil, WordOK},
		{"maintenance is fine", []observe.VendorResult{vendor("github", observe.UnderMaintenance, true)}, LevelOK, 0, nil, WordOK},
		{"degraded warns", []observe.VendorResult{vendor("openai", observe.Degraded, true), vendor("github", observe.Operational, true)}, LevelWarning, 1, []Kind{KindVendorIncident}, WordThem},
		{"partial outage is critical", []observe.VendorResult{vendor("vapi", observe.PartialOutage, true, inc)}, LevelCritical, 2, []Kind{KindVendorOutage}, WordThem},
		{"one unreadable page warns", []observe.VendorResult{vendor("openai", observe.Unknown, false), vendor("github", observe.Operational, true)}, LevelWarning, 1, []Kind{KindStatusSourceDown}, WordUnknown},
		{"nothing readable is unknown", []observe.VendorResult{vendor("openai", observe.Unknown, false), vendor("github", observe.Unknown, false)}, LevelUnknown, 3, []Kind{KindStatusSourceDown, KindStatusSourceDown}, WordUnknown},
		{"no vendors is unknown", nil, LevelUnknown, 3, nil, WordUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The levels of a state that holds: the second check confirms
			// what the first saw.
			_, mem := Assess(observe.Snapshot{GeneratedAt: t0, Vendors: tt.vendors}, Memory{})
			r, _ := Assess(observe.Snapshot{GeneratedAt: t0.Add(time.Minute), Vendors: tt.vendors}, mem)
			if r.Verdict.Word != tt.word {
				t.Errorf("verdict = %s, want %s", r.Verdict, tt.word)
			}
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
	inc := observe.Incident{ID: "901977", Title: "API and dashboard down", Status: "investigating", Impact: "major", StartedAt: t0, URL: "https://status.vapi.ai/incident/901977"}
	r, _ := Assess(observe.Snapshot{GeneratedAt: t0, Vendors: []observe.VendorResult{vendor("vapi", observe.MajorOutage, true, inc)}}, Memory{})
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
