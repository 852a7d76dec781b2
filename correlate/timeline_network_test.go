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
