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

// A fleet checked from a saturated machine, step by step: an unrelated
// incident stays open throughout, VAPI's API fails and recovers, and for two
// checks every page answers in seconds because our side is slow. What the
// header says and what is announced at each check never comes from the slow
// check: no page is blamed for it, nothing is opened or closed by it, and a
// page that is slow on its own later is only confirming (pending), never
// announced, while the incidents lead.
func TestSlowChecksBesideIncidentsTimeline(t *testing.T) {
	fleet := func(tm string, pageMS int64, vapiUp bool, vapiPageMS int64) []*vb {
		var bs []*vb
		for i := range 10 {
			b := vendorAt(fmt.Sprintf("v%02d", i), fmt.Sprintf("Vendor %02d", i)).reach(observe.ResultReachable, 401, at(tm))
			b.v.Status.Sources[0].LatencyMS = pageMS + int64(i)*100
			bs = append(bs, b)
		}
		anthropic := vendorAt("anthropic", "Anthropic").reach(observe.ResultReachable, 401, at(tm)).
			page(observe.Degraded, "Degraded", incident("inc-7", "Elevated errors on Claude in the EU", "minor", at("09:50")))
		anthropic.v.Status.Sources[0].LatencyMS = pageMS
		vapi := vendorAt("vapi", "VAPI")
		if vapiUp {
			vapi.reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultOK, 200, "", at(tm))
		} else {
			vapi.reach(observe.ResultVendorError, 502, at(tm)).key("prod", false, observe.ResultVendorError, 500, "", at(tm))
		}
		vapi.v.Status.Sources[0].LatencyMS = vapiPageMS
		return append(bs, anthropic, vapi)
	}
	reps, _ := runScenario(t, []step{
		{"10:00", fleet("10:00", 300, true, 300), []string{"opened vendor_incident anthropic"}, LevelWarning, "THEM: Anthropic: Elevated errors on Claude in the EU"},
		// Our machine is saturated: every page takes 6-7 s.
		{"10:01", fleet("10:01", 6000, true, 6500), nil, LevelWarning, "THEM: Anthropic: Elevated errors on Claude in the EU"},
		// Still saturated; VAPI's API fails: confirming, so the open
		// incident still heads.
		{"10:02", fleet("10:02", 6000, false, 6500), nil, LevelWarning, "THEM: Anthropic: Elevated errors on Claude in the EU"},
		// Our side is quick again; VAPI still fails, and its page alone is
		// slow: the outage opens and heads (a vendor we see failing before
		// one that posted an incident); the slow page is only confirming.
		{"10:03", fleet("10:03", 300, false, 8000), []string{"opened vendor_outage_unreported vapi"}, LevelWarning, "THEM: VAPI failing, but its status page says operational"},
		// VAPI answers again: recovering; the next check closes it, and
		// the unrelated incident, still open, leads again.
		{"10:04", fleet("10:04", 300, true, 300), nil, LevelWarning, "THEM: Anthropic: Elevated errors on Claude in the EU"},
		{"10:05", fleet("10:05", 300, true, 300), []string{"closed vendor_outage_unreported vapi"}, LevelWarning, "THEM: Anthropic: Elevated errors on Claude in the EU"},
	})
	for i, r := range reps {
		for _, f := range r.Findings {
			if f.Kind != KindStatusSourceDown {
				continue
			}
			if i != 3 || f.Vendors[0] != "vapi" || f.State != StatePending || f.Severity != SeverityInfo {
				t.Errorf("check %d: %s %s %s %q", i, f.Vendors, f.State, f.Severity, f.Title)
			}
		}
	}
	if f := find(t, reps[3], KindStatusSourceDown); f.Title != "VAPI status page slow (over 5 s)" {
		t.Errorf("10:03: %q", f.Title)
	}
}
