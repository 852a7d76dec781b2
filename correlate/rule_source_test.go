package correlate

import (
	"fmt"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// pages is a check of n vendors whose status pages answered in the given
// latencies (one per vendor, cycling), each vendor's key probe fine.
func pages(tm string, n int, ms ...int64) observe.Snapshot {
	var bs []*vb
	for i := range n {
		b := vendorAt(fmt.Sprintf("v%03d", i), fmt.Sprintf("Vendor %03d", i)).reach(observe.ResultReachable, 401, at(tm))
		b.v.Status.Sources[0].LatencyMS = ms[i%len(ms)]
		bs = append(bs, b)
	}
	return snapAt(at(tm), bs...)
}

func slowPages(r Report) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Kind == KindStatusSourceDown {
			out = append(out, f.Vendors[0])
		}
	}
	return out
}

// When most pages of a check took seconds, the time was ours (a saturated
// machine or link reading hundreds of pages at once): no page is called
// slow for it, and a page far slower than the others still is.
func TestSlowPagesAgainstTheirCheck(t *testing.T) {
	// 400 pages answering in 4 to 7 s: our side was slow.
	r, _ := Assess(pages("10:00", 400, 4000, 5500, 6000, 7000), Memory{})
	if got := slowPages(r); len(got) != 0 {
		t.Errorf("a check whose median page took 5.5 s called %d pages slow, e.g. %v", len(got), got[:min(3, len(got))])
	}
	// One page of them took 40 s: it stands out.
	snap := pages("10:00", 400, 4000, 5500, 6000, 7000)
	snap.Vendors[7].Status.Sources[0].LatencyMS = 40000
	r, _ = Assess(snap, Memory{})
	if got := slowPages(r); len(got) != 1 || got[0] != "v007" {
		t.Errorf("the one page at 40 s among pages at 4-7 s: slow pages %v, want [v007]", got)
	}
	// A quiet check: the fixed bar (5 s) holds.
	snap = pages("10:00", 400, 200, 300)
	snap.Vendors[3].Status.Sources[0].LatencyMS = 6000
	r, _ = Assess(snap, Memory{})
	if got := slowPages(r); len(got) != 1 || got[0] != "v003" {
		t.Errorf("one page at 6 s among pages at 0.2-0.3 s: slow pages %v, want [v003]", got)
	}
	// Too few pages to judge our side: two slow vendors of three are both
	// slow.
	r, _ = Assess(pages("10:00", 3, 6000, 7000, 300), Memory{})
	if got := slowPages(r); len(got) != 2 {
		t.Errorf("two of three pages at 6-7 s: slow pages %v, want two", got)
	}
}

// A page that stays slow says the same thing check after check, so the
// stored state is not rewritten for a latency that moved from 6.1 to 6.8 s.
func TestSlowPageSaysTheSameWhileSlow(t *testing.T) {
	snap := func(tm string, ms int64) observe.Snapshot {
		b := vendorAt("vapi", "VAPI").reach(observe.ResultReachable, 401, at(tm))
		b.v.Status.Sources[0].LatencyMS = ms
		return snapAt(at(tm), b)
	}
	r1, mem := Assess(snap("10:00", 6100), Memory{})
	r2, _ := Assess(snap("10:01", 6800), mem)
	f1, f2 := find(t, r1, KindStatusSourceDown), find(t, r2, KindStatusSourceDown)
	if f1.Title != f2.Title || f1.Detail != f2.Detail {
		t.Errorf("the same slow page reads differently at two checks:\n%q %q\n%q %q", f1.Title, f1.Detail, f2.Title, f2.Detail)
	}
	if f1.Title != "VAPI status page slow (over 5 s)" {
		t.Errorf("title %q", f1.Title)
	}
	if r3, _ := Assess(snap("10:02", 31000), mem); find(t, r3, KindStatusSourceDown).Title != "VAPI status page slow (over 30 s)" {
		t.Errorf("a page at 31 s: %q", find(t, r3, KindStatusSourceDown).Title)
	}
}

func TestSlowStep(t *testing.T) {
	for ms, want := range map[int64]int64{5000: 5, 9999: 5, 10000: 10, 19000: 10, 25000: 20, 59000: 30, 61000: 60, 150000: 120} {
		if got := slowStep(ms); got != want {
			t.Errorf("slowStep(%d) = %d, want %d", ms, got, want)
		}
	}
}
