package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// passLimit caps the notifications one delivery pass looks at.
const passLimit = 500

// minWait is the shortest pause between two passes of a notifier.
const minWait = 10 * time.Millisecond

// deliver sends one notifier's notifications from the outbox until the
// dispatcher closes: a pass whenever one is queued or falls due, and one
// last pass on Close.
func (d *Dispatcher) deliver(s *sub) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		final := false
		select {
		case <-d.drain:
			final = true // the pass that starts after Close is the last
		default:
		}
		next := d.pass(s)
		if final || d.ctx.Err() != nil {
			return
		}
		now := d.now()
		var wait <-chan time.Time
		if !next.IsZero() {
			timer.Reset(max(next.Sub(now), minWait))
			wait = timer.C
		}
		select {
		case <-d.ctx.Done():
			return
		case <-d.drain:
		case <-s.wake:
		case <-wait:
		}
		if wait != nil && !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// pass gives up what has expired, then tries every due notification of
// the notifier, oldest first. A notification waits while an older one
// about the same finding waits, so a close never overtakes its open. A
// failed attempt is recorded and retried after the backoff. pass returns
// when the next notification falls due (zero when none waits).
func (d *Dispatcher) pass(s *sub) (next time.Time) {
	ctx := context.WithoutCancel(d.ctx)
	now := d.now()
	swept := d.expire(ctx, now)
	ds, err := d.outbox.Pending(ctx, s.Name, passLimit)
	if err != nil {
		d.fail(s, fmt.Sprintf("notify %s: reading the outbox: %v", s.Name, err))
		return now.Add(d.backoff(1))
	}
	earliest := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	waiting := map[string]bool{}
	for _, e := range ds {
		if d.ctx.Err() != nil {
			return time.Time{}
		}
		switch {
		case waiting[e.Finding]:
			continue
		case !e.Expires.After(now):
			waiting[e.Finding] = true
			if swept {
				earliest(now) // expired since the sweep: the next pass gives it up
			} else {
				earliest(now.Add(d.backoff(1))) // the sweep failed: try it again later
			}
			continue
		case e.NextAttempt.After(now):
			waiting[e.Finding] = true
			earliest(e.NextAttempt)
			earliest(e.Expires)
			continue
		}
		ev, err := eventOf(e.Payload)
		if err == nil {
			err = s.Sender.Send(d.ctx, ev)
		} else {
			err = fmt.Errorf("the queued notification cannot be read: %w", err)
		}
		if err == nil {
			if derr := d.outbox.Delivered(ctx, e.ID); derr != nil {
				d.log(fmt.Sprintf("notify %s: sent, but could not mark it sent (it may be sent again): %v", s.Name, derr))
			}
			d.mu.Lock()
			s.stat.Sent++
			s.stat.LastError = ""
			d.mu.Unlock()
			continue
		}
		waiting[e.Finding] = true
		if d.ctx.Err() != nil {
			return time.Time{} // shutting down: not the receiver's failure; it stays queued as it was
		}
		msg := termtext.Clip(termtext.Line(redact.String(err.Error())), 300)
		retry := d.now().Add(d.backoff(e.Attempts + 1))
		if rerr := d.outbox.Retry(ctx, e.ID, retry, msg); rerr != nil {
			d.log(fmt.Sprintf("notify %s: recording a failed attempt: %v", s.Name, rerr))
		}
		earliest(retry)
		earliest(e.Expires)
		d.mu.Lock()
		s.stat.Failed++
		s.stat.LastError = msg
		d.mu.Unlock()
		when := "retrying in " + retry.Sub(d.now()).Round(time.Second).String()
		if !retry.Before(e.Expires) {
			when = "it expires before the next attempt"
		}
		d.log(fmt.Sprintf("notify %s: %s: %s (attempt %d; %s)", s.Name, textOf(e.Payload), msg, e.Attempts+1, when))
	}
	return next
}

// expire gives up the notifications whose expiry has come, counting and
// logging each. It reports whether the sweep worked.
func (d *Dispatcher) expire(ctx context.Context, now time.Time) bool {
	gone, err := d.outbox.Expire(ctx, now)
	if err != nil {
		d.log(fmt.Sprintf("notify: expiring notifications: %v", err))
		return false
	}
	for _, e := range gone {
		d.mu.Lock()
		for _, s := range d.subs {
			if s.Name == e.Notifier {
				s.stat.Expired++
			}
		}
		d.mu.Unlock()
		last := ""
		if e.LastError != "" {
			last = "; last error: " + e.LastError
		}
		d.log(fmt.Sprintf("notify %s: gave up after %d attempts over %s: %s%s", termtext.Line(e.Notifier), e.Attempts,
			e.Expires.Sub(e.Created).Round(time.Second), textOf(e.Payload), last))
	}
	return true
}

// fail logs a problem of the notifier's outbox.
func (d *Dispatcher) fail(s *sub, line string) {
	d.mu.Lock()
	s.stat.LastError = line
	d.mu.Unlock()
	d.log(line)
}

// eventOf reads a queued Payload back into the Event it was made from.
func eventOf(body []byte) (Event, error) {
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil {
		return Event{}, err
	}
	kind := Kind(strings.TrimPrefix(p.Event, "finding_"))
	switch kind {
	case Opened, Escalated, Eased, Closed:
	default:
		return Event{}, fmt.Errorf("unknown event %q", termtext.Clip(termtext.Line(p.Event), 40))
	}
	return Event{Kind: kind, Finding: p.Finding, From: p.PreviousSeverity, At: p.At, Overall: p.Overall}, nil
}

// textOf is a queued notification's one-line text, for the log.
func textOf(body []byte) string {
	var p struct {
		Text string `json:"text"`
	}
	if json.Unmarshal(body, &p) != nil || p.Text == "" {
		return "a notification"
	}
	return termtext.Line(p.Text)
}
