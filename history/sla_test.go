package history

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
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

// In a damaged database, Probes reads every probe it can around the
// damaged page and says what it could not, and PageStatesBefore still
// answers.
func TestProbesReadAroundDamagedPages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir, Options{})
	start := fixture.At("00:00")
	for i := range 300 {
		at := start.Add(time.Duration(i) * 10 * time.Minute)
		st := observe.Operational
		if i >= 100 && i < 110 {
			st = observe.MajorOutage
		}
		v := vendorResult("openai", "OpenAI", st)
		v.Status.CheckedAt = at
		v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultOK, HTTPStatus: 200, CheckedAt: at,
			Message: fmt.Sprintf("probe %d: a body long enough to spread the evidence over many pages of the file", i)}} // each probe its own row: none is compacted
		if _, err := s.Commit(ctx, Check{Snapshot: snapshot(at, v)}, correlate.Assess); err != nil {
			t.Fatal(err)
		}
	}
	q := Query{Since: start.Add(24 * time.Hour), Until: start.Add(50 * time.Hour)}
	all, err := s.Probes(ctx, q)
	if err != nil || len(all) != 1+26*6 {
		t.Fatalf("%d probes, %v", len(all), err)
	}
	leaves := pages(t, s, "evidence", "leaf")
	s.Close()
	smash(t, filepath.Join(dir, DatabaseFile), leaves[len(leaves)/2])
	ro, err := OpenReadOnly(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	got, err := ro.Probes(ctx, q)
	var re *ReadError
	if !errors.As(err, &re) || len(re.Gaps) != 1 || len(got) == 0 || len(got) >= len(all) || re.Gaps[0].Wanted < len(all)-len(got) {
		t.Fatalf("%d of %d probes, %v", len(got), len(all), err)
	}
	// The index counts every evidence row of the gap: the probes and the
	// status pages recorded beside them.
	if g := re.Gaps[0].String(); !strings.Contains(g, "evidence rows of openai recorded between") {
		t.Errorf("gap: %s", g)
	}
	for i := 1; i < len(got); i++ {
		if got[i].At.Before(got[i-1].At) {
			t.Fatalf("probes out of order at %d: %v, %v", i, got[i-1].At, got[i].At)
		}
	}
	if !got[0].At.Equal(all[0].At) {
		t.Errorf("the last probe before the window: %v, want %v", got[0].At, all[0].At)
	}
	evs, err := ro.PageStatesBefore(ctx, Query{}, start.Add(20*time.Hour))
	if err != nil && !errors.Is(err, ErrCorrupt) || len(evs) != 1 || evs[0].Subject != string(observe.Operational) {
		t.Errorf("page states: %+v, %v", evs, err)
	}
}

// BenchmarkProbes reads a 30-day window of probes from 60 days of
// evidence of 20 vendors probed every 5 minutes (345,600 rows), as
// report --sla --since 30d does:
//
//	go test -run '^$' -bench BenchmarkProbes ./history
func BenchmarkProbes(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	end := fixture.At("00:00")
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO evidence (at, vendor, key, kind, body) VALUES (?, ?, 'prod', 'probe', ?)`)
	if err != nil {
		b.Fatal(err)
	}
	body := `{"name":"prod","fingerprint":"sk-proj-…MxYA","canary":false,"result":"ok","http_status":200,"code":"","message":"","latency_ms":210}`
	for at := end.Add(-60 * 24 * time.Hour); at.Before(end); at = at.Add(5 * time.Minute) {
		for v := range 20 {
			if _, err := ins.ExecContext(ctx, at.UnixMilli(), fmt.Sprintf("vendor%02d", v), body); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	q := Query{Since: end.Add(-30 * 24 * time.Hour), Until: end}
	b.ResetTimer()
	for range b.N {
		ps, err := s.Probes(ctx, q)
		if err != nil || len(ps) != 20*30*288+20 {
			b.Fatalf("%d probes, %v", len(ps), err)
		}
	}
}
