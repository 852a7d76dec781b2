package correlate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// dashboard gives the vendor a dashboard check: page and preflight.
func (b *vb) dashboard(page, preflight observe.Result, preflightErr string) *vb {
	b.v.Dashboard = &observe.Dashboard{Origin: "https://dashboard." + b.v.ID + ".test",
		Page: observe.Reachability{Result: page, HTTPStatus: 200}, Preflight: observe.Reachability{Result: preflight, HTTPStatus: 502, Error: preflightErr}}
	return b
}

// VAPI's dashboard fails before anything else does, as on 2026-05-21: the
// first check shows it confirming, the second opens a warning that blames
// VAPI (THEM) and says the API itself answers; the dashboard working again
// closes it. While our own network is down nothing is concluded, and when
// VAPI's outage is already a finding the dashboard is part of its
// evidence, not a second finding.
func TestDashboardDownTimeline(t *testing.T) {
	t.Parallel()
	t0 := at("12:30")
	down := func(t time.Time) observe.Snapshot {
		return snapAt(t, vendorAt("vapi", "VAPI").reach(observe.ResultReachable, 401, t).
			dashboard(observe.ResultReachable, observe.ResultVendorError, "the API answered the dashboard's preflight with HTTP 502"))
	}
	up := func(t time.Time) observe.Snapshot {
		return snapAt(t, vendorAt("vapi", "VAPI").reach(observe.ResultReachable, 401, t).dashboard(observe.ResultReachable, observe.ResultReachable, ""))
	}
	reps, _ := steps(down(t0), down(t0.Add(time.Minute)), up(t0.Add(2*time.Minute)), up(t0.Add(3*time.Minute)))

	f := find(t, reps[0], KindDashboardDown)
	if f.State != StatePending || reps[0].Overall != LevelOK {
		t.Errorf("first sighting: state %s, overall %s; want pending, ok", f.State, reps[0].Overall)
	}
	f = find(t, reps[1], KindDashboardDown)
	if f.State != StateOpen || f.Severity != SeverityWarning || reps[1].Verdict.Word != WordThem {
		t.Errorf("second check: %s %s, verdict %s; want open warning, THEM", f.State, f.Severity, reps[1].Verdict.Word)
	}
	for _, want := range []string{"its calls to the API are refused", "HTTP 502", "https://dashboard.vapi.test", "the trouble is between the dashboard and its back end"} {
		if !strings.Contains(f.Detail, want) {
			t.Errorf("detail lacks %q: %s", want, f.Detail)
		}
	}
	if has(reps[3], KindDashboardDown) {
		t.Errorf("the dashboard working again did not close it: %v", kinds(reps[3].Findings))
	}

	// VAPI's own outage already explains it: one finding, with the
	// dashboard in its evidence.
	inc := incident("901977", "Voice calls dropped and dashboard unavailable", "critical", t0)
	out := snapAt(t0, vendorAt("vapi", "VAPI").page(observe.MajorOutage, "Major outage", inc).reach(observe.ResultVendorError, 502, t0).
		dashboard(observe.ResultVendorError, observe.ResultVendorError, "HTTP 502"))
	reps, _ = steps(out)
	if allK := allKinds(reps[0].Findings); slices.Contains(allK, KindDashboardDown) {
		t.Errorf("a second finding beside the outage: %v", allK)
	}
	if f := find(t, reps[0], KindVendorOutage); !strings.Contains(f.Detail, "Its dashboard is failing too") {
		t.Errorf("the outage's evidence lacks the dashboard: %s", f.Detail)
	}
}
