package serve

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// Bounds of the requests in flight.
const (
	// DefaultMaxInFlight bounds the requests answered at once from the
	// rendered report. Each sends bytes rendered once, so the bound is
	// about connections and CPU, not memory.
	DefaultMaxInFlight = 64
	// DefaultMaxHistoryInFlight bounds the requests reading the history at
	// once: each is a database query and a rendering of its own.
	DefaultMaxHistoryInFlight = 4
	// DefaultQueueWait is how long a request beyond the bound waits for a
	// turn. Waiting is what Prometheus and the dashboard tolerate best: a
	// scrape that waits a little is still a scrape (Prometheus's default
	// scrape timeout is 10 s, --remote's 10 s), while a 503 is a failed
	// scrape and `up` 0. Past the wait, the answer is 503 with Retry-After.
	DefaultQueueWait = 5 * time.Second
	// retryAfter is the Retry-After of a 503, in seconds.
	retryAfter = 2
)

// limiter bounds the requests in flight through it: a request waits up to
// wait for one of its slots, then is turned away.
type limiter struct {
	slots chan struct{}
	wait  time.Duration
}

func newLimiter(n int, wait time.Duration) *limiter {
	return &limiter{slots: make(chan struct{}, n), wait: wait}
}

// wrap runs next in a slot; a request that finds none within the wait is
// answered 503 with Retry-After and counted in rejected. A client that
// gives up while waiting leaves the queue.
func (l *limiter) wrap(rejected *atomic.Uint64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.acquire(r) {
			if r.Context().Err() != nil {
				return // the client left while it waited
			}
			rejected.Add(1)
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
			httpError(w, http.StatusServiceUnavailable, "too many requests in flight; retry in a few seconds")
			return
		}
		defer func() { <-l.slots }()
		next.ServeHTTP(w, r)
	})
}

// acquire takes a slot, waiting up to l.wait for one.
func (l *limiter) acquire(r *http.Request) bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
	}
	if l.wait <= 0 {
		return false
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-r.Context().Done():
		return false
	}
}
