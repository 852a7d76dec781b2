package sla

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

var t0 = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

// at is t0 plus m minutes.
func at(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

// probes are key k's probes of vendor v every 10 minutes from minute
// from to minute to (inclusive), each with the result r gives it.
func probes(v, k string, from, to int, r func(m int) observe.Result) []Probe {
	var out []Probe
	for m := from; m <= to; m += 10 {
		out = append(out, Probe{At: at(m), Vendor: v, Key: k, Result: r(m)})
	}
	return out
}

func state(v string, m int, s observe.State) correlate.Event {
	return correlate.Event{At: at(m), Vendor: v, Kind: correlate.EventVendorState, Subject: string(s)}
}

func only(t *testing.T, rep Report) Vendor {
	t.Helper()
	if len(rep.Vendors) != 1 {
		t.Fatalf("%d vendors, want 1: %+v", len(rep.Vendors), rep.Vendors)
	}
	return rep.Vendors[0]
}

func TestSpans(t *testing.T) {
	a := normal([]span{{5, 10}, {0, 3}, {3, 4}, {8, 12}, {20, 20}})
	if want := (spans{{0, 4}, {5, 12}}); !equal(a, want) {
		t.Errorf("normal = %v, want %v", a, want)
	}
	b := spans{{2, 6}, {11, 30}}
	if got, want := intersect(a, b), (spans{{2, 4}, {5, 6}, {11, 12}}); !equal(got, want) {
		t.Errorf("intersect = %v, want %v", got, want)
	}
	if got, want := subtract(a, b), (spans{{0, 2}, {6, 11}}); !equal(got, want) {
		t.Errorf("subtract = %v, want %v", got, want)
	}
	if got, want := union(a, b), (spans{{0, 30}}); !equal(got, want) {
		t.Errorf("union = %v, want %v", got, want)
	}
	if got, want := clip(a, 3, 9), (spans{{3, 4}, {5, 9}}); !equal(got, want) {
		t.Errorf("clip = %v, want %v", got, want)
	}
}

func equal(a, b spans) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Buckets are round stretches from the window's start: a day for 30
// days, 6 hours for a week, 5 minutes for 2 hours.
func TestBucketSize(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct{ window, want time.Duration }{
		{30 * day, day}, {31 * day, 2 * day}, {7 * day, 6 * time.Hour}, {day, time.Hour}, {2 * time.Hour, 5 * time.Minute}, {400 * day, 30 * day}, {5000 * day, 5000 * day / 30},
	} {
		if got := bucketSize(c.window, 30); got != c.want {
			t.Errorf("bucketSize(%v) = %v, want %v", c.window, got, c.want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{7}, 7}, {[]float64{30, 10, 20}, 20}, {[]float64{40, 10, 20, 30}, 25}} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}

// An outage that began before the window counts from the window's start;
// one still going at its end counts to the end; the page's state before
// the window is carried in.
func TestClippedAtTheWindow(t *testing.T) {
	fail := func(m int) observe.Result {
		if m < 30 || m >= 200 {
			return observe.ResultVendorError
		}
		return observe.ResultOK
	}
	in := Input{Since: at(10), Until: at(230), Buckets: 2,
		Probes: probes("openai", "prod", -20, 220, fail),
		Events: []correlate.Event{state("openai", -5, observe.MajorOutage), state("openai", 40, observe.Operational)}}
	v := only(t, Compute(in))
	// Failing 10→30 (clipped at the start) and 200→230 (open at the end).
	if v.FailingMinutes != 50 || v.ObservedMinutes != 220 || v.UnobservedMinutes != 0 {
		t.Errorf("failing %v observed %v unobserved %v, want 50, 220, 0", v.FailingMinutes, v.ObservedMinutes, v.UnobservedMinutes)
	}
	// The page said major outage from before the window to minute 40.
	if v.PageMinutes != 30 || v.UnreportedMinutes != 30 {
		t.Errorf("page %v unreported %v, want 30 and 30", v.PageMinutes, v.UnreportedMinutes)
	}
	if v.Uptime == nil || *v.Uptime != 1-50.0/220 {
		t.Errorf("uptime %v, want %v", v.Uptime, 1-50.0/220)
	}
	if len(v.Buckets) != 2 || v.Buckets[0].FailingMinutes != 20 || v.Buckets[1].FailingMinutes != 30 || v.Buckets[1].Start != at(130) {
		t.Errorf("buckets %+v", v.Buckets)
	}
}

// A gap in our probes counts neither as up nor as down: the last probe
// before it stands for twice the usual spacing, the rest is unobserved,
// and uptime is over the observed time.
func TestGapsAreNotObserved(t *testing.T) {
	ok := func(int) observe.Result { return observe.ResultOK }
	ps := append(probes("openai", "prod", 0, 100, ok), probes("openai", "prod", 300, 390, func(m int) observe.Result {
		if m < 320 {
			return observe.ResultTimeout
		}
		return observe.ResultOK
	})...)
	v := only(t, Compute(Input{Since: at(0), Until: at(400), Probes: ps}))
	// Probes stop at 100 and resume at 300: 100→120 stands, 120→300 does not.
	if v.UnobservedMinutes != 180 || v.ObservedMinutes != 220 || v.FailingMinutes != 20 {
		t.Errorf("unobserved %v observed %v failing %v, want 180, 220, 20", v.UnobservedMinutes, v.ObservedMinutes, v.FailingMinutes)
	}
	if v.Uptime == nil || *v.Uptime != 1-20.0/220 {
		t.Errorf("uptime %v, want %v", v.Uptime, 1-20.0/220)
	}
	// A vendor asked for with no probes at all has no uptime, not 100%.
	rep := Compute(Input{Since: at(0), Until: at(400), Vendors: []string{"vapi"}})
	if v := only(t, rep); v.Uptime != nil || v.UnobservedMinutes != 400 {
		t.Errorf("vendor without probes: uptime %v unobserved %v", v.Uptime, v.UnobservedMinutes)
	}
}

// While our own network was down (a network_local finding open), every
// vendor's probes failed: that time is ours, not the vendors', so it is
// not observed and counts neither as failing nor as unreported.
func TestOurNetworkDownIsNotTheVendors(t *testing.T) {
	fail := func(m int) observe.Result {
		if m >= 100 && m < 160 {
			return observe.ResultNetworkError
		}
		return observe.ResultOK
	}
	ps := append(probes("openai", "prod", 0, 390, fail), probes("anthropic", "prod", 0, 390, fail)...)
	net := correlate.FindingRecord{Finding: correlate.Finding{Kind: correlate.KindNetworkLocal, Vendors: []string{}}, Opened: at(100), Closed: at(160)}
	rep := Compute(Input{Since: at(0), Until: at(400), Probes: ps, Findings: []correlate.FindingRecord{net}})
	if len(rep.Vendors) != 2 {
		t.Fatalf("vendors %+v", rep.Vendors)
	}
	for _, v := range rep.Vendors {
		if v.FailingMinutes != 0 || v.UnreportedMinutes != 0 || v.UnobservedMinutes != 60 || v.Uptime == nil || *v.Uptime != 1 {
			t.Errorf("%s: failing %v unreported %v unobserved %v uptime %v, want 0, 0, 60, 100%%",
				v.ID, v.FailingMinutes, v.UnreportedMinutes, v.UnobservedMinutes, v.Uptime)
		}
	}
	// Still open at the window's end: ours until then.
	net.Closed = time.Time{}
	rep = Compute(Input{Since: at(0), Until: at(130), Probes: ps, Findings: []correlate.FindingRecord{net}})
	if v := rep.Vendors[0]; v.FailingMinutes != 0 || v.UnobservedMinutes != 30 {
		t.Errorf("open at the end: failing %v unobserved %v, want 0, 30", v.FailingMinutes, v.UnobservedMinutes)
	}
}

// Unreported time is failing time while the page said operational, so it
// is never more than the failing time, and one key answering means the
// vendor serves us.
func TestUnreportedWithinFailing(t *testing.T) {
	ps := append(probes("openai", "a", 0, 200, func(m int) observe.Result {
		if m >= 50 && m < 150 {
			return observe.ResultVendorError
		}
		return observe.ResultOK
	}), probes("openai", "b", 0, 200, func(m int) observe.Result {
		if m >= 50 && m < 170 {
			return observe.ResultNetworkError
		}
		return observe.ResultInvalidKey // refused, yet answered
	})...)
	evs := []correlate.Event{state("openai", 80, observe.PartialOutage), state("openai", 120, observe.Operational), state("openai", 160, observe.Degraded)}
	v := only(t, Compute(Input{Since: at(0), Until: at(210), Probes: ps, Events: evs}))
	if v.FailingMinutes != 100 || v.PageMinutes != 40+50 || v.UnreportedMinutes != 60 {
		t.Errorf("failing %v page %v unreported %v, want 100, 90, 60", v.FailingMinutes, v.PageMinutes, v.UnreportedMinutes)
	}
}

// The median lead is over the outages the page admitted that opened in
// the window; one the page posted first leads by 0; an unreported one
// the page never admitted has no lead; incidents are counted once each.
func TestLeadsAndIncidents(t *testing.T) {
	rec := func(kind correlate.Kind, m, lead int) correlate.FindingRecord {
		return correlate.FindingRecord{Finding: correlate.Finding{Kind: kind, Vendors: []string{"openai"}, LeadMinutes: lead}, Opened: at(m)}
	}
	fs := []correlate.FindingRecord{
		rec(correlate.KindVendorOutage, -30, 99),         // before the window
		rec(correlate.KindVendorOutage, 10, 25),          // we led by 25
		rec(correlate.KindVendorOutage, 20, 0),           // the page was first
		rec(correlate.KindVendorIncident, 30, 40),        // led by 40, then eased
		rec(correlate.KindVendorOutageUnreported, 40, 0), // never admitted
		rec(correlate.KindVendorIncident, 50, 0),         // the page alone
		{Finding: correlate.Finding{Kind: correlate.KindVendorOutage, Vendors: []string{"vapi"}, LeadMinutes: 5}, Opened: at(60)},
	}
	opened := func(m int, id string) correlate.Event {
		return correlate.Event{At: at(m), Vendor: "openai", Kind: correlate.EventIncidentOpened, Subject: id}
	}
	evs := []correlate.Event{opened(-5, "old"), opened(15, "a"), opened(25, "b"), opened(25, "b")}
	rep := Compute(Input{Since: at(0), Until: at(100), Vendors: []string{"openai"}, Findings: fs, Events: evs})
	v := only(t, rep)
	if v.LeadMinutes == nil || *v.LeadMinutes != 25 || v.LeadOutages != 3 {
		t.Errorf("lead %v over %d, want 25 over 3", v.LeadMinutes, v.LeadOutages)
	}
	if v.Incidents != 2 {
		t.Errorf("incidents %d, want 2", v.Incidents)
	}
	fs = fs[:3] // leads 25 and 0: the mean of the middles
	if v := only(t, Compute(Input{Since: at(0), Until: at(100), Vendors: []string{"openai"}, Findings: fs})); v.LeadMinutes == nil || *v.LeadMinutes != 12.5 {
		t.Errorf("even count: lead %v, want 12.5", v.LeadMinutes)
	}
	if v := only(t, Compute(Input{Since: at(0), Until: at(100), Vendors: []string{"openai"}})); v.LeadMinutes != nil {
		t.Errorf("no outages: lead %v, want none", *v.LeadMinutes)
	}
}

// BenchmarkCompute measures 30 days of 20 vendors probed every 5
// minutes (172,800 probes), as report --sla --since 30d does after
// reading them:
//
//	go test -run '^$' -bench BenchmarkCompute ./sla
func BenchmarkCompute(b *testing.B) {
	in := Input{Since: at(0), Until: at(30 * 24 * 60)}
	for v := range 20 {
		id := string(rune('a'+v)) + "vendor"
		for m := -5; m < 30*24*60; m += 5 {
			r := observe.ResultOK
			if m%(24*60) < 30 {
				r = observe.ResultVendorError
			}
			in.Probes = append(in.Probes, Probe{At: at(m), Vendor: id, Key: "prod", Result: r})
		}
		in.Events = append(in.Events, state(id, 100, observe.MajorOutage), state(id, 200, observe.Operational))
	}
	b.ResetTimer()
	for range b.N {
		if rep := Compute(in); len(rep.Vendors) != 20 || rep.Vendors[0].FailingMinutes != 30*30 {
			b.Fatalf("%d vendors, failing %v", len(rep.Vendors), rep.Vendors[0].FailingMinutes)
		}
	}
}

// runsOf rolls probes up as the history's evidence runs do: a probe with
// the same result as the run before it, at the run's spacing, extends it.
func runsOf(ps []Probe) []Probe {
	var out []Probe
	for _, p := range ps {
		if n := len(out); n > 0 {
			r := &out[n-1]
			first, last, c := r.times()
			gap := ms(p.At) - last
			if r.Result == p.Result && r.Key == p.Key && r.Vendor == p.Vendor && (c == 1 || gap == (last-first)/(c-1)) {
				r.Last, r.Count = p.At, int(c)+1
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// TestRunsMeasureAsTheirProbes checks that runs of identical probes give
// the figures their probes one by one give: runs spaced like the rest,
// runs more widely spaced than the hold (gaps in our watch), and keys
// with a different spacing each.
func TestRunsMeasureAsTheirProbes(t *testing.T) {
	var ps []Probe
	for m := 0; m < 3*24*60; m++ {
		r := observe.ResultOK
		if m%(24*60) >= 600 && m%(24*60) < 627 {
			r = observe.ResultTimeout
		}
		if m < 600 && m >= 500 && m%10 != 0 {
			continue // a stretch probed every 10 minutes: each probe stands for twice the usual spacing
		}
		ps = append(ps, Probe{At: at(m), Vendor: "vapi", Key: "prod", Result: r})
		if m%3 == 0 {
			ps = append(ps, Probe{At: at(m).Add(time.Second), Vendor: "vapi", Key: "staging", Result: r})
		}
	}
	ps = append(ps, Probe{At: at(5000), Vendor: "vapi", Key: "prod", Result: observe.ResultVendorError}) // a lone probe after a gap
	byKey := map[string][]Probe{}
	for _, p := range ps {
		byKey[p.Key] = append(byKey[p.Key], p)
	}
	runs := append(runsOf(byKey["prod"]), runsOf(byKey["staging"])...)
	if len(runs)*50 > len(ps) {
		t.Fatalf("%d runs of %d probes: the test does not roll them up", len(runs), len(ps))
	}
	in := Input{Since: at(60), Until: at(3*24*60 + 60), Buckets: 72, Events: []correlate.Event{state("vapi", 700, observe.MajorOutage), state("vapi", 800, observe.Operational)}}
	want := only(t, Compute(Input{Since: in.Since, Until: in.Until, Buckets: in.Buckets, Events: in.Events, Probes: ps}))
	in.Probes = runs
	got := only(t, Compute(in))
	if got.FailingMinutes != want.FailingMinutes || got.ObservedMinutes != want.ObservedMinutes || got.UnreportedMinutes != want.UnreportedMinutes || *got.Uptime != *want.Uptime {
		t.Errorf("runs: failing %v observed %v unreported %v uptime %v; probes: %v %v %v %v", got.FailingMinutes, got.ObservedMinutes, got.UnreportedMinutes, *got.Uptime,
			want.FailingMinutes, want.ObservedMinutes, want.UnreportedMinutes, *want.Uptime)
	}
	if want.FailingMinutes < 60 || want.UnobservedMinutes == 0 {
		t.Errorf("the probes fail for %v minutes and leave %v unobserved: the test shows too little", want.FailingMinutes, want.UnobservedMinutes)
	}
	for i := range want.Buckets {
		if got.Buckets[i] != want.Buckets[i] {
			t.Fatalf("bucket %d: runs %+v, probes %+v", i, got.Buckets[i], want.Buckets[i])
		}
	}
}
