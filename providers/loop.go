package providers

import (
	"context"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admin"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
)

// ticks is the fixed-rate schedule of one part of a vendor's check: it is
// due at start, start+every, start+2·every, ..., however long each check
// takes. A check that outlasts one or more ticks is followed by one check
// at once, never by a burst that makes up for each tick missed, and the
// ticks after it stay on the same grid: no drift, no pile-up.
type ticks struct {
	every time.Duration
	next  time.Time
}

// due reports whether the part is due at now.
func (t *ticks) due(now time.Time) bool { return !now.Before(t.next) }

// restart moves the grid so that its next tick is one interval after now:
// a check asked for (CheckNow) counts as the tick, and the next one is not
// a moment later.
func (t *ticks) restart(now time.Time) { t.next = now.Add(t.every) }

// advance moves the schedule to the first tick after now, skipping every
// tick that passed while a check ran.
func (t *ticks) advance(now time.Time) {
	if t.next.After(now) {
		return
	}
	missed := now.Sub(t.next) / t.every
	t.next = t.next.Add((missed + 1) * t.every)
}

// loop checks vendor v at once and then on its parts' fixed-rate
// schedules (status page on Interval, probes on ProbeInterval, admin APIs
// on admin.Interval) until ctx ends. A check asked for with CheckNow runs
// at once and restarts the grid from there. Parts due together run as one check,
// so equal intervals give one event per vendor per round. Each check's
// requests may wait for a connection slot for one interval: one that finds
// none by then is not sent (not_checked), so a busy client does not carry
// one round's queue into the next.
func (p *Poller) loop(ctx context.Context, v catalog.Vendor, wake <-chan struct{}, send func(observe.Event)) {
	every := func(d time.Duration) time.Duration {
		if d <= 0 {
			return time.Minute
		}
		return d
	}
	start := time.Now()
	parts := []struct {
		part Part
		t    *ticks
	}{
		{PartStatus, &ticks{every: every(v.Interval), next: start}},
		{PartProbes, &ticks{every: every(v.ProbeInterval), next: start}},
	}
	if e := admin.Interval(v); e > 0 {
		// The first round shows the status page and the probes at once;
		// the admin APIs (many requests for a large organization) follow
		// on their own, just after, and then share the others' ticks.
		parts = append(parts, struct {
			part Part
			t    *ticks
		}{PartAdmin, &ticks{every: e, next: start}})
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	// owed is how many checks the next one stands for that InFlight
	// counts before they start (Poller.owed): the loop's first, counted
	// by Run, and a wake taken, counted by CheckNow.
	owed := int32(1)
	for first := true; ; first = false {
		now := time.Now()
		var part Part
		for _, pt := range parts {
			if pt.t.due(now) {
				part |= pt.part
			}
		}
		if first {
			part &^= PartAdmin // its own check, right after this one
		}
		asked := false // by CheckNow
		if part == 0 {
			next := parts[0].t.next
			for _, pt := range parts[1:] {
				if pt.t.next.Before(next) {
					next = pt.t.next
				}
			}
			timer.Reset(next.Sub(now))
			select {
			case <-ctx.Done():
				return
			case <-wake:
				part, asked = PartAll, true
				owed++
			case <-timer.C:
				continue
			}
			now = time.Now()
		}
		// The check's requests may wait for a slot for one interval of
		// the quickest part it covers: until the next tick for a check on
		// time, a full interval for one run at once (CheckNow, or late
		// after a long check), so a check just before a tick is not cut
		// short.
		var deadline time.Time
		for _, pt := range parts {
			if part&pt.part == 0 {
				continue
			}
			if asked {
				pt.t.restart(now)
			} else {
				pt.t.advance(now)
			}
			if d := now.Add(pt.t.every); deadline.IsZero() || d.Before(deadline) {
				deadline = d
			}
		}
		// InFlight counts this check already when it was owed.
		send(observe.Event{Vendor: v.ID, InFlight: p.InFlight() - int(owed) + 1})
		p.checkOwed(fetch.WithSlotDeadline(ctx, deadline), &v, part&^PartTraffic, owed) // the traffic loop reads it
		owed = 0
		if ctx.Err() != nil {
			return
		}
		send(observe.Event{Vendor: v.ID, Done: true, InFlight: p.InFlight(), Snapshot: p.Snapshot()})
	}
}
