package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// at is a time of the incident log's day (2026-05-21), in UTC.
var at = fixture.At

// fakeKey is what a key would look like; no payload may ever hold it.
const fakeKey = "sk-proj-Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aU4iO6eT8rW0qS3MxYA"

var revoked = correlate.Finding{
	ID: "key_revoked:openai:prod", Kind: correlate.KindKeyRevoked, Severity: correlate.SeverityCritical,
	Vendors: []string{"openai"}, Keys: []string{"prod"}, Title: "OpenAI key prod revoked",
	Detail: "OpenAI rejects key prod (sk-proj-…MxYA): invalid_key (HTTP 401 invalid_api_key)",
	Advice: []string{"Look in your mail for OpenAI's notice that the key leaked & was disabled."},
}

func report(hhmm string, fs ...correlate.Finding) correlate.Report {
	lvl := correlate.LevelOK
	for _, f := range fs {
		lvl = correlate.Worse(lvl, f.Severity.Level())
	}
	return correlate.Report{SchemaVersion: 1, GeneratedAt: at(hhmm), Overall: lvl, Findings: fs}
}

// The acceptance case: a finding that opens fires its webhook exactly
// once — not again while it stays open, not again when it closes and
// re-opens within the quiet period — and its close is announced once it
// has stayed closed for the quiet period.
func TestWebhookFiresOncePerFinding(t *testing.T) {
	var mu sync.Mutex
	var got []Payload
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p Payload
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("webhook body is not JSON: %v\n%s", err, body)
		}
		if strings.Contains(string(body), fakeKey) || strings.Contains(string(body), fakeKey[8:20]) {
			t.Errorf("payload holds the key: %s", body)
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s with %q", r.Method, r.Header.Get("Content-Type"))
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer hook.Close()
	d := New([]Notifier{{Name: "team", Sender: &Webhook{URL: hook.URL + "/hook"}, Quiet: 10 * time.Minute}}, Options{})
	for _, r := range []correlate.Report{
		report("10:00"),          // baseline
		report("10:01", revoked), // opens: announced
		report("10:02", revoked), // still open
		report("10:03", revoked), // still open
		report("10:04"),          // closes: held back
		report("10:07", revoked), // re-opens within the quiet period
		report("10:08"),          // closes again
		report("10:12"),          // closed 4 minutes
		report("10:18"),          // closed 10 minutes: announced
		report("10:19"),
	} {
		d.Observe(r)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, p := range got {
		events = append(events, p.Event+"@"+p.At.Format("15:04"))
	}
	if want := []string{"finding_opened@10:01", "finding_closed@10:18"}; !slices.Equal(events, want) {
		t.Fatalf("webhook got %v, want %v", events, want)
	}
	p := got[0]
	if p.SchemaVersion != 1 || p.Finding.ID != revoked.ID || p.Finding.Kind != correlate.KindKeyRevoked || p.Overall != correlate.LevelCritical ||
		p.Text != "Critical opened: OpenAI key prod revoked" || p.Finding.Keys[0] != "prod" {
		t.Errorf("payload = %+v", p)
	}
	if s := d.Stats()[0]; s.Sent != 2 || s.Failed != 0 || s.Suppressed == 0 {
		t.Errorf("stats = %+v", s)
	}
}

// recorder is a Sender that keeps what it is sent.
type recorder struct {
	mu  sync.Mutex
	got []string
}

func (r *recorder) Send(_ context.Context, e Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, fmt.Sprintf("%s %s@%s", e.Kind, e.Finding.Severity, e.At.Format("15:04")))
	return nil
}

func with(f correlate.Finding, sev correlate.Severity) correlate.Finding {
	f.Severity = sev
	return f
}

func TestDispatchRules(t *testing.T) {
	warn := with(revoked, correlate.SeverityWarning)
	info := with(revoked, correlate.SeverityInfo)
	crit := revoked
	tests := []struct {
		name    string
		n       Notifier
		reports []correlate.Report
		want    []string
	}{
		{"baseline findings are not announced", Notifier{},
			[]correlate.Report{report("10:00", crit), report("10:01", crit), report("10:02")},
			nil},
		{"below min severity is not announced, nor its close", Notifier{MinSeverity: correlate.SeverityCritical},
			[]correlate.Report{report("10:00"), report("10:01", warn), report("10:02"), report("10:30")},
			nil},
		{"escalation past min severity is announced", Notifier{MinSeverity: correlate.SeverityCritical},
			[]correlate.Report{report("10:00"), report("10:01", warn), report("10:02", crit), report("10:03"), report("10:20")},
			[]string{"escalated critical@10:02", "closed critical@10:20"}},
		{"eased only when asked for", Notifier{Events: []Kind{Opened, Eased}},
			[]correlate.Report{report("10:00"), report("10:01", crit), report("10:02", warn), report("10:03", info)},
			[]string{"opened critical@10:01", "eased warning@10:02", "eased info@10:03"}},
		{"flapping severity escalates once per quiet period", Notifier{},
			[]correlate.Report{report("10:00"), report("10:01", warn), report("10:02", crit), report("10:03", warn), report("10:04", crit), report("10:20", warn), report("10:21", crit)},
			[]string{"opened warning@10:01", "escalated critical@10:02", "escalated critical@10:21"}},
		{"a re-open that is worse is an escalation", Notifier{},
			[]correlate.Report{report("10:00"), report("10:01", warn), report("10:02"), report("10:03", crit)},
			[]string{"opened warning@10:01", "escalated critical@10:03"}},
		{"closed and reopened after the quiet period is news", Notifier{Quiet: 5 * time.Minute},
			[]correlate.Report{report("10:00"), report("10:01", crit), report("10:02"), report("10:08"), report("10:09", crit)},
			[]string{"opened critical@10:01", "closed critical@10:08", "opened critical@10:09"}},
		{"negative quiet announces closes at once", Notifier{Quiet: -1},
			[]correlate.Report{report("10:00"), report("10:01", crit), report("10:02"), report("10:03", crit)},
			[]string{"opened critical@10:01", "closed critical@10:02", "opened critical@10:03"}},
		{"closes can be left out", Notifier{Events: []Kind{Opened}},
			[]correlate.Report{report("10:00"), report("10:01", crit), report("10:02"), report("10:30"), report("10:31", crit)},
			[]string{"opened critical@10:01", "opened critical@10:31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			tt.n.Name, tt.n.Sender = "rec", rec
			d := New([]Notifier{tt.n}, Options{})
			for _, r := range tt.reports {
				d.Observe(r)
			}
			if err := d.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rec.got, tt.want) {
				t.Errorf("sent %q\nwant %q", rec.got, tt.want)
			}
		})
	}
}

// Each notifier keeps its own rules: one notifier's severity filter does
// not hold back another's.
func TestNotifiersAreIndependent(t *testing.T) {
	all, critOnly := &recorder{}, &recorder{}
	d := New([]Notifier{
		{Name: "all", Sender: all, MinSeverity: correlate.SeverityInfo},
		{Name: "crit", Sender: critOnly, MinSeverity: correlate.SeverityCritical},
	}, Options{})
	d.Observe(report("10:00"))
	d.Observe(report("10:01", with(revoked, correlate.SeverityInfo)))
	d.Close(context.Background())
	if len(all.got) != 1 || len(critOnly.got) != 0 {
		t.Errorf("all = %v, crit = %v", all.got, critOnly.got)
	}
}

// blocker is a Sender that waits until released.
type blocker struct{ release chan struct{} }

func (b *blocker) Send(ctx context.Context, _ Event) error {
	select {
	case <-b.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A stuck receiver never blocks Observe: events are queued whatever the
// receiver does; when the in-memory outbox is full, further events are
// not dropped but deferred (counted, logged once) and queued at a later
// check; Close gives up when its context ends and says what was lost.
func TestStuckReceiverNeverBlocks(t *testing.T) {
	var logged []string
	var mu sync.Mutex
	b := &blocker{release: make(chan struct{})}
	d := New([]Notifier{{Name: "stuck", Sender: b, Quiet: -1}}, Options{Outbox: NewMemoryOutbox(8),
		Log: func(s string) { mu.Lock(); logged = append(logged, s); mu.Unlock() }})
	d.Observe(report("10:00"))
	done := make(chan struct{})
	go func() {
		for i := range 20 {
			f := revoked
			f.ID = fmt.Sprintf("key_revoked:openai:k%d", i)
			d.Observe(report(fmt.Sprintf("10:%02d", 2*i+1), f))
			d.Observe(report(fmt.Sprintf("10:%02d", 2*i+2)))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Observe blocked on a stuck receiver")
	}
	s := d.Stats()[0]
	if s.Pending != 8 || s.Deferred == 0 {
		t.Errorf("stats = %+v", s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := d.Close(ctx)
	if !errors.Is(err, ErrUndelivered) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "8 notifications were not delivered") {
		t.Errorf("Close = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := len(slices.DeleteFunc(slices.Clone(logged), func(l string) bool { return !strings.Contains(l, "could not queue") })); n != 1 {
		t.Errorf("queueing failures logged %d times: %q", n, logged)
	}
}

// A dashboard's backend may outlive the dispatcher by a moment: Observe
// after Close is ignored, and Close twice is harmless.
func TestObserveAfterClose(t *testing.T) {
	rec := &recorder{}
	d := New([]Notifier{{Name: "rec", Sender: rec}}, Options{})
	d.Observe(report("10:00"))
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	d.Observe(report("10:01", revoked))
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.got) != 0 {
		t.Errorf("sent after Close: %v", rec.got)
	}
}
