package correlate

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// A request that found no slot (not_checked) never asked the vendor: it
// raises nothing, never counts as our network failing, and neither grows
// nor breaks a vendor's run of failed checks.
func TestNotCheckedRaisesNothing(t *testing.T) {
	t0 := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * 15 * time.Second) }
	notChecked := func(id string, tm time.Time) *vb {
		return vendorAt(id, id).page(observe.Operational, "All Systems Operational").
			reach(observe.ResultNotChecked, 0, tm).key("prod", false, observe.ResultNotChecked, 0, "", tm)
	}
	t.Run("many vendors not checked", func(t *testing.T) {
		var snaps []observe.Snapshot
		for i := range 3 {
			snaps = append(snaps, snapAt(at(i), notChecked("openai", at(i)), notChecked("vapi", at(i)), notChecked("anthropic", at(i)), notChecked("twilio", at(i))))
		}
		reps, _ := steps(snaps...)
		for i, r := range reps {
			if fs := allKinds(r.Findings); len(fs) != 0 {
				t.Errorf("check %d: findings %v, want none", i, fs)
			}
			for _, v := range r.Vendors {
				for _, k := range v.Keys {
					if ResultLevel(k.Result) != LevelUnknown || ResultWord(k.Result) != "not checked" {
						t.Errorf("check %d: %s key reads %s %q, want unknown \"not checked\"", i, v.ID, ResultLevel(k.Result), ResultWord(k.Result))
					}
				}
			}
		}
	})
	t.Run("a failing vendor's run is kept", func(t *testing.T) {
		hang := func(tm time.Time) *vb {
			return vendorAt("vapi", "VAPI").page(observe.Operational, "All Systems Operational").
				reach(observe.ResultTimeout, 0, tm).key("prod", false, observe.ResultTimeout, 0, "", tm)
		}
		fine := func(tm time.Time) *vb { return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, tm) }
		reps, _ := steps(
			snapAt(at(0), hang(at(0)), fine(at(0))),
			snapAt(at(1), notChecked("vapi", at(1)), fine(at(1))),
			snapAt(at(2), hang(at(2)), fine(at(2))),
		)
		if has(reps[1], KindNetworkLocal) || has(reps[2], KindNetworkLocal) {
			t.Fatal("not_checked counted as our network")
		}
		f := find(t, reps[2], KindVendorOutageUnreported)
		if f.State != StateOpen {
			t.Errorf("after fail, not checked, fail: %s is %s, want open (two failed checks)", f.Kind, f.State)
		}
	})
}

// A status source whose request found no slot raises no
// status_source_down and is not our network.
func TestSourceNotCheckedRaisesNothing(t *testing.T) {
	t0 := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	var snaps []observe.Snapshot
	for i := range 3 {
		tm := t0.Add(time.Duration(i) * time.Minute)
		var vs []*vb
		for _, id := range []string{"openai", "vapi", "anthropic"} {
			vs = append(vs, vendorAt(id, id).pageDown("not checked: no free connection slot before the check's deadline"))
		}
		snaps = append(snaps, snapAt(tm, vs...))
	}
	reps, _ := steps(snaps...)
	for i, r := range reps {
		if fs := allKinds(r.Findings); len(fs) != 0 {
			t.Errorf("check %d: findings %v, want none", i, fs)
		}
	}
}
