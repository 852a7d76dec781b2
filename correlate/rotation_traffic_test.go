package correlate

import (
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// openaiServices is OpenAI with its prod key held by two services of ours
// and a secret store entry.
func openaiServices(t time.Time, fp string, r observe.Result) *vb {
	b := openaiHeld(t, fp, r)
	b.v.Keys[0].Holders = []observe.Holder{serviceHolder("voice-backend"), serviceHolder("batch"), secretHolder("gcp:openai-prod")}
	return b
}

// Issue 19 with issue 18's checklist: the key leaked and died, the team
// rotated it, and one service kept the old key. Our traffic's 401s say
// it is us and point at the checklist; they stop once it is redeployed,
// and that closes the service holders (the signal is per vendor: both at
// once). The secret store entry is closed by hand.
func TestRotationClosesServicesOnTraffic(t *testing.T) {
	var mem Memory
	step := func(snap observe.Snapshot) Report {
		t.Helper()
		var r Report
		r, mem = Assess(snap, mem)
		return r
	}
	auth := func(r float64) observe.TrafficErrors { return observe.TrafficErrors{Auth: r} }
	step(snapAt(at("10:50"), openaiServices(at("10:50"), oldFP, observe.ResultOK).traffic(at("10:50"), 12, clean, base)))
	step(snapAt(at("10:57"), openaiServices(at("10:57"), oldFP, observe.ResultInvalidKey).traffic(at("10:57"), 12, auth(0.9), base)))

	// 11:05 rotated; the traffic window (11:00-11:05) began before it.
	r := step(snapAt(at("11:05"), openaiServices(at("11:05"), newFP, observe.ResultOK).traffic(at("11:05"), 12, auth(0.6), base)))
	rot := onlyRotation(t, r)
	if h := rot.Holders[0]; h.State != HolderPending || h.Evidence != "waiting for 5 minutes of our traffic to OpenAI wholly after the rotation" {
		t.Errorf("voice-backend at 11:05 = %+v", h)
	}
	f := find(t, r, KindTrafficAuthErrors)
	if f.State != StateOpen || !strings.Contains(f.Detail, "The rotation of openai/prod at 11:05 UTC (sk-proj-…MxYA → sk-proj-…Q7rT) still waits for: voice-backend (our service), batch (our service), gcp:openai-prod (secret store).") ||
		!strings.HasPrefix(f.Advice[0], "Likely a holder the rotation of openai/prod missed") {
		t.Errorf("traffic_auth_errors at 11:05 = %+v", f)
	}

	// 11:15 a service still sends the old key: a third of our calls fail.
	r = step(snapAt(at("11:15"), openaiServices(at("11:15"), newFP, observe.ResultOK).traffic(at("11:15"), 12, auth(0.33), base)))
	rot = onlyRotation(t, r)
	if h := rot.Holders[1]; h.State != HolderPending ||
		h.Evidence != "33% of our requests to OpenAI still got 401/403 after the rotation (read at 11:15 UTC): a service of ours still sends the old key; the traffic is per vendor, so it cannot say which" {
		t.Errorf("batch at 11:15 = %+v", h)
	}
	if r.Verdict.Word != WordUs {
		t.Errorf("verdict %s", r.Verdict)
	}

	// 11:30 redeployed: no 401 since; both services are done by traffic.
	r = step(snapAt(at("11:30"), openaiServices(at("11:30"), newFP, observe.ResultOK).traffic(at("11:30"), 12, clean, base)))
	rot = onlyRotation(t, r)
	if got := holderStates(rot); got != "service:voice-backend=done service:batch=done secret:gcp:openai-prod=pending" {
		t.Fatalf("holders at 11:30 = %s", got)
	}
	if h := rot.Holders[0]; h.How != DoneByTraffic || !h.At.Equal(at("11:30")) ||
		h.Evidence != "traffic recovered: our requests to OpenAI (12 a second) got 0% 401/403 in the 5 minutes to 11:30 UTC, after the rotation" {
		t.Errorf("voice-backend done = %+v", h)
	}
	if f := find(t, r, KindTrafficAuthErrors); f.State != StateClosing {
		t.Errorf("traffic_auth_errors at 11:30 is %s", f.State)
	}
}

// A service holder is not closed on what the traffic cannot prove: the
// old key still worked when it was replaced, too little traffic, or no
// traffic read since.
func TestRotationTrafficProvesNothing(t *testing.T) {
	for _, c := range []struct {
		name    string
		before  observe.Result
		traffic func(*vb) *vb
		want    string
	}{
		{"the old key still worked", observe.ResultOK, func(b *vb) *vb { return b.traffic(at("11:30"), 12, clean, base) },
			"our traffic to OpenAI works, but the old key still worked when it was replaced, so that does not prove voice-backend (our service) has the new one: mark it done once redeployed"},
		{"too little traffic", observe.ResultInvalidKey, func(b *vb) *vb { return b.traffic(at("11:30"), 0.01, clean, base) },
			"too little of our traffic goes to OpenAI to tell (0 requests a second)"},
		{"Prometheus down", observe.ResultInvalidKey, func(b *vb) *vb { return b.trafficDown(at("11:30"), observe.ResultTimeout, "timeout") },
			"our traffic to OpenAI cannot be read now"},
		{"no traffic signal", observe.ResultInvalidKey, func(b *vb) *vb { return b },
			"waiting to be marked done: vendorwatch rotation done openai/prod service:voice-backend"},
	} {
		_, mem := steps(
			snapAt(at("10:57"), openaiServices(at("10:57"), oldFP, c.before)),
			snapAt(at("11:05"), openaiServices(at("11:05"), newFP, observe.ResultOK)),
			snapAt(at("11:30"), c.traffic(openaiServices(at("11:30"), newFP, observe.ResultOK))),
		)
		if len(mem.Rotations) != 1 {
			t.Fatalf("%s: rotations %+v", c.name, mem.Rotations)
		}
		if h := mem.Rotations[0].Holders[0]; h.State != HolderPending || h.Evidence != c.want {
			t.Errorf("%s: voice-backend = %s %q", c.name, h.State, h.Evidence)
		}
	}
}
