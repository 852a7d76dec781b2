package notify

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// DefaultQuiet is the quiet period of a Notifier that sets none.
const DefaultQuiet = 10 * time.Minute

// queueSize caps the events waiting for one notifier; beyond it events
// are dropped (and counted), so a dead receiver never holds memory or the
// monitor.
const queueSize = 64

// Notifier is one destination with its rules.
type Notifier struct {
	// Name names it in logs and metrics.
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
}

// Stat counts one notifier's deliveries.
type Stat struct {
	Name string
	// Sent and Failed count deliveries; Suppressed counts transitions the
	// rules held back (duplicates, quiet period); Dropped counts events
	// lost because the notifier's queue was full.
	Sent, Failed, Suppressed, Dropped uint64
	// LastError is the latest delivery error, "" after a success.
	LastError string
}

// Dispatcher turns successive reports into announcements. Observe is
// cheap and never blocks: each notifier delivers from its own goroutine,
// so a slow webhook delays nobody. Create it with New; stop it with Close.
type Dispatcher struct {
	log func(string)

	mu     sync.Mutex
	prev   map[string]correlate.Finding
	primed bool
	closed bool
	subs   []*sub

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// sub is a notifier with its state.
type sub struct {
	Notifier
	queue chan Event

	// Guarded by Dispatcher.mu.
	announced map[string]correlate.Finding // open findings this notifier was told about
	pending   map[string]pendingClose      // closes waiting out the quiet period
	lastSent  map[string]time.Time         // id + kind + severity -> when
	stat      Stat
}

type pendingClose struct {
	f  correlate.Finding
	at time.Time
}

// Options tune a Dispatcher.
type Options struct {
	// Log receives one line per failed or dropped delivery. It may be
	// called from any goroutine. Nil discards.
	Log func(string)
}

// New starts a dispatcher over notifiers.
func New(ns []Notifier, o Options) *Dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{log: o.Log, ctx: ctx, cancel: cancel, prev: map[string]correlate.Finding{}}
	if d.log == nil {
		d.log = func(string) {}
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
		s := &sub{Notifier: n, queue: make(chan Event, queueSize), announced: map[string]correlate.Finding{},
			pending: map[string]pendingClose{}, lastSent: map[string]time.Time{}}
		s.stat.Name = n.Name
		d.subs = append(d.subs, s)
		d.wg.Go(func() { d.deliver(s) })
	}
	return d
}

// Observe compares a report with the previous one and queues what each
// notifier should announce. The first report is the baseline: findings
// already open in it (the stored report of a restarted server) are not
// announced again. Findings are told apart by correlate's Finding.Key,
// which every event carries as its finding's ID. Times come from the
// report's generated_at, so the quiet period counts check time.
func (d *Dispatcher) Observe(rep correlate.Report) {
	now := rep.GeneratedAt
	if now.IsZero() {
		now = time.Now()
	}
	next := make(map[string]correlate.Finding, len(rep.Findings))
	for _, f := range rep.Findings {
		f.ID = f.Key()
		next[f.ID] = f
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	if !d.primed {
		d.prev, d.primed = next, true
		return
	}
	changes := correlate.Changes(memoryOf(d.prev), memoryOf(next))
	d.prev = next
	for _, s := range d.subs {
		var out []Event
		out = append(out, s.flush(now, rep.Overall)...)
		for _, c := range changes {
			out = append(out, s.decide(c, now, rep.Overall)...)
		}
		s.prune(now)
		for _, e := range out {
			select {
			case s.queue <- e:
			default:
				s.stat.Dropped++
				d.log(fmt.Sprintf("notify %s: queue full, dropped: %s", s.Name, e.Text()))
			}
		}
	}
}

func memoryOf(fs map[string]correlate.Finding) correlate.Memory {
	m := correlate.Memory{Open: make(map[string]correlate.OpenFinding, len(fs))}
	for id, f := range fs {
		m.Open[id] = correlate.OpenFinding{Finding: f}
	}
	return m
}

// decide applies the notifier's rules to one transition.
func (s *sub) decide(c correlate.Change, now time.Time, overall correlate.Level) []Event {
	f := c.Finding
	id := f.ID
	minRank := s.MinSeverity.Rank()
	ev := Event{Finding: f, At: now, Overall: overall, From: c.From}
	switch c.Kind {
	case correlate.ChangeOpened:
		if p, ok := s.pending[id]; ok {
			// Re-opened within the quiet period: for this notifier it never
			// closed. Only a rise in severity is news.
			delete(s.pending, id)
			s.announced[id] = f
			s.stat.Suppressed++
			if f.Severity.Rank() > p.f.Severity.Rank() {
				ev.Kind, ev.From = Escalated, p.f.Severity
				return s.emit(ev)
			}
			return nil
		}
		if f.Severity.Rank() < minRank {
			return nil
		}
		s.announced[id] = f
		ev.Kind = Opened
		return s.emit(ev)
	case correlate.ChangeEscalated:
		if f.Severity.Rank() < minRank {
			return nil
		}
		s.announced[id] = f
		ev.Kind = Escalated
		return s.emit(ev)
	case correlate.ChangeEased:
		if _, ok := s.announced[id]; !ok {
			return nil
		}
		s.announced[id] = f
		ev.Kind = Eased
		return s.emit(ev)
	case correlate.ChangeClosed:
		last, ok := s.announced[id]
		if !ok {
			return nil
		}
		if s.Quiet < 0 {
			delete(s.announced, id)
			ev.Kind, ev.Finding = Closed, last
			return s.emit(ev)
		}
		s.pending[id] = pendingClose{f: last, at: now}
	}
	return nil
}

// flush announces the closes that have waited out the quiet period.
func (s *sub) flush(now time.Time, overall correlate.Level) []Event {
	var ids []string
	for id, p := range s.pending {
		if now.Sub(p.at) >= s.Quiet {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []Event
	for _, id := range ids {
		p := s.pending[id]
		delete(s.pending, id)
		delete(s.announced, id)
		out = append(out, s.emit(Event{Kind: Closed, Finding: p.f, At: now, Overall: overall})...)
	}
	return out
}

// emit returns ev if the notifier wants its kind and has not announced
// the same transition (kind and severity) of the same finding within the
// quiet period.
func (s *sub) emit(ev Event) []Event {
	if !slices.Contains(s.Events, ev.Kind) {
		return nil
	}
	key := ev.Finding.ID + "\x00" + string(ev.Kind) + "\x00" + string(ev.Finding.Severity)
	if last, ok := s.lastSent[key]; ok && s.Quiet > 0 && ev.At.Sub(last) < s.Quiet {
		s.stat.Suppressed++
		return nil
	}
	s.lastSent[key] = ev.At
	return []Event{ev}
}

// prune forgets repeat guards older than the quiet period.
func (s *sub) prune(now time.Time) {
	for k, t := range s.lastSent {
		if now.Sub(t) >= s.Quiet {
			delete(s.lastSent, k)
		}
	}
}

// deliver sends one notifier's events in order until Close.
func (d *Dispatcher) deliver(s *sub) {
	for e := range s.queue {
		err := s.Sender.Send(d.ctx, e)
		d.mu.Lock()
		if err != nil {
			s.stat.Failed++
			s.stat.LastError = err.Error()
		} else {
			s.stat.Sent++
			s.stat.LastError = ""
		}
		d.mu.Unlock()
		if err != nil {
			d.log(fmt.Sprintf("notify %s: %s: %v", s.Name, e.Text(), err))
		}
	}
}

// Close stops accepting events and waits for the queued ones to be
// delivered until ctx ends; then in-flight deliveries are cancelled.
// Closes still waiting out their quiet period are not announced. Observe
// after Close does nothing; a second Close only waits.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		for _, s := range d.subs {
			close(s.queue)
		}
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		d.cancel()
		return nil
	case <-ctx.Done():
		d.cancel()
		<-done
		return fmt.Errorf("notify: undelivered notifications at shutdown: %w", ctx.Err())
	}
}

// Stats returns each notifier's counts, in configuration order.
func (d *Dispatcher) Stats() []Stat {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Stat, len(d.subs))
	for i, s := range d.subs {
		out[i] = s.stat
	}
	return out
}
