package correlate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Fingerprints of the OpenAI key before and after the rotation.
const (
	oldFP = "sk-proj-…MxYA"
	newFP = "sk-proj-…Q7rT"
)

// openaiHeld is OpenAI with its prod key held by VAPI and LangSmith.
func openaiHeld(t time.Time, fp string, r observe.Result) *vb {
	status := map[observe.Result]int{observe.ResultOK: 200, observe.ResultInvalidKey: 401}[r]
	code := map[observe.Result]string{observe.ResultInvalidKey: "invalid_api_key"}[r]
	b := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t).key("prod", false, r, status, code, t)
	b.v.Keys[0].Fingerprint = fp
	b.v.Keys[0].RevocationMarker = r == observe.ResultInvalidKey
	b.v.Keys[0].Holders = []observe.Holder{{Kind: "vendor", Name: "vapi"}, {Kind: "vendor", Name: "langsmith"}}
	return b
}

// vapiRead is VAPI's call records read at t: calls since 10:45, ended
// with the given reasons.
func vapiRead(t time.Time, reasons ...observe.ReasonCount) *vb {
	ended := 0
	for _, rc := range reasons {
		ended += rc.Count
	}
	b := vapiCalls(t, ended, reasons...)
	b.v.Calls.Since, b.v.Calls.CountedAt = at("10:45"), t
	return b
}

func langsmith(t time.Time) *vb {
	return vendorAt("langsmith", "LangSmith").reach(observe.ResultReachable, 401, t)
}

// The timeline of issue 18's rotation: OpenAI leaks the key and disables
// it; the team rotates it; VAPI keeps failing with the old key until it is
// updated, and its calls close it on the checklist; LangSmith, which has
// no call records, stays pending until marked done by hand. The VAPI
// finding tells the same story as the checklist at every step.
func TestRotationChecklistTimeline(t *testing.T) {
	var mem Memory
	step := func(snap observe.Snapshot) Report {
		t.Helper()
		var r Report
		r, mem = Assess(snap, mem)
		return r
	}
	// 10:50 all is well; 10:57 OpenAI has disabled the key.
	r := step(snapAt(at("10:50"), openaiHeld(at("10:50"), oldFP, observe.ResultOK), vapiRead(at("10:50")), langsmith(at("10:50"))))
	if len(r.Rotations) != 0 {
		t.Fatalf("rotations before any rotation: %+v", r.Rotations)
	}
	step(snapAt(at("10:57"), openaiHeld(at("10:57"), oldFP, observe.ResultInvalidKey), vapiRead(at("10:57")), langsmith(at("10:57"))))

	// 11:05 the new key is in the secret store: a rotation, VAPI's 401s
	// all from before it.
	r = step(snapAt(at("11:05"), openaiHeld(at("11:05"), newFP, observe.ResultOK),
		vapiRead(at("11:05"), reason("pipeline-error-openai-401-incorrect-api-key", 9, at("10:58"))), langsmith(at("11:05"))))
	rot := onlyRotation(t, r)
	if rot.Subject() != "openai/prod" || rot.From != oldFP || rot.To != newFP || !rot.RotatedAt.Equal(at("11:05")) || !rot.OldKeyDead || rot.State != RotationOpen {
		t.Fatalf("rotation = %+v", rot)
	}
	if got := holderStates(rot); got != "vendor:vapi=pending vendor:langsmith=pending" {
		t.Errorf("holders = %s", got)
	}
	if h := rot.Holders[0]; !strings.Contains(h.Evidence, "no VAPI call has ended since the rotation") {
		t.Errorf("VAPI evidence = %q", h.Evidence)
	}
	if f := find(t, r, KindKeyRevoked); f.State != StateClosing ||
		!slices.Equal(f.Advice, []string{"OpenAI key prod was rotated at 11:05 UTC (sk-proj-…MxYA → sk-proj-…Q7rT); the rotation checklist waits for vendor:vapi, vendor:langsmith to have the new key (vendorwatch rotation list)."}) {
		t.Errorf("the recovering key_revoked does not point at the checklist: %s %q", f.State, f.Advice)
	}
	f := find(t, r, KindUpstreamImpact)
	advice := strings.Join(f.Advice, "\n")
	if !strings.Contains(advice, "OpenAI key prod was rotated at 11:05 UTC") || !strings.Contains(advice, "these calls failed before it") ||
		!strings.Contains(advice, "vendorwatch rotation done openai/prod vendor:vapi") || strings.Contains(advice, "may still hold an old one") {
		t.Errorf("upstream_impact advice does not follow the checklist:\n%s", advice)
	}
	// Failures from before the rotation are the old key's: they inform
	// and raise nothing; the verdict does not send anyone after a key.
	if f.Severity != SeverityInfo || r.Verdict.Word == WordKey {
		t.Errorf("11:05: calls that failed before the rotation are %s, verdict %q", f.Severity, r.Verdict)
	}

	// 11:20 VAPI still fails after the rotation: it holds the old key.
	r = step(snapAt(at("11:20"), openaiHeld(at("11:20"), newFP, observe.ResultOK),
		vapiRead(at("11:20"), reason("pipeline-error-openai-401-incorrect-api-key", 20, at("11:15")), reason("customer-ended-call", 3, at("10:50"))), langsmith(at("11:20"))))
	rot = onlyRotation(t, r)
	if h := rot.Holders[0]; h.State != HolderPending || !strings.Contains(h.Evidence, "20 VAPI calls ended in OpenAI 401 after the rotation (last 11:16 UTC): VAPI still holds the old OpenAI key") {
		t.Errorf("VAPI at 11:20 = %+v", h)
	}
	f = find(t, r, KindUpstreamImpact)
	if advice := strings.Join(f.Advice, "\n"); !strings.Contains(advice, "VAPI still fails with the old key: update the OpenAI key in VAPI") || f.Severity != SeverityCritical {
		t.Errorf("upstream_impact at 11:20 = %s %v", f.Severity, f.Advice)
	}
	// The dead key VAPI holds is ours to replace: KEY, not THEM.
	if r.Verdict.Word != WordKey || r.Verdict.Finding != f.ID {
		t.Errorf("11:20: verdict %q, want KEY from VAPI's calls", r.Verdict)
	}

	// 11:40 VAPI was updated at 11:30: its last 401 ended at 11:31, calls
	// since end normally. VAPI is done on the checklist, and the finding
	// about its old failures is gone; LangSmith is still pending.
	r = step(snapAt(at("11:40"), openaiHeld(at("11:40"), newFP, observe.ResultOK),
		vapiRead(at("11:40"), reason("pipeline-error-openai-401-incorrect-api-key", 25, at("11:30")), reason("customer-ended-call", 6, at("11:35"))), langsmith(at("11:40"))))
	rot = onlyRotation(t, r)
	if got := holderStates(rot); got != "vendor:vapi=done vendor:langsmith=pending" || rot.State != RotationOpen {
		t.Fatalf("holders at 11:40 = %s (%s)", got, rot.State)
	}
	if h := rot.Holders[0]; h.How != DoneByCalls || !h.At.Equal(at("11:40")) || !strings.Contains(h.Evidence, "calls ended normally after the last OpenAI 401 at 11:31 UTC") {
		t.Errorf("VAPI done = %+v", h)
	}
	if h := rot.Holders[1]; !strings.Contains(h.Evidence, "vendorwatch rotation done openai/prod vendor:langsmith") {
		t.Errorf("LangSmith evidence = %q", h.Evidence)
	}
	// The finding about its old failures is recovering (the episode
	// confirms a recovery over one more check), no longer open.
	if slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Kind == KindUpstreamImpact && f.Counts() }) {
		t.Errorf("the old key's failures still make a finding after VAPI is done: %+v", r.Findings)
	}
	for _, f := range r.Findings {
		if advice := strings.Join(f.Advice, " "); f.Kind == KindUpstreamImpact && !strings.Contains(advice, "the rotation checklist has VAPI done (calls at 11:40 UTC)") {
			t.Errorf("the recovering VAPI finding contradicts the checklist: %q", advice)
		}
	}

	// A later check keeps LangSmith pending: nothing it does is evidence.
	r = step(snapAt(at("12:10"), openaiHeld(at("12:10"), newFP, observe.ResultOK),
		vapiRead(at("12:10"), reason("customer-ended-call", 30, at("11:50"))), langsmith(at("12:10"))))
	if got := holderStates(onlyRotation(t, r)); got != "vendor:vapi=done vendor:langsmith=pending" {
		t.Errorf("holders at 12:10 = %s", got)
	}
	if slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Kind == KindUpstreamImpact }) {
		t.Errorf("the VAPI finding did not close: %+v", r.Findings)
	}

	// By hand (what the history does for vendorwatch rotation done).
	rot = mem.Rotations[0]
	if err := rot.MarkDone("langsmith", at("12:15"), "new key in the LangSmith workspace"); err != nil {
		t.Fatal(err)
	}
	if rot.State != RotationDone || !rot.ClosedAt.Equal(at("12:15")) || rot.Holders[1].How != DoneByHand {
		t.Errorf("after the last holder = %+v", rot)
	}
	mem.Rotations[0] = rot
	r = step(snapAt(at("12:20"), openaiHeld(at("12:20"), newFP, observe.ResultOK), vapiRead(at("12:20")), langsmith(at("12:20"))))
	if rot := onlyRotation(t, r); rot.State != RotationDone {
		t.Errorf("a closed rotation reopened: %+v", rot)
	}
	// A day later it is no longer in the report.
	r = step(snapAt(at("12:20").Add(RecentRotation), openaiHeld(at("12:20").Add(RecentRotation), newFP, observe.ResultOK), langsmith(at("12:20"))))
	if len(r.Rotations) != 0 {
		t.Errorf("a rotation closed a day ago is still reported: %+v", r.Rotations)
	}
}

// A key whose secret does not resolve for a while, then resolves to a new
// key, is a rotation; one that resolves to the same key again is not.
func TestRotationAcrossAMissingSecret(t *testing.T) {
	noSecret := func(t0 time.Time) *vb {
		b := openaiHeld(t0, "", observe.ResultNoSecret)
		return b
	}
	rs, _ := steps(
		snapAt(at("10:00"), openaiHeld(at("10:00"), oldFP, observe.ResultOK)),
		snapAt(at("10:01"), noSecret(at("10:01"))),
		snapAt(at("10:02"), openaiHeld(at("10:02"), oldFP, observe.ResultOK)),
	)
	if n := len(rs[2].Rotations); n != 0 {
		t.Errorf("the same key after a missing secret opened %d rotations", n)
	}
	rs, _ = steps(
		snapAt(at("10:00"), openaiHeld(at("10:00"), oldFP, observe.ResultOK)),
		snapAt(at("10:01"), noSecret(at("10:01"))),
		snapAt(at("10:02"), openaiHeld(at("10:02"), newFP, observe.ResultOK)),
	)
	rot := onlyRotation(t, rs[2])
	if rot.From != oldFP || rot.To != newFP || rot.OldKeyDead {
		t.Errorf("rotation = %+v", rot)
	}
	// The old key still worked: VAPI's working calls prove nothing.
	r, _ := Assess(snapAt(at("10:20"), openaiHeld(at("10:20"), newFP, observe.ResultOK), vapiRead(at("10:20"), reason("customer-ended-call", 4, at("10:10")))),
		Memory{Rotations: []Rotation{rot}, Fingerprints: map[string]KeySeen{"openai/prod": {Fingerprint: newFP, At: at("10:02")}}})
	if h := onlyRotation(t, r).Holders[0]; h.State != HolderPending || !strings.Contains(h.Evidence, "the old key still worked when it was replaced") {
		t.Errorf("VAPI after a planned rotation = %+v", h)
	}
}

// A second rotation before the first closed supersedes it; a key with no
// holders gets no checklist.
func TestRotationSupersededAndWithoutHolders(t *testing.T) {
	third := "sk-proj-…Zz9Q"
	rs, _ := steps(
		snapAt(at("10:00"), openaiHeld(at("10:00"), oldFP, observe.ResultOK)),
		snapAt(at("10:01"), openaiHeld(at("10:01"), newFP, observe.ResultOK)),
		snapAt(at("10:02"), openaiHeld(at("10:02"), third, observe.ResultOK)),
	)
	got := rs[2].Rotations
	if len(got) != 2 || got[0].State != RotationSuperseded || got[1].State != RotationOpen || got[1].From != newFP || got[1].To != third {
		t.Errorf("rotations = %+v", got)
	}
	bare := func(t0 time.Time, fp string) *vb {
		b := openaiHeld(t0, fp, observe.ResultOK)
		b.v.Keys[0].Holders = nil
		return b
	}
	rs, _ = steps(snapAt(at("10:00"), bare(at("10:00"), oldFP)), snapAt(at("10:01"), bare(at("10:01"), newFP)))
	if len(rs[1].Rotations) != 0 {
		t.Errorf("a key without holders got a checklist: %+v", rs[1].Rotations)
	}
}

// Holders are named on the command line as written in the config, or by
// their bare name when that is unambiguous; a rotation closes once.
func TestRotationHolderByName(t *testing.T) {
	r := Rotation{Vendor: "openai", Key: "prod", State: RotationOpen, Holders: []RotationHolder{
		{Holder: observe.Holder{Kind: "vendor", Name: "vapi"}, State: HolderPending},
		{Holder: observe.Holder{Kind: "service", Name: "voice"}, State: HolderPending},
		{Holder: observe.Holder{Kind: "secret", Name: "voice"}, State: HolderPending},
	}}
	for spec, want := range map[string]string{"vendor:vapi": "", "vapi": "", "service:voice": "",
		"voice":     `"voice" names several holders of openai/prod: say which, service:voice or secret:voice`,
		"langsmith": `openai/prod has no holder "langsmith"; its holders are vendor:vapi, service:voice, secret:voice`} {
		_, err := r.Holder(spec)
		if got := ""; err != nil {
			got = err.Error()
			if got != want {
				t.Errorf("Holder(%q) = %q, want %q", spec, got, want)
			}
		} else if want != "" {
			t.Errorf("Holder(%q) found one, want %q", spec, want)
		}
	}
	if err := r.Dismiss(" ", at("12:00")); err == nil {
		t.Error("a dismissal without a reason was taken")
	}
	if err := r.Dismiss("VAPI moved to a key of its own", at("12:00")); err != nil || r.State != RotationDismissed {
		t.Fatalf("dismiss: %v %+v", err, r)
	}
	if err := r.MarkDone("vapi", at("12:01"), ""); err == nil || !strings.Contains(err.Error(), "already dismissed") {
		t.Errorf("marking a dismissed rotation: %v", err)
	}
}

func onlyRotation(t *testing.T, r Report) Rotation {
	t.Helper()
	if len(r.Rotations) != 1 {
		t.Fatalf("%d rotations, want 1: %+v", len(r.Rotations), r.Rotations)
	}
	return r.Rotations[0]
}

func holderStates(r Rotation) string {
	var out []string
	for _, h := range r.Holders {
		out = append(out, HolderSpec(h.Holder)+"="+string(h.State))
	}
	return strings.Join(out, " ")
}

// A report narrowed to some vendors (--only) keeps the rotations of their
// keys and those they hold a key in.
func TestNarrowKeepsRotations(t *testing.T) {
	rep := Report{Rotations: []Rotation{
		{Vendor: "openai", Key: "prod", Holders: []RotationHolder{{Holder: observe.Holder{Kind: "vendor", Name: "vapi"}}}},
		{Vendor: "anthropic", Key: "prod", Holders: []RotationHolder{{Holder: observe.Holder{Kind: "service", Name: "vapi"}}}},
	}}
	if got := Narrow(rep, []string{"vapi"}).Rotations; len(got) != 1 || got[0].Vendor != "openai" {
		t.Errorf("narrowed to vapi: %+v", got)
	}
	if got := Narrow(rep, []string{"anthropic"}).Rotations; len(got) != 1 || got[0].Vendor != "anthropic" {
		t.Errorf("narrowed to anthropic: %+v", got)
	}
}
