package history

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// ExpiredKept is how long an expired delivery stays in the outbox, so
// check-config can say what was lost, before it is pruned.
const ExpiredKept = 7 * 24 * time.Hour

// Delivery is one notification in the outbox: an event one notifier is
// to announce, with its delivery attempts so far.
type Delivery struct {
	// ID is the row's id, in the order the deliveries were queued; Queue
	// ignores it.
	ID int64
	// Notifier names the notifier that is to send it.
	Notifier string
	// Finding is the id of the finding the event is about; a notifier
	// sends one finding's events in the order they were queued.
	Finding string
	// Payload is the event as notify's Payload JSON. It names keys and
	// shows fingerprints only, never a key.
	Payload []byte
	// Created is when it was queued; Expires is when it is given up.
	Created, Expires time.Time
	// NextAttempt is when it is next tried.
	NextAttempt time.Time
	// Attempts counts the failed attempts so far; LastError is the latest
	// one's error ("" before the first failure).
	Attempts  int
	LastError string
}

// Backlog is what waits in the outbox for one notifier.
type Backlog struct {
	Notifier string
	// Pending counts the deliveries waiting; Failing those of them whose
	// latest attempt failed.
	Pending, Failing int
	// Oldest is when the oldest waiting delivery was queued (zero when
	// none waits).
	Oldest time.Time
	// LastError is the error of the most recent failed attempt among the
	// waiting deliveries.
	LastError string
	// Expired counts the deliveries given up within ExpiredKept.
	Expired int
}

// Outbox is the notification outbox in the history database: deliveries
// wait here until they are sent or expire, across restarts and from one
// process to the next. Every change is one transaction. Get it with
// Store.Outbox.
type Outbox struct{ s *Store }

// Outbox returns the store's notification outbox.
func (s *Store) Outbox() *Outbox { return &Outbox{s: s} }

// Durable reports that the outbox outlives the process.
func (*Outbox) Durable() bool { return true }

// State returns the notifier's saved dispatcher state, or nil when none
// was saved.
func (o *Outbox) State(ctx context.Context, notifier string) ([]byte, error) {
	var v []byte
	err := o.s.db.QueryRowContext(ctx, `SELECT value FROM notify_state WHERE notifier = ?`, notifier).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return v, o.s.wrap("reading the notifier state", err)
}

// Queue adds deliveries for one notifier and, when state is not nil,
// saves the notifier's dispatcher state, in one transaction: either both
// are stored or neither is.
func (o *Outbox) Queue(ctx context.Context, notifier string, state []byte, ds []Delivery) error {
	tx, err := o.s.db.BeginTx(ctx, nil)
	if err != nil {
		return o.s.wrap("queueing notifications", err)
	}
	defer tx.Rollback()
	for _, d := range ds {
		_, err := exec(ctx, tx, `INSERT INTO outbox (notifier, finding, payload, created_at, next_attempt, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, notifier, d.Finding, string(d.Payload), d.Created.UnixMilli(), d.NextAttempt.UnixMilli(), d.Expires.UnixMilli())
		if err != nil {
			return o.s.wrap("queueing notifications", err)
		}
	}
	if state != nil {
		_, err := exec(ctx, tx, `INSERT INTO notify_state (notifier, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (notifier) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			notifier, string(state), time.Now().UnixMilli())
		if err != nil {
			return o.s.wrap("saving the notifier state", err)
		}
	}
	return o.s.wrap("queueing notifications", tx.Commit())
}

// Pending returns up to limit of the notifier's waiting deliveries, in
// the order they were queued.
func (o *Outbox) Pending(ctx context.Context, notifier string, limit int) ([]Delivery, error) {
	rows, err := o.s.db.QueryContext(ctx, `SELECT id, notifier, finding, payload, created_at, attempts, next_attempt, last_error, expires_at
		FROM outbox WHERE notifier = ? AND expired_at IS NULL ORDER BY id LIMIT ?`, notifier, limit)
	if err != nil {
		return nil, o.s.wrap("reading the outbox", err)
	}
	return o.scan(rows)
}

func (o *Outbox) scan(rows *sql.Rows) ([]Delivery, error) {
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var payload string
		var created, next, expires int64
		if err := rows.Scan(&d.ID, &d.Notifier, &d.Finding, &payload, &created, &d.Attempts, &next, &d.LastError, &expires); err != nil {
			return nil, o.s.wrap("reading the outbox", err)
		}
		d.Payload = []byte(payload)
		d.Created, d.NextAttempt, d.Expires = time.UnixMilli(created).UTC(), time.UnixMilli(next).UTC(), time.UnixMilli(expires).UTC()
		out = append(out, d)
	}
	return out, o.s.wrap("reading the outbox", rows.Err())
}

// Delivered removes a delivery that was sent.
func (o *Outbox) Delivered(ctx context.Context, id int64) error {
	_, err := exec(ctx, o.s.db, `DELETE FROM outbox WHERE id = ?`, id)
	return o.s.wrap("removing a sent notification", err)
}

// Retry records a failed attempt and when to try again. A delivery that is
// gone (expired meanwhile) is left alone.
func (o *Outbox) Retry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	_, err := exec(ctx, o.s.db, `UPDATE outbox SET attempts = attempts + 1, next_attempt = ?, last_error = ?
		WHERE id = ? AND expired_at IS NULL`, next.UnixMilli(), lastErr, id)
	return o.s.wrap("recording a failed notification", err)
}

// Expire gives up the waiting deliveries of every notifier whose expiry
// has come, and returns them; each is returned by one call only. It also
// prunes the deliveries that expired more than ExpiredKept ago.
func (o *Outbox) Expire(ctx context.Context, now time.Time) ([]Delivery, error) {
	tx, err := o.s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, o.s.wrap("expiring notifications", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, notifier, finding, payload, created_at, attempts, next_attempt, last_error, expires_at
		FROM outbox WHERE expired_at IS NULL AND expires_at <= ? ORDER BY id`, now.UnixMilli())
	if err != nil {
		return nil, o.s.wrap("expiring notifications", err)
	}
	out, err := o.scan(rows)
	if err != nil {
		return nil, err
	}
	if len(out) > 0 {
		if _, err := exec(ctx, tx, `UPDATE outbox SET expired_at = ? WHERE expired_at IS NULL AND expires_at <= ?`, now.UnixMilli(), now.UnixMilli()); err != nil {
			return nil, o.s.wrap("expiring notifications", err)
		}
	}
	if _, err := exec(ctx, tx, `DELETE FROM outbox WHERE expired_at IS NOT NULL AND expired_at < ?`, now.Add(-ExpiredKept).UnixMilli()); err != nil {
		return nil, o.s.wrap("pruning expired notifications", err)
	}
	return out, o.s.wrap("expiring notifications", tx.Commit())
}

// Backlog summarizes the outbox per notifier, ordered by name: what
// waits, what keeps failing, and what expired within ExpiredKept of now.
func (o *Outbox) Backlog(ctx context.Context, now time.Time) ([]Backlog, error) {
	rows, err := o.s.db.QueryContext(ctx, `SELECT notifier,
			count(*) FILTER (WHERE expired_at IS NULL),
			count(*) FILTER (WHERE expired_at IS NULL AND attempts > 0),
			coalesce(min(created_at) FILTER (WHERE expired_at IS NULL), 0),
			coalesce((SELECT last_error FROM outbox l WHERE l.notifier = o.notifier AND l.expired_at IS NULL AND l.attempts > 0
				ORDER BY l.next_attempt DESC, l.id DESC LIMIT 1), ''),
			count(*) FILTER (WHERE expired_at >= ?)
		FROM outbox o GROUP BY notifier ORDER BY notifier`, now.Add(-ExpiredKept).UnixMilli())
	if err != nil {
		return nil, o.s.wrap("reading the outbox", err)
	}
	defer rows.Close()
	var out []Backlog
	for rows.Next() {
		var b Backlog
		var oldest int64
		if err := rows.Scan(&b.Notifier, &b.Pending, &b.Failing, &oldest, &b.LastError, &b.Expired); err != nil {
			return nil, o.s.wrap("reading the outbox", err)
		}
		if oldest != 0 {
			b.Oldest = time.UnixMilli(oldest).UTC()
		}
		if b.Pending > 0 || b.Expired > 0 {
			out = append(out, b)
		}
	}
	return out, o.s.wrap("reading the outbox", rows.Err())
}
