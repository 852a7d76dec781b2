package notify

import (
	"maps"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// ledger is what one notifier's rules remember between checks: the
// findings of the last report, what was announced, the closes waiting out
// the quiet period and when each transition was last announced. It is
// saved with the events it led to (Outbox.Queue), so a restarted process,
// or the one that takes over notifying for a state dir, carries on where
// the last one left off.
type ledger struct {
	// Prev are the findings of the last report seen, without the text
	// that changes from check to check (skeleton).
	Prev map[string]correlate.Finding `json:"prev"`
	// Announced are the open findings the notifier was told about.
	Announced map[string]correlate.Finding `json:"announced"`
	// Closing are the closes waiting out the quiet period.
	Closing map[string]pendingClose `json:"closing"`
	// LastSent is when each transition (finding id, kind and severity) was
	// last announced.
	LastSent map[string]time.Time `json:"last_sent"`
}

type pendingClose struct {
	Finding correlate.Finding `json:"finding"`
	At      time.Time         `json:"at"`
}

func newLedger() ledger {
	return ledger{Prev: map[string]correlate.Finding{}, Announced: map[string]correlate.Finding{},
		Closing: map[string]pendingClose{}, LastSent: map[string]time.Time{}}
}

// clone copies the ledger, so a round whose events cannot be queued
// leaves the original as it was.
func (l ledger) clone() ledger {
	c := newLedger()
	maps.Copy(c.Prev, l.Prev)
	maps.Copy(c.Announced, l.Announced)
	maps.Copy(c.Closing, l.Closing)
	maps.Copy(c.LastSent, l.LastSent)
	return c
}

// round applies one notifier's rules to one report's transitions, on a
// copy of its ledger.
type round struct {
	*Notifier
	l ledger
	// suppressed counts the transitions the rules held back.
	suppressed uint64
}

// changes are the transitions from the ledger's last report to next.
func (r *round) changes(next map[string]correlate.Finding) []correlate.Change {
	return correlate.Changes(memoryOf(r.l.Prev), memoryOf(next))
}

func memoryOf(fs map[string]correlate.Finding) correlate.Memory {
	m := correlate.Memory{Open: make(map[string]correlate.OpenFinding, len(fs))}
	for id, f := range fs {
		m.Open[id] = correlate.OpenFinding{Finding: f}
	}
	return m
}

// skeleton is a finding without the words that change from check to
// check ("4 times in a row since 10:57"), which tell no transition: what
// the ledger keeps of the last report, so it is saved only when
// something changed.
func skeleton(f correlate.Finding) correlate.Finding {
	f.Title, f.Detail, f.Advice = "", "", nil
	return f
}

// decide applies the notifier's rules to one transition.
func (r *round) decide(c correlate.Change, now time.Time, overall correlate.Level) []Event {
	f := c.Finding
	id := f.ID
	minRank := r.MinSeverity.Rank()
	ev := Event{Finding: f, At: now, Overall: overall, From: c.From}
	switch c.Kind {
	case correlate.ChangeOpened:
		if p, ok := r.l.Closing[id]; ok {
			// Re-opened within the quiet period: for this notifier it never
			// closed. Only a rise in severity is news.
			delete(r.l.Closing, id)
			r.l.Announced[id] = f
			r.suppressed++
			if f.Severity.Rank() > p.Finding.Severity.Rank() {
				ev.Kind, ev.From = Escalated, p.Finding.Severity
				return r.emit(ev)
			}
			return nil
		}
		if f.Severity.Rank() < minRank {
			return nil
		}
		r.l.Announced[id] = f
		ev.Kind = Opened
		return r.emit(ev)
	case correlate.ChangeEscalated:
		if f.Severity.Rank() < minRank {
			return nil
		}
		r.l.Announced[id] = f
		ev.Kind = Escalated
		return r.emit(ev)
	case correlate.ChangeEased:
		if _, ok := r.l.Announced[id]; !ok {
			return nil
		}
		r.l.Announced[id] = f
		ev.Kind = Eased
		return r.emit(ev)
	case correlate.ChangeClosed:
		last, ok := r.l.Announced[id]
		if !ok {
			return nil
		}
		if r.Quiet < 0 {
			delete(r.l.Announced, id)
			ev.Kind, ev.Finding = Closed, last
			return r.emit(ev)
		}
		r.l.Closing[id] = pendingClose{Finding: last, At: now}
	}
	return nil
}

// flush announces the closes that have waited out the quiet period.
func (r *round) flush(now time.Time, overall correlate.Level) []Event {
	var ids []string
	for id, p := range r.l.Closing {
		if now.Sub(p.At) >= r.Quiet {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []Event
	for _, id := range ids {
		p := r.l.Closing[id]
		delete(r.l.Closing, id)
		delete(r.l.Announced, id)
		out = append(out, r.emit(Event{Kind: Closed, Finding: p.Finding, At: now, Overall: overall})...)
	}
	return out
}

// emit returns ev if the notifier wants its kind and has not announced
// the same transition (kind and severity) of the same finding within the
// quiet period.
func (r *round) emit(ev Event) []Event {
	if !slices.Contains(r.Events, ev.Kind) {
		return nil
	}
	key := ev.Finding.ID + "\x00" + string(ev.Kind) + "\x00" + string(ev.Finding.Severity)
	if last, ok := r.l.LastSent[key]; ok && r.Quiet > 0 && ev.At.Sub(last) < r.Quiet {
		r.suppressed++
		return nil
	}
	r.l.LastSent[key] = ev.At
	return []Event{ev}
}

// prune forgets repeat guards older than the quiet period.
func (r *round) prune(now time.Time) {
	for k, t := range r.l.LastSent {
		if now.Sub(t) >= r.Quiet {
			delete(r.l.LastSent, k)
		}
	}
}
