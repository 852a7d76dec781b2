package history

import (
	"context"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// TestProbesAndPageStates commits checks with probes and a status page
// going down, then reads a window that opens in the middle: Probes gives
// each key's last probe before the window, then the window's probes, and
// PageStatesBefore what the page said as the window opened; both answer
// through the read-only store.
func TestProbesAndPageStates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	states := []observe.State{observe.Operational, observe.MajorOutage, observe.MajorOutage, observe.Operational, observe.Operational}
	results := []observe.Result{observe.ResultOK, observe.ResultVendorError, observe.ResultTimeout, observe.ResultOK, observe.ResultOK}
	for i, st := range states {
		at := fixture.At("10:00").Add(time.Duration(i) * 10 * time.Minute)
		v := vendorResult("openai", "OpenAI", st)
		v.Status.CheckedAt = at
		v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: results[i], CheckedAt: at}}
		g := vendorResult("github", "GitHub", observe.Operational)
		g.Status.CheckedAt = at
		if _, err := s.Commit(ctx, Check{Snapshot: snapshot(at, v, g)}, correlate.Assess); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	ro, err := OpenReadOnly(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	since := fixture.At("10:25")
	q := Query{Since: since, Until: fixture.At("11:00")}
	ps, err := ro.Probes(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.At.Format("15:04")+" "+p.Vendor+"/"+p.Key+" "+string(p.Result))
	}
	want := []string{"10:20 openai/prod timeout", "10:30 openai/prod ok", "10:40 openai/prod ok"}
	if len(got) != len(want) {
		t.Fatalf("probes %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("probe %d: %q, want %q", i, got[i], want[i])
		}
	}
	evs, err := ro.PageStatesBefore(ctx, q, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Vendor != "openai" || evs[0].Subject != string(observe.MajorOutage) || !evs[0].At.Equal(fixture.At("10:10")) {
		t.Errorf("page states before 10:25: %+v", evs)
	}
	if evs, err := ro.PageStatesBefore(ctx, Query{Vendors: []string{"github"}}, since); err != nil || len(evs) != 0 {
		t.Errorf("github's page never changed: %+v, %v", evs, err)
	}
}
