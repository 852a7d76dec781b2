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

	r, closed := Assess(snapAt(at("12:20"), vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("12:20")).key("prod", false, observe.ResultOK, 200, "", at("12:20"))), mem)
	if len(r.Findings) != 0 || r.Overall != LevelOK {
		t.Errorf("after rotation: %v %s", kinds(r.Findings), r.Overall)
	}
	ch := Changes(mem, closed)
	if len(ch) != 1 || ch[0].Kind != ChangeClosed || ch[0].Finding.ID != first.ID {
		t.Errorf("changes = %+v", ch)
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
	t1 := at("12:00")
	r, _ := Assess(snapAt(t1,
		vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1),
		vendorAt("nothing", "Nothing").pageDown("HTTP 500 Internal Server Error"),
		vendorAt("keysonly", "KeysOnly").pageDown("HTTP 500 Internal Server Error").key("prod", false, observe.ResultOK, 200, "", t1),
	), Memory{})
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
