package notify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/history"
)

// DefaultExpire is how long a notification is retried before it is given
// up, for a Notifier that sets no Expire.
const DefaultExpire = 24 * time.Hour

// Retry schedule of DefaultBackoff: the first retry after BackoffFirst,
// each next one after twice as long, never more than BackoffMax apart.
const (
	BackoffFirst = 30 * time.Second
	BackoffMax   = 15 * time.Minute
)

// DefaultBackoff is the pause after a notification's attempt-th failed
// attempt: 30 s, 1 min, 2 min, ... up to 15 min.
func DefaultBackoff(attempt int) time.Duration {
	d := BackoffFirst
	for i := 1; i < attempt && d < BackoffMax; i++ {
		d *= 2
	}
	return min(d, BackoffMax)
}

// Outbox keeps each notifier's queued notifications until they are sent
// or expire, beside the notifier's ledger (what it has announced).
// *history.Outbox keeps them in the state dir's database, so they survive
// a restart and the next process sends what the last one left;
// MemoryOutbox keeps them in the process when there is no state dir.
type Outbox interface {
	// Durable reports whether the queue outlives the process.
	Durable() bool
	// State returns the notifier's saved ledger, nil when none was saved.
	State(ctx context.Context, notifier string) ([]byte, error)
	// Queue adds deliveries for one notifier and, when state is not nil,
	// saves its ledger: both or neither.
	Queue(ctx context.Context, notifier string, state []byte, ds []history.Delivery) error
	// Pending returns up to limit of the notifier's waiting deliveries,
	// oldest first.
	Pending(ctx context.Context, notifier string, limit int) ([]history.Delivery, error)
	// Delivered removes a sent delivery.
	Delivered(ctx context.Context, id int64) error
	// Retry records a failed attempt and when to try again.
	Retry(ctx context.Context, id int64, next time.Time, lastErr string) error
	// Expire gives up, and returns, every notifier's deliveries whose
	// expiry has come; each one is returned once.
	Expire(ctx context.Context, now time.Time) ([]history.Delivery, error)
	// Backlog summarizes what waits, per notifier.
	Backlog(ctx context.Context, now time.Time) ([]history.Backlog, error)
}

var _ Outbox = (*history.Outbox)(nil)

// ErrOutboxFull is returned by a MemoryOutbox whose notifier already has
// its limit of notifications waiting.
var ErrOutboxFull = errors.New("too many notifications wait for this notifier")

// DefaultMemoryLimit caps the notifications a MemoryOutbox holds per
// notifier, so a dead receiver never holds unbounded memory.
const DefaultMemoryLimit = 1000

// MemoryOutbox is an Outbox in the process's memory, for a vendorwatch
// without a state dir: notifications are still retried until they expire,
// but a restart loses them. It is safe for concurrent use.
type MemoryOutbox struct {
	mu      sync.Mutex
	limit   int
	lastID  int64
	rows    []history.Delivery
	expired []history.Delivery // given up, kept for history.ExpiredKept
	states  map[string][]byte
}

var _ Outbox = (*MemoryOutbox)(nil)

// NewMemoryOutbox returns an empty outbox holding at most limit
// notifications per notifier (DefaultMemoryLimit when limit <= 0).
func NewMemoryOutbox(limit int) *MemoryOutbox {
	if limit <= 0 {
		limit = DefaultMemoryLimit
	}
	return &MemoryOutbox{limit: limit, states: map[string][]byte{}}
}

// Durable is false: the queue ends with the process.
func (*MemoryOutbox) Durable() bool { return false }

// State returns the notifier's saved ledger.
func (m *MemoryOutbox) State(_ context.Context, notifier string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.states[notifier], nil
}

// Queue adds deliveries and saves the ledger, or, when the notifier would
// hold more than the limit, neither.
func (m *MemoryOutbox) Queue(_ context.Context, notifier string, state []byte, ds []history.Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, r := range m.rows {
		if r.Notifier == notifier {
			n++
		}
	}
	if n+len(ds) > m.limit {
		return fmt.Errorf("%w (%d, the most kept in memory)", ErrOutboxFull, m.limit)
	}
	for _, d := range ds {
		m.lastID++
		d.ID, d.Notifier = m.lastID, notifier
		m.rows = append(m.rows, d)
	}
	if state != nil {
		m.states[notifier] = slices.Clone(state)
	}
	return nil
}

// Pending returns the notifier's waiting deliveries, oldest first.
func (m *MemoryOutbox) Pending(_ context.Context, notifier string, limit int) ([]history.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []history.Delivery
	for _, r := range m.rows {
		if r.Notifier == notifier && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

// Delivered removes a sent delivery.
func (m *MemoryOutbox) Delivered(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows = slices.DeleteFunc(m.rows, func(r history.Delivery) bool { return r.ID == id })
	return nil
}

// Retry records a failed attempt.
func (m *MemoryOutbox) Retry(_ context.Context, id int64, next time.Time, lastErr string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.rows {
		if m.rows[i].ID == id {
			m.rows[i].Attempts++
			m.rows[i].NextAttempt, m.rows[i].LastError = next, lastErr
		}
	}
	return nil
}

// Expire gives up the deliveries whose expiry has come.
func (m *MemoryOutbox) Expire(_ context.Context, now time.Time) ([]history.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []history.Delivery
	m.rows = slices.DeleteFunc(m.rows, func(r history.Delivery) bool {
		if r.Expires.After(now) {
			return false
		}
		out = append(out, r)
		return true
	})
	m.expired = slices.DeleteFunc(append(m.expired, out...), func(r history.Delivery) bool {
		return now.Sub(r.Expires) > history.ExpiredKept
	})
	return out, nil
}

// Backlog summarizes what waits, per notifier, ordered by name.
func (m *MemoryOutbox) Backlog(_ context.Context, now time.Time) ([]history.Backlog, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	by := map[string]*history.Backlog{}
	get := func(name string) *history.Backlog {
		if by[name] == nil {
			by[name] = &history.Backlog{Notifier: name}
		}
		return by[name]
	}
	var lastFail = map[string]time.Time{}
	for _, r := range m.rows {
		b := get(r.Notifier)
		b.Pending++
		if b.Oldest.IsZero() || r.Created.Before(b.Oldest) {
			b.Oldest = r.Created
		}
		if r.Attempts > 0 {
			b.Failing++
			if !r.NextAttempt.Before(lastFail[r.Notifier]) {
				lastFail[r.Notifier], b.LastError = r.NextAttempt, r.LastError
			}
		}
	}
	for _, r := range m.expired {
		if now.Sub(r.Expires) <= history.ExpiredKept {
			get(r.Notifier).Expired++
		}
	}
	out := make([]history.Backlog, 0, len(by))
	for _, name := range slices.Sorted(maps.Keys(by)) {
		out = append(out, *by[name])
	}
	return out, nil
}
