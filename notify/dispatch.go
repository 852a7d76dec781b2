package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
)

// DefaultQuiet is the quiet period of a Notifier that sets none.
const DefaultQuiet = 10 * time.Minute

// Notifier is one destination with its rules.
type Notifier struct {
	// Name names it in logs, metrics and the outbox.
	Name   string
	Sender Sender
	// MinSeverity is the least severe finding announced.
	MinSeverity correlate.Severity
	// Quiet is how long a closed finding must stay closed before its close
	// is announced; a re-open within it is not announced. It also spaces
	// repeats of the same transition of the same finding. Zero is
	// DefaultQuiet; negative announces closes at once.
	Quiet time.Duration
	// Events are the transitions announced; empty is opened, escalated and
	// closed.
	Events []Kind
	// Expire is how long a notification is retried before it is given up
	// (zero: DefaultExpire).
	Expire time.Duration
	// Vendors, Kinds and Keys route findings to the notifier: when one is
	// set, only findings that name one of its vendors (catalog ids), are
	// of one of its kinds, or name one of its keys (config names) reach
	// it. Empty lets every finding through; set together, a finding must
	// pass each.
	Vendors, Kinds, Keys []string
}

// Routes reports whether the notifier takes finding f: whether f passes
// its Vendors, Kinds and Keys filters.
func (n *Notifier) Routes(f correlate.Finding) bool {
	passes := func(filter, have []string) bool {
		if len(filter) == 0 {
			return true
		}
		for _, h := range have {
			if slices.Contains(filter, h) {
				return true
			}
		}
		return false
	}
	return passes(n.Vendors, f.Vendors) && passes(n.Kinds, []string{string(f.Kind)}) && passes(n.Keys, f.Keys)
}

// routed are the findings of next the notifier takes.
func (n *Notifier) routed(next map[string]correlate.Finding) map[string]correlate.Finding {
	if len(n.Vendors) == 0 && len(n.Kinds) == 0 && len(n.Keys) == 0 {
		return next
	}
	out := make(map[string]correlate.Finding, len(next))
	for id, f := range next {
		if n.Routes(f) {
			out[id] = f
		}
	}
	return out
}

// Stat is one notifier's account.
type Stat struct {
	Name string
	// Sent counts deliveries; Failed counts failed attempts (each is
	// retried until it expires); Expired counts notifications given up;
	// Suppressed counts transitions the rules held back (duplicates, quiet
	// period); Deferred counts events that could not be queued (the outbox
	// was unavailable or full) and are queued again at the next check.
	// They count this process's work since it started.
	Sent, Failed, Expired, Suppressed, Deferred uint64
	// Pending counts the notifications waiting in the outbox; Failing those
	// of them whose latest attempt failed; Oldest is when the oldest was
	// queued (zero when none waits).
	Pending, Failing int
	Oldest           time.Time
	// LastError is the latest delivery error, "" after a success.
	LastError string
	// Standby is set when another process on the state dir sends the
	// notifications: this one counts nothing and sends nothing.
	Standby bool
}

// ErrUndelivered marks Close's report of notifications not sent by the
// time it returned.
var ErrUndelivered = errors.New("undelivered notifications")

// Dispatcher turns successive reports into announcements. Observe decides
// what each notifier announces and queues it in the outbox; each notifier
// delivers from the outbox in its own goroutine, retrying with backoff
// until a notification is sent or expires, so a slow or failing receiver
// delays nobody and loses nothing. Create it with New; stop it with Close.
type Dispatcher struct {
	log     func(string)
	outbox  Outbox
	now     func() time.Time
	backoff func(int) time.Duration
	subs    []*sub

	// observeMu serializes Observe; the ledgers and closed are its.
	observeMu sync.Mutex
	closed    bool
	lastAt    time.Time

	// mu guards the stats.
	mu sync.Mutex

	ctx       context.Context
	cancel    context.CancelFunc
	drain     chan struct{}
	drainOnce sync.Once
	wg        sync.WaitGroup
}

// sub is a notifier with its state.
type sub struct {
	Notifier
	wake chan struct{}

	// Guarded by Dispatcher.observeMu.
	ledger  ledger
	loaded  bool // the ledger was read from the outbox (or there was none)
	primed  bool // the ledger has seen a report
	queueOK bool // the last queueing worked (a failure is logged once)

	// Guarded by Dispatcher.mu.
	stat Stat
}

// Options tune a Dispatcher.
type Options struct {
	// Log receives one line per failed, expired or unqueued notification.
	// It may be called from any goroutine. Nil discards.
	Log func(string)
	// Outbox holds the notifications until they are sent; nil is a new
	// MemoryOutbox.
	Outbox Outbox
	// Now is the clock of queueing, retries and expiry (default time.Now).
	// The rules' quiet period counts the reports' check time instead.
	Now func() time.Time
	// Backoff is the pause after a notification's n-th failed attempt
	// (default DefaultBackoff).
	Backoff func(attempt int) time.Duration
}

// New starts a dispatcher over notifiers. Their workers start at once and
// send what the outbox already holds for them.
func New(ns []Notifier, o Options) *Dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{log: o.Log, outbox: o.Outbox, now: o.Now, backoff: o.Backoff, ctx: ctx, cancel: cancel, drain: make(chan struct{})}
	if d.log == nil {
		d.log = func(string) {}
	}
	if d.outbox == nil {
		d.outbox = NewMemoryOutbox(0)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.backoff == nil {
		d.backoff = DefaultBackoff
	}
	for _, n := range ns {
		if n.Quiet == 0 {
			n.Quiet = DefaultQuiet
		}
		if len(n.Events) == 0 {
			n.Events = []Kind{Opened, Escalated, Closed}
		}
		if n.MinSeverity == "" {
			n.MinSeverity = correlate.SeverityWarning
		}
		if n.Expire <= 0 {
			n.Expire = DefaultExpire
		}
		s := &sub{Notifier: n, wake: make(chan struct{}, 1), ledger: newLedger(), queueOK: true}
		s.stat.Name = n.Name
		d.subs = append(d.subs, s)
	}
	for _, s := range d.subs {
		d.wg.Go(func() { d.deliver(s) })
	}
	return d
}

// Observe compares a report with the previous one and queues what each
// notifier should announce. A notifier's first report ever is its
// baseline: findings already open in it are not announced. Its ledger is
// saved with the events it queues, so a later process on the same outbox
// continues from it instead of starting a new baseline. A finding counts
// as announced only once its event is queued: when queueing fails, the
// notifier's ledger stays as it was and the next report tries again.
// Each notifier sees only the findings it routes (Notifier.Routes): to
// it, a finding it does not route is not there.
// Findings are told apart by correlate's Finding.Key. Times come from the
// report's generated_at, so the quiet period counts check time. A report
// seen before (the same generated_at) is ignored.
func (d *Dispatcher) Observe(rep correlate.Report) {
	now := rep.GeneratedAt
	if now.IsZero() {
		now = d.now()
	}
	next := make(map[string]correlate.Finding, len(rep.Findings))
	for _, f := range rep.Findings {
		f.ID = f.Key()
		next[f.ID] = f
	}
	d.observeMu.Lock()
	defer d.observeMu.Unlock()
	if d.closed || (!rep.GeneratedAt.IsZero() && rep.GeneratedAt.Equal(d.lastAt)) {
		return
	}
	d.lastAt = rep.GeneratedAt
	for _, s := range d.subs {
		d.observe(s, s.routed(next), now, rep.Overall)
	}
}

// observe runs one notifier's round and queues its events with its ledger.
func (d *Dispatcher) observe(s *sub, next map[string]correlate.Finding, now time.Time, overall correlate.Level) {
	ctx := context.WithoutCancel(d.ctx)
	if !s.loaded {
		data, err := d.outbox.State(ctx, s.Name)
		if err != nil {
			d.queueFailed(s, 0, fmt.Errorf("reading what was announced: %w", err))
			return
		}
		l := newLedger()
		switch err := json.Unmarshal(data, &l); {
		case data == nil:
		case err != nil:
			d.log(fmt.Sprintf("notify %s: what was announced cannot be read (%v); this report is the new baseline", s.Name, err))
		default:
			s.ledger, s.primed = l, true
		}
		s.loaded = true
	}
	r := &round{Notifier: &s.Notifier, l: s.ledger.clone()}
	next = unsilenced(next, r.l)
	var events []Event
	if s.primed {
		events = r.flush(now, overall)
		for _, c := range r.changes(next) {
			events = append(events, r.decide(c, now, overall)...)
		}
		r.prune(now)
	}
	r.l.Prev = make(map[string]correlate.Finding, len(next))
	for id, f := range next {
		r.l.Prev[id] = skeleton(f)
	}
	before, _ := json.Marshal(s.ledger)
	after, err := json.Marshal(r.l)
	if err != nil {
		d.queueFailed(s, len(events), err)
		return
	}
	if s.primed && len(events) == 0 && string(before) == string(after) {
		return // nothing new to queue or to save
	}
	at := d.now()
	ds := make([]history.Delivery, 0, len(events))
	for _, e := range events {
		body, err := encode(PayloadOf(e))
		if err != nil {
			d.queueFailed(s, len(events), fmt.Errorf("encoding: %w", err))
			return
		}
		ds = append(ds, history.Delivery{Finding: e.Finding.ID, Payload: body, Created: at, NextAttempt: at, Expires: at.Add(s.Expire)})
	}
	if err := d.outbox.Queue(ctx, s.Name, after, ds); err != nil {
		d.queueFailed(s, len(events), err)
		return
	}
	if !s.queueOK {
		d.log(fmt.Sprintf("notify %s: queueing works again", s.Name))
	}
	s.ledger, s.primed, s.queueOK = r.l, true, true
	d.mu.Lock()
	s.stat.Suppressed += r.suppressed
	d.mu.Unlock()
	if len(ds) > 0 {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// unsilenced is what a notifier sees of a report's findings: a silenced
// finding it was never told about is left out, so it is not announced
// (and is, as new, once the silence ends); one it was told about stays as
// the notifier last saw it, so silencing it neither resolves nor
// escalates it. A silenced finding that closes is announced as closed.
func unsilenced(next map[string]correlate.Finding, l ledger) map[string]correlate.Finding {
	var out map[string]correlate.Finding
	for id, f := range next {
		if f.Silenced == nil {
			continue
		}
		if out == nil {
			out = maps.Clone(next)
		}
		prev, seen := l.Prev[id]
		if _, told := l.Announced[id]; told && seen {
			out[id] = prev
		} else {
			delete(out, id)
		}
	}
	if out == nil {
		return next
	}
	return out
}

// queueFailed counts n events that could not be queued and logs the first
// failure of a streak.
func (d *Dispatcher) queueFailed(s *sub, n int, err error) {
	d.mu.Lock()
	s.stat.Deferred += uint64(n)
	d.mu.Unlock()
	if s.queueOK {
		d.log(fmt.Sprintf("notify %s: could not queue notifications (%v); they are queued at a later check", s.Name, err))
	}
	s.queueOK = false
}

// Close stops accepting events, makes one more attempt at every
// notification that is due, and returns when that is done or ctx ends
// (then deliveries in flight are cancelled). Notifications still waiting
// are reported in an error wrapping ErrUndelivered: a durable outbox keeps
// them for the next process, a MemoryOutbox loses them. Closes still
// waiting out their quiet period are kept in a durable outbox's ledger.
// Observe after Close does nothing; a second Close only reports again.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.observeMu.Lock()
	d.closed = true
	d.observeMu.Unlock()
	d.drainOnce.Do(func() { close(d.drain) })
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	var cerr error
	select {
	case <-done:
	case <-ctx.Done():
		cerr = ctx.Err()
	}
	d.cancel()
	<-done
	waiting := 0
	for _, st := range d.Stats() {
		waiting += st.Pending
	}
	switch {
	case waiting > 0 && d.outbox.Durable():
		return errors.Join(fmt.Errorf("notify: %d notifications wait in the outbox; the next vendorwatch that notifies from this state dir sends them: %w", waiting, ErrUndelivered), cerr)
	case waiting > 0:
		return errors.Join(fmt.Errorf("notify: %d notifications were not delivered before shutdown and are lost: %w", waiting, ErrUndelivered), cerr)
	}
	return cerr
}

// Stats returns each notifier's account, in configuration order, with
// what waits for it in the outbox.
func (d *Dispatcher) Stats() []Stat {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	backlog, err := d.outbox.Backlog(ctx, d.now())
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Stat, len(d.subs))
	for i, s := range d.subs {
		out[i] = s.stat
		if err != nil {
			continue
		}
		for _, b := range backlog {
			if b.Notifier == s.Name {
				out[i].Pending, out[i].Failing, out[i].Oldest = b.Pending, b.Failing, b.Oldest
			}
		}
	}
	return out
}
