package serve

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// blocking is a handler that holds its slot until released.
type blocking struct {
	entered chan struct{}
	release chan struct{}
}

func (b blocking) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	b.entered <- struct{}{}
	<-b.release
	w.WriteHeader(http.StatusOK)
}

func serveAsync(h http.Handler, ctx context.Context) chan *httptest.ResponseRecorder {
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/metrics", nil))
		done <- rec
	}()
	return done
}

// Beyond the bound, a request without a wait is answered 503 with
// Retry-After and counted; once a slot frees, requests go through again.
func TestLimiterTurnsAwayBeyondTheBound(t *testing.T) {
	t.Parallel()
	var rejected atomic.Uint64
	b := blocking{entered: make(chan struct{}, 2), release: make(chan struct{})}
	h := newLimiter(2, -1).wrap(&rejected, b)
	first, second := serveAsync(h, context.Background()), serveAsync(h, context.Background())
	<-b.entered
	<-b.entered
	rec := <-serveAsync(h, context.Background())
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "2" || rejected.Load() != 1 {
		t.Errorf("a third request: %d, Retry-After %q, %d rejected", rec.Code, rec.Header().Get("Retry-After"), rejected.Load())
	}
	close(b.release)
	if (<-first).Code != 200 || (<-second).Code != 200 {
		t.Error("the requests in their slots failed")
	}
	b.entered = make(chan struct{}, 1)
	if rec := <-serveAsync(newLimiter(2, -1).wrap(&rejected, b), context.Background()); rec.Code != 200 {
		t.Errorf("after the slots freed: %d", rec.Code)
	}
}

// A request beyond the bound waits for a turn instead of failing; one
// whose client leaves while it waits is not counted as turned away.
func TestLimiterQueues(t *testing.T) {
	t.Parallel()
	var rejected atomic.Uint64
	b := blocking{entered: make(chan struct{}, 2), release: make(chan struct{})}
	h := newLimiter(1, time.Hour).wrap(&rejected, b)
	first := serveAsync(h, context.Background())
	<-b.entered
	queued := serveAsync(h, context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	gone := serveAsync(h, ctx)
	cancel()
	<-gone
	close(b.release)
	if (<-first).Code != 200 || (<-queued).Code != 200 || rejected.Load() != 0 {
		t.Errorf("queued: %d turned away", rejected.Load())
	}
}
