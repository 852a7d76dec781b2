package correlate

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Our network goes down under a running dashboard or serve: every
// vendor's check fails in turn, seconds apart, and each finished check is
// assessed with the others' older results. The on-call engineer must be
// told one thing, our network, and no vendor's page or API must be blamed
// on the way there, nor when the network comes back.
func TestNetworkLossPagesNoVendor(t *testing.T) {
	ids := []string{"openai", "vapi", "anthropic", "github", "twilio", "elevenlabs"}
	t0 := at("03:00")
	last := map[string]*vb{}
	observe := func(id string, tm time.Time, up bool) {
		b := vendorAt(id, id)
		b.v.Status.CheckedAt = tm
		if up {
			b.reach(observe.ResultReachable, 401, tm)
		} else {
			b.pageDown("dial: lookup status." + id + ".test: no such host")
			b.v.Status.CheckedAt = tm
			b.reach(observe.ResultNetworkError, 0, tm)
		}
		last[id] = b
	}
	for _, id := range ids {
		observe(id, t0, true)
	}
	mem := Memory{}
	var opened []string
	var levels []Level
	check := func(tm time.Time) Report {
		var vs []*vb
		for _, id := range ids {
			vs = append(vs, last[id])
		}
		r, next := Assess(snapAt(tm, vs...), mem)
		for _, c := range Changes(mem, next) {
			if c.Kind == ChangeOpened || c.Kind == ChangeEscalated || c.Kind == ChangeUpdated {
				opened = append(opened, fmt.Sprintf("%s %s", c.Kind, c.Finding.Kind))
			}
		}
		mem = next
		levels = append(levels, r.Overall)
		return r
	}
	check(t0)
	// Two rounds of checks with the network down, one vendor every 5 s,
	// then two rounds with it back.
	var r Report
	for round, up := range []bool{false, false, true, true} {
		for i, id := range ids {
			tm := t0.Add(time.Duration(round+1)*time.Minute + time.Duration(i)*5*time.Second)
			observe(id, tm, up)
			r = check(tm)
			if !up && round == 1 && (r.Verdict.Word != WordUs || r.Verdict.State != StateOpen) {
				t.Errorf("%s: verdict %s, want US: our network", tm.Format("15:04:05"), r.Verdict)
			}
		}
	}
	if !slices.Equal(opened, []string{"opened network_local"}) {
		t.Errorf("transitions that would notify: %v, want network_local alone", opened)
	}
	if len(r.Findings) != 0 || r.Verdict.Word != WordOK {
		t.Errorf("after recovery: %v, verdict %s", allKinds(r.Findings), r.Verdict)
	}
	// Before network_local holds, the first failures are confirming: the
	// level stays ok; then it is critical, ours; never a vendor's warning.
	for i, l := range levels {
		if l != LevelOK && l != LevelCritical {
			t.Errorf("check %d: level %s (all: %v)", i, l, levels)
		}
	}
}

// A vendor outage is open when our network goes down: nothing can be
// seen of VAPI any more, so its outage is held as it was, never closed (a
// false all-clear, notified); when the network is back, VAPI is judged
// again and closes only through a recovery it shows.
func TestNetworkLossHoldsWhatItCannotSee(t *testing.T) {
	vapiDown := func(tm string) *vb {
		return vendorAt("vapi", "VAPI").page(observe.MajorOutage, "Major Outage", incident("901977", "API down", "critical", at("12:45"))).
			reach(observe.ResultVendorError, 502, at(tm)).key("prod", false, observe.ResultVendorError, 502, "", at(tm))
	}
	vapiUp := func(tm string) *vb {
		return vendorAt("vapi", "VAPI").reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultOK, 200, "", at(tm))
	}
	dark := func(id, tm string) *vb {
		b := vendorAt(id, id).pageDown("dial: connect: network is unreachable")
		b.v.Status.CheckedAt = at(tm)
		return b.reach(observe.ResultNetworkError, 0, at(tm)).key("prod", false, observe.ResultNetworkError, 0, "", at(tm))
	}
	up := func(id, tm string) *vb { return vendorAt(id, id).reach(observe.ResultReachable, 401, at(tm)) }

	_, mem := steps(snapAt(at("12:46"), vapiDown("12:46"), up("openai", "12:46"), up("github", "12:46")))
	var changes []Change
	run := func(s observe.Snapshot) Report {
		r, next := Assess(s, mem)
		changes = append(changes, Changes(mem, next)...)
		mem = next
		return r
	}
	for _, tm := range []string{"12:50", "12:51", "12:52"} {
		r := run(snapAt(at(tm), dark("vapi", tm), dark("openai", tm), dark("github", tm)))
		if r.Verdict.Word != WordUs || !slices.Contains(allKinds(r.Findings), KindVendorOutage) {
			t.Errorf("%s: verdict %s, findings %v; want US, VAPI's outage held", tm, r.Verdict, allKinds(r.Findings))
		}
	}
	if len(changes) != 1 || changes[0].Kind != ChangeOpened || changes[0].Finding.Kind != KindNetworkLocal {
		t.Errorf("while the network is down: %+v, want network_local opened alone", changes)
	}
	changes = nil
	for _, tm := range []string{"12:53", "12:54"} {
		r := run(snapAt(at(tm), vapiDown(tm), up("openai", tm), up("github", tm)))
		if r.Verdict.Word != WordThem {
			t.Errorf("%s, network back, VAPI still down: verdict %s", tm, r.Verdict)
		}
	}
	if len(changes) != 1 || changes[0].Kind != ChangeClosed || changes[0].Finding.Kind != KindNetworkLocal || !changes[0].Ended.Equal(at("12:53")) {
		t.Errorf("network back, VAPI still down: %+v, want network_local closed alone, ended 12:53", changes)
	}
	changes = nil
	run(snapAt(at("13:30"), vapiUp("13:30"), up("openai", "13:30"), up("github", "13:30")))
	run(snapAt(at("13:31"), vapiUp("13:31"), up("openai", "13:31"), up("github", "13:31")))
	if len(changes) != 1 || changes[0].Kind != ChangeClosed || changes[0].Finding.Kind != KindVendorOutage {
		t.Errorf("VAPI recovered: %+v, want its outage closed once", changes)
	}
}
