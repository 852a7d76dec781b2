//go:build unix

package app

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/notify"
)

// sink is a Sender that keeps what it is sent, shared by two sessions.
type sink struct {
	mu  sync.Mutex
	got []string
}

func (s *sink) Send(_ context.Context, e notify.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, fmt.Sprintf("%s %s", e.Kind, e.Finding.ID))
	return nil
}

func (s *sink) sent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// lines is a session's log.
type lines struct {
	mu sync.Mutex
	l  []string
}

func (l *lines) add(s string) { l.mu.Lock(); l.l = append(l.l, s); l.mu.Unlock() }

func (l *lines) all() string { l.mu.Lock(); defer l.mu.Unlock(); return strings.Join(l.l, "\n") }

func at(hhmm string, fs ...correlate.Finding) correlate.Report {
	return correlate.Report{SchemaVersion: 1, GeneratedAt: fixture.At(hhmm), Overall: correlate.LevelCritical, Findings: fs}
}

// Two sessions on one state dir (serve and a dashboard on one config):
// only the one holding the notify lock sends; the other says so once,
// reports itself on standby, and takes over when the first stops,
// carrying on from the ledger the first left — so nothing is sent twice
// and nothing is lost.
func TestOneSenderPerStateDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *history.Store {
		s, err := history.Open(ctx, dir, history.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	out := &sink{}
	ns := []notify.Notifier{{Name: "team", Sender: out, Quiet: -1}}
	a := &App{StateDir: dir}
	serveLog, dashLog := &lines{}, &lines{}
	srv := a.startNotifier(open(), ns, "serve", serveLog.add)
	dash := a.startNotifier(open(), ns, "dashboard", dashLog.add)
	if !srv.Sending() || dash.Sending() {
		t.Fatalf("sending: serve %v, dashboard %v", srv.Sending(), dash.Sending())
	}

	leak := correlate.Finding{ID: "key_leak_suspected:openai:prod", Kind: correlate.KindKeyLeakSuspected, Severity: correlate.SeverityCritical, Title: "leak"}
	outage := correlate.Finding{ID: "vendor_outage:vapi", Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical, Title: "outage"}
	for _, r := range []correlate.Report{at("10:00"), at("10:01", leak), at("10:02", leak)} {
		srv.Observe(r)
		dash.Observe(r)
	}
	if st := dash.Stats(); len(st) != 1 || !st[0].Standby || st[0].Sent != 0 {
		t.Errorf("standby stats = %+v", st)
	}
	if log := dashLog.all(); strings.Count(log, "serve (pid") != 1 || !strings.Contains(log, "sends this state dir's notifications; this dashboard does not") {
		t.Errorf("dashboard log:\n%s", log)
	}
	if err := srv.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if want := []string{"opened key_leak_suspected:openai:prod"}; !slices.Equal(out.sent(), want) {
		t.Fatalf("sent %q, want %q", out.sent(), want)
	}

	// serve stopped: the dashboard takes over at its next check.
	for _, r := range []correlate.Report{at("10:03", leak, outage), at("10:04", outage)} {
		dash.Observe(r)
	}
	if err := dash.Close(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"opened key_leak_suspected:openai:prod", "opened vendor_outage:vapi", "closed key_leak_suspected:openai:prod"}
	if got := out.sent(); !slices.Equal(got, want) {
		t.Errorf("sent %q\nwant %q", got, want)
	}
	if !strings.Contains(dashLog.all(), "this dashboard sends them from now on") {
		t.Errorf("dashboard log:\n%s", dashLog.all())
	}
	if serveLog.all() != "" {
		t.Errorf("serve log:\n%s", serveLog.all())
	}
}

// Without a state dir there is no lock and no history: the session sends,
// from memory, and still retries.
func TestNotifierWithoutStateDir(t *testing.T) {
	out := &sink{}
	n := (&App{}).startNotifier(nil, []notify.Notifier{{Name: "team", Sender: out}}, "dashboard", func(string) {})
	if !n.Sending() {
		t.Fatal("a session without a state dir does not send")
	}
	n.Observe(at("10:00"))
	n.Observe(at("10:01", correlate.Finding{ID: "vendor_outage:vapi", Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical}))
	if err := n.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := out.sent(); len(got) != 1 {
		t.Errorf("sent %q", got)
	}
}

// check-config's NOTIFICATIONS section shows what waits per notifier,
// what keeps failing, the oldest, what expired and who sends them; it
// creates no history where there is none.
func TestCheckConfigNotifications(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	cfg := &config.Config{Notify: []config.Notifier{{Name: "team"}, {Name: "pager"}}}

	empty := t.TempDir()
	var b strings.Builder
	if err := (&App{Config: cfg, StateDir: empty}).writeNotifications(ctx, &b, now); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); !strings.Contains(got, "team      0        0        -       0                 -") ||
		!strings.Contains(got, "sent by: no vendorwatch now") {
		t.Errorf("empty state dir:\n%s", got)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("check-config wrote to the state dir: %v", entries)
	}

	dir := t.TempDir()
	store, err := history.Open(ctx, dir, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ob := store.Outbox()
	d := func(finding string, created time.Time, expires time.Duration) history.Delivery {
		return history.Delivery{Finding: finding, Payload: []byte(`{}`), Created: created, NextAttempt: created, Expires: created.Add(expires)}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ob.Queue(ctx, "team", nil, []history.Delivery{d("a", now.Add(-12*time.Minute), time.Hour), d("b", now.Add(-2*time.Minute), time.Hour), d("c", now.Add(-3*time.Hour), time.Hour)}))
	must(ob.Queue(ctx, "old-hook", nil, []history.Delivery{d("a", now.Add(-90*time.Minute), 24*time.Hour)}))
	p, _ := ob.Pending(ctx, "team", 10)
	must(ob.Retry(ctx, p[0].ID, now.Add(time.Minute), "the webhook answered HTTP 500"))
	if _, err := ob.Expire(ctx, now); err != nil {
		t.Fatal(err)
	}
	lock, err := takeNotifyLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	lock.Note("serve (pid 4242)")
	defer lock.Unlock()

	b.Reset()
	if err := (&App{Config: cfg, StateDir: dir}).writeNotifications(ctx, &b, now); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"NOTIFICATIONS (outbox in ",
		"NOTIFIER                       PENDING  FAILING  OLDEST     EXPIRED (7 DAYS)  LAST ERROR",
		"team                           2        1        12m ago    1                 the webhook answered HTTP 500",
		"pager                          0        0        -          0                 -",
		"old-hook (not in this config)  1        0        1h30m ago  0                 -",
		"sent by: another vendorwatch (serve (pid 4242)), which holds notify.lock",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}

	b.Reset()
	(&App{Config: cfg}).writeNotifications(ctx, &b, now)
	if !strings.Contains(b.String(), "no state dir") {
		t.Errorf("no state dir:\n%s", b.String())
	}
	b.Reset()
	(&App{Config: &config.Config{}, StateDir: empty}).writeNotifications(ctx, &b, now)
	if b.Len() != 0 {
		t.Errorf("no notifiers and nothing queued:\n%s", b.String())
	}
}

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		12 * time.Second: "12s ago", 12*time.Minute + 10*time.Second: "12m ago", 2 * time.Hour: "2h ago", 26*time.Hour + 5*time.Minute: "26h5m ago",
	} {
		if got := ago(d); got != want {
			t.Errorf("ago(%s) = %q, want %q", d, got, want)
		}
	}
}
