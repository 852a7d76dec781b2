package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// fakeRoutingKey is shaped like an Events API v2 integration key.
const fakeRoutingKey = "r0ut1ngk3y0f4f4k3s3rv1c3abcdef12"

// fakePagerDuty checks each request against the Events API v2 schema
// (developer.pagerduty.com, "Send an Alert Event" and "Send a Resolve
// Event") and answers as PagerDuty does: 202 with a JSON status, or 400
// naming what is wrong.
type fakePagerDuty struct {
	t      *testing.T
	mu     sync.Mutex
	events []pdEvent
	raw    []string
}

func (f *fakePagerDuty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	bad := func(msg string) {
		f.t.Errorf("PagerDuty would refuse: %s\n%s", msg, body)
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"status":"invalid event","message":"Event object is invalid","errors":["`+msg+`"]}`)
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v2/enqueue" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		bad("not a JSON POST to /v2/enqueue")
		return
	}
	var ev pdEvent
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		bad("not an event: " + err.Error())
		return
	}
	switch {
	case len(ev.RoutingKey) != 32:
		bad("routing_key must be the 32-character integration key")
		return
	case ev.DedupKey == "" || len(ev.DedupKey) > 255:
		bad("dedup_key must be 1..255 characters")
		return
	case ev.EventAction == "trigger":
		p := ev.Payload
		if p == nil || p.Summary == "" || len(p.Summary) > 1024 || p.Source == "" || !slices.Contains([]string{"critical", "error", "warning", "info"}, p.Severity) {
			bad("trigger needs payload.summary (≤1024), payload.source and payload.severity")
			return
		}
		if _, err := time.Parse(time.RFC3339, p.Timestamp); err != nil {
			bad("payload.timestamp is not ISO 8601")
			return
		}
	case ev.EventAction == "resolve" || ev.EventAction == "acknowledge":
	default:
		bad("event_action must be trigger, acknowledge or resolve")
		return
	}
	f.mu.Lock()
	f.events = append(f.events, ev)
	f.raw = append(f.raw, string(body))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, `{"status":"success","message":"Event processed","dedup_key":"`+ev.DedupKey+`"}`)
}

// A finding that opens and closes is one PagerDuty alert: a trigger,
// then a resolve with the same dedup_key, delivered through the outbox.
func TestPagerDutyTriggersThenResolves(t *testing.T) {
	fake := &fakePagerDuty{t: t}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	pd := &PagerDuty{RoutingKey: fakeRoutingKey, URL: srv.URL + "/v2/enqueue", Source: "oncall-box"}
	d := New([]Notifier{{Name: "pager", Sender: pd, Quiet: -1}}, Options{})
	f := revoked
	redact.Register(notifyKey)
	f.Detail += " (the vendor echoed " + notifyKey + ")" // a key in the evidence, which must not leave
	f.Since = at("10:01")
	for _, r := range []correlate.Report{report("10:00"), report("10:01", f), report("10:02", f), report("10:03")} {
		d.Observe(r)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(fake.events) != 2 {
		t.Fatalf("PagerDuty got %d events, want a trigger and a resolve: %v", len(fake.events), fake.raw)
	}
	trig, res := fake.events[0], fake.events[1]
	if trig.EventAction != "trigger" || res.EventAction != "resolve" {
		t.Fatalf("actions %s, %s; want trigger, resolve", trig.EventAction, res.EventAction)
	}
	if trig.DedupKey != "vendorwatch:key_revoked:openai:prod" || res.DedupKey != trig.DedupKey {
		t.Errorf("dedup keys %q, %q; want the finding's episode id on both", trig.DedupKey, res.DedupKey)
	}
	if trig.RoutingKey != fakeRoutingKey || res.RoutingKey != fakeRoutingKey {
		t.Errorf("routing key not sent as given")
	}
	p := trig.Payload
	if p.Summary != "Critical opened: OpenAI key prod revoked" || p.Severity != "critical" || p.Source != "oncall-box" ||
		p.Component != "openai" || p.Class != "key_revoked" || p.Timestamp != "2026-05-21T10:01:00Z" {
		t.Errorf("payload = %+v", p)
	}
	cd := p.CustomDetails
	if cd["finding_id"] != "key_revoked:openai:prod" || !strings.Contains(cd["detail"].(string), "sk-proj-…MxYA") || cd["since"] != "2026-05-21T10:01:00Z" {
		t.Errorf("custom_details = %v", cd)
	}
	if res.Payload != nil {
		t.Errorf("a resolve carries no payload: %+v", res.Payload)
	}
	for _, raw := range fake.raw {
		noNotifyKey(t, "a PagerDuty event", raw)
	}
}

func TestPagerDutySeverities(t *testing.T) {
	for sev, want := range map[correlate.Severity]string{correlate.SeverityCritical: "critical", correlate.SeverityWarning: "warning", correlate.SeverityInfo: "info"} {
		if got := pdSeverity(sev); got != want {
			t.Errorf("%s maps to %s, want %s", sev, got, want)
		}
	}
}

// PagerDuty's answers can echo the request; an error never shows the
// routing key.
func TestPagerDutyErrorHidesTheRoutingKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"status":"invalid event","errors":["bad request `+string(body)+`"]}`)
	}))
	defer srv.Close()
	err := (&PagerDuty{RoutingKey: fakeRoutingKey, URL: srv.URL + "/v2/enqueue"}).Send(context.Background(), openedEvent())
	if err == nil || !strings.Contains(err.Error(), "PagerDuty answered HTTP 400") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), fakeRoutingKey) {
		t.Fatalf("error shows the routing key: %v", err)
	}
}

// A long finding id still makes a dedup_key PagerDuty accepts, distinct
// from another long id with the same start.
func TestDedupKeyLength(t *testing.T) {
	a := correlate.Finding{ID: "upstream_impact:" + strings.Repeat("v", 300) + ":a"}
	b := correlate.Finding{ID: "upstream_impact:" + strings.Repeat("v", 300) + ":b"}
	ka, kb := DedupKey(a), DedupKey(b)
	if len(ka) > 255 || len(kb) > 255 || ka == kb {
		t.Fatalf("keys %q (%d), %q (%d)", ka, len(ka), kb, len(kb))
	}
}

// The test message raises a PagerDuty alert of severity info and
// resolves it at once.
func TestPagerDutyTrial(t *testing.T) {
	fake := &fakePagerDuty{t: t}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	if err := Trial(context.Background(), &PagerDuty{RoutingKey: fakeRoutingKey, URL: srv.URL + "/v2/enqueue"}, "voice-pager", at("10:00")); err != nil {
		t.Fatal(err)
	}
	if len(fake.events) != 2 || fake.events[0].EventAction != "trigger" || fake.events[1].EventAction != "resolve" ||
		fake.events[0].DedupKey != fake.events[1].DedupKey || fake.events[0].Payload.Severity != "info" ||
		!strings.Contains(fake.events[0].Payload.Summary, "test message for notifier voice-pager") {
		t.Fatalf("events = %+v", fake.events)
	}
}
