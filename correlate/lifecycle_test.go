package correlate

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

func revokedOpenAI(tm string) *vb {
	return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", at(tm))
}

func TestFindingsOpenUpdateClose(t *testing.T) {
	reps, mem := steps(
		snapAt(at("10:57"), revokedOpenAI("10:57")),
		snapAt(at("11:10"), revokedOpenAI("11:10")),
	)
	first, second := find(t, reps[0], KindKeyRevoked), find(t, reps[1], KindKeyRevoked)
	if first.ID != "key_revoked:openai:prod" || second.ID != first.ID {
		t.Errorf("IDs %q, %q", first.ID, second.ID)
	}
	if !second.Since.Equal(at("10:57")) || mem.Open[first.ID].Opened != at("10:57") {
		t.Errorf("since %s opened %s: the finding must keep its start", second.Since, mem.Open[first.ID].Opened)
	}
	if second.Detail == first.Detail {
		t.Errorf("detail did not count on: %q", second.Detail)
	}
	if ch := Changes(Memory{}, mem); len(ch) != 1 || ch[0].Kind != ChangeOpened {
		t.Errorf("changes from nothing = %+v", ch)
	}

	// The key works again: the episode is closing, counts no more, and
	// announces nothing yet; the next check confirms and closes it.
	works := func(tm string) observe.Snapshot {
		return snapAt(at(tm), vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultOK, 200, "", at(tm)))
	}
	r, closing := Assess(works("12:20"), mem)
	if f := find(t, r, KindKeyRevoked); f.State != StateClosing || r.Overall != LevelOK || len(Changes(mem, closing)) != 0 {
		t.Errorf("after rotation: %s %s, changes %+v", f.State, r.Overall, Changes(mem, closing))
	}
	r, closed := Assess(works("12:21"), closing)
	if len(r.Findings) != 0 || r.Overall != LevelOK {
		t.Errorf("a check later: %v %s", allKinds(r.Findings), r.Overall)
	}
	ch := Changes(closing, closed)
	if len(ch) != 1 || ch[0].Kind != ChangeClosed || ch[0].Finding.ID != first.ID {
		t.Errorf("changes = %+v", ch)
	}
}

// A finding back before its recovery was confirmed simply continues: no
// close, no new open, the same start.
func TestRecoveryBlipIsNoClose(t *testing.T) {
	_, mem := steps(snapAt(at("10:57"), revokedOpenAI("10:57")))
	ok := snapAt(at("10:58"), vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("10:58")).key("prod", false, observe.ResultOK, 200, "", at("10:58")))
	_, closing := Assess(ok, mem)
	r, back := Assess(snapAt(at("10:59"), revokedOpenAI("10:59")), closing)
	if f := find(t, r, KindKeyRevoked); f.State != StateOpen || !f.Since.Equal(at("10:57")) {
		t.Errorf("back: %s since %s", f.State, f.Since)
	}
	if ch := append(Changes(mem, closing), Changes(closing, back)...); len(ch) != 0 {
		t.Errorf("a one-check recovery caused changes %+v", ch)
	}
}

// A finding that needs confirming is pending at first and forgotten when
// the next check does not see it: never opened, never closed.
func TestPendingFindingConfirmsOrIsForgotten(t *testing.T) {
	slow := func(tm string) observe.Snapshot {
		return snapAt(at(tm), vendorAt("github", "GitHub").pageDown("HTTP 503 Service Unavailable").reach(observe.ResultReachable, 401, at(tm)))
	}
	fine := func(tm string) observe.Snapshot {
		return snapAt(at(tm), vendorAt("github", "GitHub").reach(observe.ResultReachable, 401, at(tm)))
	}
	r, mem := Assess(slow("10:00"), Memory{})
	if f := find(t, r, KindStatusSourceDown); f.State != StatePending || r.Overall != LevelOK || len(Changes(Memory{}, mem)) != 0 {
		t.Errorf("first sighting: %s, overall %s", f.State, r.Overall)
	}
	r2, gone := Assess(fine("10:01"), mem)
	if len(r2.Findings) != 0 || len(Changes(mem, gone)) != 0 {
		t.Errorf("not seen again: %v, changes %+v", allKinds(r2.Findings), Changes(mem, gone))
	}
	_, again := Assess(slow("10:01"), mem)
	if ch := Changes(mem, again); len(ch) != 1 || ch[0].Kind != ChangeOpened {
		t.Errorf("seen again: changes %+v, want opened", ch)
	}
}

func TestChangesEscalate(t *testing.T) {
	f := Finding{ID: "vendor_outage:vapi:", Kind: KindVendorOutage, Severity: SeverityWarning}
	prev := Memory{Open: map[string]OpenFinding{f.ID: {Finding: f}}}
	f.Severity = SeverityCritical
	next := Memory{Open: map[string]OpenFinding{f.ID: {Finding: f}}}
	ch := Changes(prev, next)
	if len(ch) != 1 || ch[0].Kind != ChangeEscalated || ch[0].From != SeverityWarning {
		t.Errorf("changes = %+v", ch)
	}
	if ch := Changes(next, prev); len(ch) != 1 || ch[0].Kind != ChangeEased {
		t.Errorf("changes = %+v", ch)
	}
	if ch := Changes(next, next); len(ch) != 0 {
		t.Errorf("no change reported as %+v", ch)
	}
}

func TestAssessLeavesMemoryAlone(t *testing.T) {
	_, mem := steps(snapAt(at("10:57"), revokedOpenAI("10:57")))
	before := mem.clone()
	Assess(snapAt(at("12:20"), vendorAt("openai", "OpenAI").key("prod", false, observe.ResultOK, 200, "", at("12:20"))), mem)
	if !reflect.DeepEqual(before, mem) {
		t.Error("Assess changed the memory it was given")
	}
}

// A run with --only openai says nothing about VAPI: VAPI's findings stay
// open, and reappear in the next full run without reopening.
func TestOnlyRunsKeepOtherVendorsFindings(t *testing.T) {
	vapiDown := func(tm string) *vb {
		return vendorAt("vapi", "VAPI").page(observe.MajorOutage, "Major", incident("v", "API down", "critical", at("12:40"))).reach(observe.ResultVendorError, 502, at(tm))
	}
	fine := func(tm string) *vb { return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)) }
	_, mem := steps(snapAt(at("12:45"), vapiDown("12:45"), fine("12:45")))
	r, mem2 := Assess(snapAt(at("12:46"), fine("12:46")), mem)
	if len(r.Findings) != 0 {
		t.Errorf("--only openai report shows %v", kinds(r.Findings))
	}
	if ch := Changes(mem, mem2); len(ch) != 0 {
		t.Errorf("--only run changed VAPI findings: %+v", ch)
	}
	r3, mem3 := Assess(snapAt(at("12:47"), vapiDown("12:47"), fine("12:47")), mem2)
	if !has(r3, KindVendorOutage) || len(Changes(mem2, mem3)) != 0 || mem3.Open["vendor_outage:vapi:"].Opened != at("12:45") {
		t.Errorf("full run: %v changes %+v", kinds(r3.Findings), Changes(mem2, mem3))
	}
	// A vendor no run has covered for a day left the config: its findings close.
	_, mem4 := Assess(snapAt(at("12:47").Add(25*time.Hour), fine("12:48")), mem3)
	if ch := Changes(mem3, mem4); len(ch) != 1 || ch[0].Kind != ChangeClosed {
		t.Errorf("stale findings: %+v", ch)
	}
}

// A timeout says nothing about a revoked key: the finding stays open
// instead of closing and reopening.
func TestKeyFindingHeldWhileUndecided(t *testing.T) {
	_, mem := steps(snapAt(at("10:57"), revokedOpenAI("10:57")), snapAt(at("10:58"), revokedOpenAI("10:58")))
	blip := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("10:59")).key("prod", false, observe.ResultTimeout, 0, "", at("10:59"))
	r, mem2 := Assess(snapAt(at("10:59"), blip), mem)
	if !has(r, KindKeyRevoked) || len(Changes(mem, mem2)) != 0 {
		t.Errorf("findings %v changes %+v", kinds(r.Findings), Changes(mem, mem2))
	}
}

func TestVendorLevels(t *testing.T) {
	snap := func(t1 time.Time) observe.Snapshot {
		return snapAt(t1,
			vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1),
			vendorAt("nothing", "Nothing").pageDown("HTTP 500 Internal Server Error"),
			vendorAt("keysonly", "KeysOnly").pageDown("HTTP 500 Internal Server Error").key("prod", false, observe.ResultOK, 200, "", t1),
		)
	}
	// The unreadable pages are confirmed by a second check.
	reps, _ := steps(snap(at("11:59")), snap(at("12:00")))
	r := reps[1]
	want := map[string]Level{"openai": LevelOK, "nothing": LevelUnknown, "keysonly": LevelWarning}
	for _, v := range r.Vendors {
		if v.Level != want[v.ID] {
			t.Errorf("%s level %s, want %s", v.ID, v.Level, want[v.ID])
		}
	}
	if r.Overall != LevelWarning || !slices.Equal(kinds(r.Findings), []Kind{KindStatusSourceDown, KindStatusSourceDown}) {
		t.Errorf("overall %s findings %v", r.Overall, kinds(r.Findings))
	}
}

// The dashboard and serve assess after every vendor's check. A second
// assessment of the same observations (GitHub's check finished, VAPI's
// probes are as they were) is no second sighting: a pending finding stays
// pending and a closing one stays closing until VAPI is observed anew.
func TestOnlyNewObservationsConfirm(t *testing.T) {
	vapi := func(r observe.Result, status int, probed string) *vb {
		return vendorAt("vapi", "VAPI").reach(r, status, at(probed)).key("prod", false, r, status, "", at(probed))
	}
	github := func(tm string) *vb { return vendorAt("github", "GitHub").reach(observe.ResultReachable, 401, at(tm)) }

	_, mem := Assess(snapAt(at("12:35"), vapi(observe.ResultVendorError, 502, "12:35"), github("12:35")), Memory{})
	r, mem := Assess(snapAt(at("12:35:20"), vapi(observe.ResultVendorError, 502, "12:35"), github("12:35:20")), mem)
	if f := find(t, r, KindVendorOutageUnreported); f.State != StatePending || r.Overall != LevelOK {
		t.Fatalf("reassessed before VAPI was probed again: %s, overall %s", f.State, r.Overall)
	}
	r, mem = Assess(snapAt(at("12:36"), vapi(observe.ResultVendorError, 502, "12:36"), github("12:36")), mem)
	if f := find(t, r, KindVendorOutageUnreported); f.State != StateOpen || r.Overall != LevelWarning {
		t.Fatalf("VAPI failing on its second probe: %s, overall %s", f.State, r.Overall)
	}

	r, mem = Assess(snapAt(at("12:40"), vapi(observe.ResultOK, 200, "12:40"), github("12:40")), mem)
	if f := find(t, r, KindVendorOutageUnreported); f.State != StateClosing {
		t.Fatalf("first good probe: %s, want closing", f.State)
	}
	closing := mem
	r, mem = Assess(snapAt(at("12:40:30"), vapi(observe.ResultOK, 200, "12:40"), github("12:40:30")), mem)
	if f := find(t, r, KindVendorOutageUnreported); f.State != StateClosing || len(Changes(closing, mem)) != 0 {
		t.Fatalf("reassessed before VAPI was probed again: %s, changes %+v", f.State, Changes(closing, mem))
	}
	r, next := Assess(snapAt(at("12:41"), vapi(observe.ResultOK, 200, "12:41"), github("12:41")), mem)
	if ch := Changes(mem, next); len(r.Findings) != 0 || len(ch) != 1 || ch[0].Kind != ChangeClosed || !ch[0].Ended.Equal(at("12:40")) {
		t.Errorf("second good probe: findings %v, changes %+v", allKinds(r.Findings), ch)
	}
}
