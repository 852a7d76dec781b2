package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
)

// fast is a retry schedule for tests: a few milliseconds, not 30 s.
func fast(int) time.Duration { return 5 * time.Millisecond }

func openHistory(t *testing.T, dir string) *history.Store {
	t.Helper()
	s, err := history.Open(context.Background(), dir, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// outboxes are the two kinds of outbox every delivery test runs on.
func outboxes(t *testing.T) map[string]func() Outbox {
	return map[string]func() Outbox{
		"memory":  func() Outbox { return NewMemoryOutbox(0) },
		"history": func() Outbox { return openHistory(t, t.TempDir()).Outbox() },
	}
}

// eventually waits up to 5 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The acceptance case: a webhook answering 500 once gets the notification
// on the retry, and the failure is counted and logged, not lost.
func TestWebhookFailingOnceIsRetried(t *testing.T) {
	for name, newOutbox := range outboxes(t) {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			var mu sync.Mutex
			var got []Payload
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if calls.Add(1) == 1 {
					http.Error(w, "upstream hiccup", http.StatusInternalServerError)
					return
				}
				var p Payload
				if err := json.Unmarshal(b, &p); err != nil {
					t.Errorf("body: %v", err)
				}
				mu.Lock()
				got = append(got, p)
				mu.Unlock()
			}))
			defer hook.Close()
			var logMu sync.Mutex
			var logged []string
			d := New([]Notifier{{Name: "team", Sender: &Webhook{URL: hook.URL}}}, Options{Outbox: newOutbox(), Backoff: fast,
				Log: func(s string) { logMu.Lock(); logged = append(logged, s); logMu.Unlock() }})
			d.Observe(report("10:00"))
			d.Observe(report("10:01", revoked))
			eventually(t, "the retry", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 1 })
			if err := d.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got[0].Event != "finding_opened" || got[0].Finding.ID != revoked.ID || got[0].Text != "Critical opened: OpenAI key prod revoked" {
				t.Errorf("payload = %+v", got[0])
			}
			s := d.Stats()[0]
			if s.Sent != 1 || s.Failed != 1 || s.Pending != 0 || s.LastError != "" || calls.Load() != 2 {
				t.Errorf("stats = %+v after %d calls", s, calls.Load())
			}
			logMu.Lock()
			defer logMu.Unlock()
			if len(logged) != 1 || !strings.Contains(logged[0], "the webhook answered HTTP 500: upstream hiccup (attempt 1; retrying in") {
				t.Errorf("log = %q", logged)
			}
		})
	}
}

// failing is a Sender that always fails.
type failing struct{ n atomic.Int32 }

func (f *failing) Send(context.Context, Event) error {
	f.n.Add(1)
	return errors.New("the webhook answered HTTP 503")
}

// A notification the last process could not send waits in the state
// dir's outbox and is sent by the next process, which also carries on
// the last one's ledger: it does not announce the open finding again, and
// it announces its close.
func TestNextProcessSendsWhatTheLastLeft(t *testing.T) {
	dir := t.TempDir()
	first := openHistory(t, dir)
	down := &failing{}
	d1 := New([]Notifier{{Name: "team", Sender: down, Quiet: -1}}, Options{Outbox: first.Outbox(), Backoff: func(int) time.Duration { return time.Hour }})
	d1.Observe(report("10:00"))
	d1.Observe(report("10:01", revoked))
	eventually(t, "the first attempt", func() bool { return down.n.Load() == 1 })
	if err := d1.Close(context.Background()); !errors.Is(err, ErrUndelivered) || !strings.Contains(err.Error(), "1 notifications wait in the outbox") {
		t.Errorf("Close = %v", err)
	}
	first.Close()

	second := openHistory(t, dir)
	// The failed attempt is due in an hour; the retry schedule of the last
	// process holds for the next, so make it due now.
	ob := second.Outbox()
	p, _ := ob.Pending(context.Background(), "team", 10)
	if len(p) != 1 || p[0].Attempts != 1 || p[0].LastError != "the webhook answered HTTP 503" {
		t.Fatalf("left in the outbox: %+v", p)
	}
	if err := ob.Retry(context.Background(), p[0].ID, time.Now(), p[0].LastError); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	d2 := New([]Notifier{{Name: "team", Sender: rec, Quiet: -1}}, Options{Outbox: ob, Backoff: fast})
	eventually(t, "the left notification", func() bool { return d2.Stats()[0].Sent == 1 })
	d2.Observe(report("10:02", revoked)) // still open: nothing new
	d2.Observe(report("10:03"))          // closed: announced
	if err := d2.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := []string{"opened critical@10:01", "closed critical@10:03"}; !slices.Equal(rec.got, want) {
		t.Errorf("the next process sent %q, want %q", rec.got, want)
	}
}

// A notification that keeps failing is given up when it expires: counted,
// logged with its last error, and gone from the outbox.
func TestExpiredNotificationIsDroppedAndCounted(t *testing.T) {
	for name, newOutbox := range outboxes(t) {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			var logged []string
			down := &failing{}
			d := New([]Notifier{{Name: "team", Sender: down, Expire: 100 * time.Millisecond}}, Options{Outbox: newOutbox(),
				Backoff: func(int) time.Duration { return 20 * time.Millisecond }, Log: func(s string) { mu.Lock(); logged = append(logged, s); mu.Unlock() }})
			d.Observe(report("10:00"))
			d.Observe(report("10:01", revoked))
			eventually(t, "the expiry", func() bool { return d.Stats()[0].Expired == 1 })
			s := d.Stats()[0]
			if s.Pending != 0 || s.Failed == 0 || s.Sent != 0 {
				t.Errorf("stats = %+v", s)
			}
			if err := d.Close(context.Background()); err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			all := strings.Join(logged, "\n")
			if !strings.Contains(all, "notify team: gave up after") || !strings.Contains(all, ": Critical opened: OpenAI key prod revoked; last error: the webhook answered HTTP 503") {
				t.Errorf("log:\n%s", all)
			}
		})
	}
}

// flaky is a Sender that fails its first attempt and records every one.
type flaky struct {
	mu       sync.Mutex
	attempts []string
}

func (f *flaky) Send(_ context.Context, e Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts = append(f.attempts, string(e.Kind))
	if len(f.attempts) == 1 {
		return errors.New("the webhook answered HTTP 502")
	}
	return nil
}

// A finding's later events wait for its earlier ones: a close queued
// while its open is being retried is sent after the open, never before.
func TestOneFindingsEventsStayInOrder(t *testing.T) {
	f := &flaky{}
	d := New([]Notifier{{Name: "team", Sender: f, Quiet: -1}}, Options{Backoff: func(int) time.Duration { return 50 * time.Millisecond }})
	d.Observe(report("10:00"))
	d.Observe(report("10:01", revoked))
	eventually(t, "the first attempt", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.attempts) == 1 })
	d.Observe(report("10:02"))
	eventually(t, "both sent", func() bool { return d.Stats()[0].Sent == 2 })
	d.Close(context.Background())
	if want := []string{"opened", "opened", "closed"}; !slices.Equal(f.attempts, want) {
		t.Errorf("attempts %q, want %q", f.attempts, want)
	}
}

// The outbox holds the payload, which names keys and shows fingerprints
// only: the database never holds a key.
func TestOutboxHoldsNoKey(t *testing.T) {
	dir := t.TempDir()
	store := openHistory(t, dir)
	d := New([]Notifier{{Name: "team", Sender: &failing{}}}, Options{Outbox: store.Outbox(), Backoff: func(int) time.Duration { return time.Hour }})
	d.Observe(report("10:00"))
	d.Observe(report("10:01", revoked))
	d.Close(context.Background())
	p, err := store.Outbox().Pending(context.Background(), "team", 10)
	if err != nil || len(p) != 1 || !strings.Contains(string(p[0].Payload), "sk-proj-…MxYA") {
		t.Fatalf("pending = %+v, %v", p, err)
	}
	store.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), fakeKey) || strings.Contains(string(b), fakeKey[8:20]) {
			t.Errorf("%s holds the key", filepath.Base(f))
		}
	}
}

// When the outbox cannot take a report's events, the finding is not
// marked announced: the next report queues it.
func TestUnqueuedEventIsQueuedLater(t *testing.T) {
	ob := &flakyOutbox{MemoryOutbox: NewMemoryOutbox(0)}
	rec := &recorder{}
	d := New([]Notifier{{Name: "team", Sender: rec}}, Options{Outbox: ob})
	d.Observe(report("10:00"))
	ob.broken.Store(true)
	d.Observe(report("10:01", revoked))
	ob.broken.Store(false)
	d.Observe(report("10:02", revoked))
	d.Close(context.Background())
	if want := []string{"opened critical@10:02"}; !slices.Equal(rec.got, want) {
		t.Errorf("sent %q, want %q", rec.got, want)
	}
	if s := d.Stats()[0]; s.Deferred != 1 || s.Sent != 1 {
		t.Errorf("stats = %+v", s)
	}
}

// flakyOutbox fails to queue while broken.
type flakyOutbox struct {
	*MemoryOutbox
	broken atomic.Bool
}

func (f *flakyOutbox) Queue(ctx context.Context, n string, st []byte, ds []history.Delivery) error {
	if f.broken.Load() {
		return errors.New("history database is locked")
	}
	return f.MemoryOutbox.Queue(ctx, n, st, ds)
}

func TestDefaultBackoff(t *testing.T) {
	var got []time.Duration
	for n := 1; n <= 8; n++ {
		got = append(got, DefaultBackoff(n))
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	if !slices.Equal(got, want) {
		t.Errorf("backoff = %v", got)
	}
}

// A saved ledger that cannot be read is reported and replaced by a new
// baseline; it never stops the notifier.
func TestUnreadableLedgerIsANewBaseline(t *testing.T) {
	ob := NewMemoryOutbox(0)
	if err := ob.Queue(context.Background(), "team", []byte(`{"prev": [`), nil); err != nil {
		t.Fatal(err)
	}
	var logged []string
	rec := &recorder{}
	d := New([]Notifier{{Name: "team", Sender: rec}}, Options{Outbox: ob, Log: func(s string) { logged = append(logged, s) }})
	d.Observe(report("10:00", revoked)) // the baseline: not announced
	d.Observe(report("10:01", revoked))
	d.Close(context.Background())
	if len(rec.got) != 0 || len(logged) != 1 || !strings.Contains(logged[0], "notify team: what was announced cannot be read") {
		t.Errorf("sent %q, log %q", rec.got, logged)
	}
	if st, _ := ob.State(context.Background(), "team"); !json.Valid(st) {
		t.Errorf("the ledger was not replaced: %q", st)
	}
}

// Notifications follow episodes, on either outbox and across a restart:
// a pending finding is announced when it opens, a closing one when it is
// gone. The ledger keeps each finding's state, so a finding pending when
// the process stopped is announced by the next one when it opens.
func TestEpisodesAcrossARestart(t *testing.T) {
	for name, newOutbox := range outboxes(t) {
		t.Run(name, func(t *testing.T) {
			ob := newOutbox()
			pending, open, closing := revoked, revoked, revoked
			pending.State, open.State, closing.State = correlate.StatePending, correlate.StateOpen, correlate.StateClosing
			rec := &recorder{}
			d := New([]Notifier{{Name: "team", Sender: rec, Quiet: -1}}, Options{Outbox: ob})
			d.Observe(report("10:00"))
			d.Observe(report("10:01", pending))
			d.Close(context.Background())
			d = New([]Notifier{{Name: "team", Sender: rec, Quiet: -1}}, Options{Outbox: ob})
			for _, r := range []correlate.Report{report("10:02", open), report("10:03", open), report("10:04", closing), report("10:05")} {
				d.Observe(r)
			}
			d.Close(context.Background())
			if want := []string{"opened critical@10:02", "closed critical@10:05"}; !slices.Equal(rec.got, want) {
				t.Errorf("sent %q, want %q", rec.got, want)
			}
		})
	}
}
