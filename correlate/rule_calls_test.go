package correlate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admin"
)

// reason is count calls ended with the VAPI endedReason, the first at
// first, the last a minute later.
func reason(r string, count int, first time.Time) observe.ReasonCount {
	return observe.ReasonCount{Reason: r, Count: count, EndedReason: admin.ParseEndedReason(r), First: first, Last: first.Add(time.Minute)}
}

// vapiCalls is VAPI, our key working, with call records since 12:35.
func vapiCalls(t time.Time, ended int, reasons ...observe.ReasonCount) *vb {
	b := vendorAt("vapi", "VAPI").reach(observe.ResultReachable, 401, t).key("prod", false, observe.ResultOK, 200, "", t)
	b.v.Calls = &observe.CallSummary{CheckedAt: t, Since: at("12:35"), Result: observe.ResultOK, Calls: ended + 2, Ended: ended, Reasons: reasons}
	return b
}

// The 2026-05-21 log: VAPI's calls end because the OpenAI key VAPI holds
// is dead. VAPI's call records say so without anyone seeing the key.
func TestCallsNameTheUpstreamKeyVAPIHolds(t *testing.T) {
	openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("12:52")).key("prod", false, observe.ResultOK, 200, "", at("12:52"))
	vapi := vapiCalls(at("12:52"), 40,
		reason("customer-ended-call", 28, at("12:36")),
		reason("pipeline-error-openai-401-incorrect-api-key", 12, at("12:40"))).dependsOn("openai")
	r, _ := Assess(snapAt(at("12:52"), openai, vapi), Memory{})
	uniqueIDs(t, r)
	f := find(t, r, KindUpstreamImpact)
	if f.ID != "upstream_impact:vapi,openai:" || !slices.Equal(f.Vendors, []string{"vapi"}) || f.Severity != SeverityCritical || !f.Since.Equal(at("12:40")) {
		t.Errorf("upstream_impact = %+v", f)
	}
	if f.Title != "VAPI calls fail on OpenAI: 401 incorrect-api-key (12 of 40 calls)" {
		t.Errorf("title = %q", f.Title)
	}
	for _, want := range []string{"12 of 40 VAPI calls created since 12:35 UTC ended in OpenAI failures",
		"12 ended pipeline-error-openai-401-incorrect-api-key (last 12:41 UTC)", "the OpenAI key stored in VAPI is dead"} {
		if !strings.Contains(f.Detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, f.Detail)
		}
	}
	if !strings.Contains(strings.Join(f.Advice, " "), "Fix the OpenAI key VAPI holds") {
		t.Errorf("advice = %v", f.Advice)
	}
	if vr, _ := r.Vendor("vapi"); vr.Level != LevelCritical {
		t.Errorf("VAPI level = %s", vr.Level)
	}

	// Without OpenAI in the config (no depends_on either) the calls still
	// name it.
	alone := vapiCalls(at("12:52"), 40, reason("pipeline-error-openai-429-exceeded-quota", 5, at("12:40")))
	r, _ = Assess(snapAt(at("12:52"), alone), Memory{})
	if f := find(t, r, KindUpstreamImpact); f.ID != "upstream_impact:vapi,openai:" || !strings.Contains(f.Detail, "the OpenAI account behind the OpenAI key stored in VAPI is out of quota or credit") {
		t.Errorf("alone = %+v", f)
	}
}

// When depends_on already links VAPI's trouble to an OpenAI key failure,
// the call records join that finding rather than adding a second one.
func TestCallsJoinTheDependsOnFinding(t *testing.T) {
	openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("12:52")).
		key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", at("12:52"))
	vapi := vapiCalls(at("12:52"), 40, reason("pipeline-error-openai-401-incorrect-api-key", 12, at("12:40")),
		reason("call.in-progress.error-providerfault-openai-503-server-overloaded-error", 2, at("12:45"))).dependsOn("openai")
	r, _ := Assess(snapAt(at("12:52"), openai, vapi), Memory{})
	uniqueIDs(t, r)
	n := 0
	for _, f := range r.Findings {
		if f.Kind == KindUpstreamImpact {
			n++
		}
	}
	f := find(t, r, KindUpstreamImpact)
	if n != 1 || f.Severity != SeverityCritical || !strings.Contains(f.Title, "14 of 40 calls") ||
		!strings.Contains(f.Detail, "depends on OpenAI (depends_on)") || !strings.Contains(f.Detail, "2 ended call.in-progress.error-providerfault-openai-503") {
		t.Errorf("%d upstream findings; %+v", n, f)
	}
}

func TestCallsAboutVAPIItself(t *testing.T) {
	worker := reason("call.in-progress.error-vapifault-worker-died", 9, at("12:36"))
	credits := reason("call.start.error-subscription-insufficient-credits", 4, at("12:38"))
	r, _ := Assess(snapAt(at("12:52"), vapiCalls(at("12:52"), 40, reason("customer-ended-call", 27, at("12:36")), worker, credits)), Memory{})
	uniqueIDs(t, r)
	own := find(t, r, KindVendorOutageUnreported)
	if own.Severity != SeverityWarning || !strings.Contains(own.Title, "VAPI calls failing on VAPI's side: worker-died (9 of 40 calls)") ||
		!strings.Contains(own.Detail, `while VAPI's status page says "All Systems Operational"`) {
		t.Errorf("own failures = %+v", own)
	}
	q := find(t, r, KindQuotaExceeded)
	if q.ID != "quota_exceeded:vapi:" || q.Severity != SeverityCritical || !strings.Contains(q.Detail, "4 ended call.start.error-subscription-insufficient-credits") {
		t.Errorf("billing = %+v", q)
	}
	if has(r, KindUpstreamImpact) {
		t.Error("VAPI's own failures taken for an upstream's")
	}

	// With an incident on VAPI's page the records join it.
	inc := vapiCalls(at("12:52"), 40, worker).page(observe.PartialOutage, "Partial outage",
		incident("901977", "Dashboard and API down", "major", at("12:45")))
	r, _ = Assess(snapAt(at("12:52"), inc), Memory{})
	f := find(t, r, KindVendorIncident)
	if has(r, KindVendorOutageUnreported) || f.Severity.Rank() < SeverityWarning.Rank() || !strings.Contains(f.Detail, "Its call records agree: 9 of 40") {
		t.Errorf("with an incident: %v %+v", kinds(r.Findings), f)
	}

	// One dead worker among many calls is noise.
	r, _ = Assess(snapAt(at("12:52"), vapiCalls(at("12:52"), 40, reason("call.in-progress.error-vapifault-worker-died", 1, at("12:40")))), Memory{})
	if len(r.Findings) != 0 {
		t.Errorf("one failed call: %v", kinds(r.Findings))
	}
}

// When the call records cannot be read, the counts kept from the last read
// still back the findings, and every finding drawn from them says from
// when they are and why they are not newer.
func TestCallsReadEarlierSaySo(t *testing.T) {
	stale := func(b *vb) *vb {
		b.v.Calls.Result, b.v.Calls.HTTPStatus, b.v.Calls.CheckedAt, b.v.Calls.CountedAt = observe.ResultVendorError, 502, at("12:57"), at("12:52")
		return b
	}
	fresh := vapiCalls(at("12:52"), 40, reason("pipeline-error-openai-401-incorrect-api-key", 12, at("12:40")))
	fresh.v.Calls.CountedAt = at("12:52")
	r, _ := Assess(snapAt(at("12:52"), fresh), Memory{})
	if f := find(t, r, KindUpstreamImpact); strings.Contains(f.Title, "as of") || strings.Contains(f.Detail, "could not be read") {
		t.Errorf("fresh counts marked stale: %+v", f)
	}
	for _, tt := range []struct {
		name string
		v    *vb
		kind Kind
	}{
		{"upstream", vapiCalls(at("12:57"), 40, reason("pipeline-error-openai-401-incorrect-api-key", 12, at("12:40"))), KindUpstreamImpact},
		{"own", vapiCalls(at("12:57"), 40, reason("call.in-progress.error-vapifault-worker-died", 9, at("12:36"))), KindVendorOutageUnreported},
		{"billing", vapiCalls(at("12:57"), 40, reason("call.start.error-subscription-insufficient-credits", 4, at("12:38"))), KindQuotaExceeded},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := Assess(snapAt(at("12:57"), stale(tt.v)), Memory{})
			f := find(t, r, tt.kind)
			if !strings.Contains(f.Title, "as of 12:52 UTC") ||
				!strings.Contains(f.Detail, "These counts are from the read at 12:52 UTC: VAPI's call records could not be read at 12:57 UTC (vendor_error (HTTP 502)).") {
				t.Errorf("finding from kept counts:\n%s\n%s", f.Title, f.Detail)
			}
		})
	}
}

// Call records that can no longer be read, once the counts kept from the
// last read are too old to show (VAPI down for longer than the window),
// say nothing about the calls: the finding they raised stays open as it
// was, never a false all-clear. Records read again decide.
func TestCallsFindingHeldWhileRecordsUnreadable(t *testing.T) {
	failing := vapiCalls(at("12:52"), 40, reason("pipeline-error-openai-401-incorrect-api-key", 12, at("12:40")))
	gone := func(t time.Time) *vb {
		b := vapiCalls(t, 0)
		b.v.Calls.Result, b.v.Calls.HTTPStatus, b.v.Calls.Calls = observe.ResultVendorError, 502, 0
		return b
	}
	healed := vapiCalls(at("13:40"), 20, reason("customer-ended-call", 20, at("13:31")))
	reps, _ := steps(snapAt(at("12:52"), failing), snapAt(at("13:10"), gone(at("13:10"))), snapAt(at("13:20"), gone(at("13:20"))),
		snapAt(at("13:40"), healed), snapAt(at("13:42"), vapiCalls(at("13:42"), 21, reason("customer-ended-call", 21, at("13:31")))))
	for i, want := range []State{StateOpen, StateOpen, StateOpen, StateClosing} {
		if f := find(t, reps[i], KindUpstreamImpact); f.State != want {
			t.Errorf("step %d: %s, want %s", i, f.State, want)
		}
	}
	if slices.Contains(allKinds(reps[4].Findings), KindUpstreamImpact) {
		t.Errorf("readable records without failures did not close it: %v", allKinds(reps[4].Findings))
	}
}

// Calls that fail on a dead key VAPI holds for us are ours to fix, not
// VAPI's or OpenAI's: after we rotated OpenAI's key (our probe works) VAPI
// may still hold the old one, and the verdict must say KEY, not THEM. An
// account of ours out of quota is US. While OpenAI's page admits an
// incident about its API, the rejections may be the outage's and the
// verdict stays THEM: nobody rotates on an outage's word. OpenAI's own
// server errors are THEM.
func TestCallFailuresVerdictWord(t *testing.T) {
	now := at("12:52")
	openaiOK := func() *vb {
		return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, now).key("prod", false, observe.ResultOK, 200, "", now)
	}
	cases := []struct {
		name   string
		openai *vb
		reason string
		want   Word
	}{
		{"dead key VAPI holds", openaiOK(), "pipeline-error-openai-401-incorrect-api-key", WordKey},
		{"our OpenAI account out of quota", openaiOK(), "pipeline-error-openai-429-exceeded-quota", WordUs},
		{"dead key during OpenAI's incident", openaiOK().page(observe.PartialOutage, "Partial outage",
			incident("inc-1", "Elevated API errors and authentication failures", "major", at("12:30"))),
			"pipeline-error-openai-401-incorrect-api-key", WordThem},
		{"OpenAI's server errors", openaiOK(), "call.in-progress.error-providerfault-openai-503-server-overloaded-error", WordThem},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vapi := vapiCalls(now, 40, reason("customer-ended-call", 28, at("12:36")), reason(c.reason, 12, at("12:40"))).dependsOn("openai")
			r, _ := Assess(snapAt(now, c.openai, vapi), Memory{})
			f := find(t, r, KindUpstreamImpact)
			if got := wordOf(f); got != c.want {
				t.Errorf("the finding's word = %s, want %s: %s", got, c.want, f.Title)
			}
			if f.Severity == SeverityCritical && r.Verdict.Word != c.want {
				t.Errorf("verdict = %s, want %s", r.Verdict, c.want)
			}
		})
	}
}

// The verdict over a day of checks with rules interacting: VAPI's calls
// fail on the dead OpenAI key it holds while Anthropic has an unrelated
// incident open. The dead key leads (KEY, critical) over the unrelated
// incident (THEM, warning) at every check; when VAPI's calls end normally
// again the key finding recovers and then closes, and the verdict falls
// back to the incident that is still open, never to OK while it lasts.
func TestCallFailuresBesideAnUnrelatedIncident(t *testing.T) {
	openai := func(now time.Time) *vb {
		return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, now).key("prod", false, observe.ResultOK, 200, "", now)
	}
	anthropic := func(now time.Time) *vb {
		return vendorAt("anthropic", "Anthropic").page(observe.PartialOutage, "Partial outage",
			incident("inc-9", "Elevated errors on Claude in the EU", "minor", at("11:50"))).
			reach(observe.ResultReachable, 401, now).key("prod", false, observe.ResultOK, 200, "", now)
	}
	failing := func(now time.Time) *vb {
		return vapiCalls(now, 40, reason("customer-ended-call", 28, now.Add(-15*time.Minute)),
			reason("pipeline-error-openai-401-incorrect-api-key", 12, now.Add(-10*time.Minute))).dependsOn("openai")
	}
	healed := func(now time.Time) *vb {
		return vapiCalls(now, 30, reason("customer-ended-call", 30, now.Add(-9*time.Minute))).dependsOn("openai")
	}
	var mem Memory
	steps := []struct {
		at      string
		vapi    func(time.Time) *vb
		word    Word
		title   string
		keyOpen bool
	}{
		{"12:00", failing, WordKey, "VAPI calls fail on OpenAI", true},
		{"12:02", failing, WordKey, "VAPI calls fail on OpenAI", true},
		{"12:20", healed, WordThem, "Anthropic", false},
		{"12:22", healed, WordThem, "Anthropic", false},
	}
	for _, s := range steps {
		now := at(s.at)
		var r Report
		r, mem = Assess(snapAt(now, openai(now), s.vapi(now), anthropic(now)), mem)
		if r.Verdict.Word != s.word || !strings.Contains(r.Verdict.Title, s.title) {
			t.Errorf("%s: verdict %q, want %s about %s", s.at, r.Verdict, s.word, s.title)
		}
		open := slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Kind == KindUpstreamImpact && f.Counts() })
		if open != s.keyOpen {
			t.Errorf("%s: the calls finding counts = %v, want %v: %+v", s.at, open, s.keyOpen, r.Findings)
		}
		if !slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Kind == KindVendorIncident && slices.Contains(f.Vendors, "anthropic") }) {
			t.Errorf("%s: Anthropic's unrelated incident is not listed", s.at)
		}
	}
}
