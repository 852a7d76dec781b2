package fetch

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// slowTransport answers every request after pause, on the bubble's fake
// clock, or fails when the request's context ends first. It reports the
// connection to a client trace, as the real transport does, so the first
// request to a host opens the gate of the others at once.
type slowTransport struct{ pause time.Duration }

func (s slowTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if tr := httptrace.ContextClientTrace(req.Context()); tr != nil && tr.GotConn != nil {
		tr.GotConn(httptrace.GotConnInfo{})
	}
	select {
	case <-time.After(s.pause):
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: req}, nil
}

// outcomes sends n requests to one host at once under ctx and counts how
// they ended.
func outcomes(ctx context.Context, f *Client, n int) (ok, timedOut, notSent int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := f.Get(ctx, "https://api.example.test/v1/models", nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ErrNotSent):
				notSent++
			default:
				timedOut++
			}
		})
	}
	wg.Wait()
	return ok, timedOut, notSent
}

// A request's timeout starts when it gets its slot: ten requests to a host
// that allows two at a time, each answered in 400 ms, all complete within
// a 1 s timeout although the last ones wait 1.6 s for their turn. Before,
// the timeout ran while they queued and six of them "timed out" without
// ever being sent.
func TestTimeoutStartsAtTheSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := New(Options{Timeout: time.Second, PerHost: 2, Transport: slowTransport{pause: 400 * time.Millisecond}})
		start := time.Now()
		ok, timedOut, notSent := outcomes(t.Context(), f, 10)
		if ok != 10 || timedOut != 0 || notSent != 0 {
			t.Errorf("ok %d, timed out %d, not sent %d; want all 10 answered", ok, timedOut, notSent)
		}
		if took := time.Since(start); took != 2*time.Second {
			t.Errorf("took %s, want 5 rounds of 400ms", took)
		}
	})
}

// Requests that cannot get a slot before the check's slot deadline are
// not sent, and say so (ErrNotSent, worded "not checked"), apart from a
// timeout; those that got a slot in time keep their whole timeout and are
// answered.
func TestSlotDeadlineMeansNotSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := New(Options{Timeout: time.Second, PerHost: 2, Transport: slowTransport{pause: 400 * time.Millisecond}})
		ctx := WithSlotDeadline(t.Context(), time.Now().Add(time.Second))
		// Slots free at 0, 400 and 800 ms: six requests go out, all
		// answered (the last at 1.2 s, after the slot deadline); four never
		// get a slot.
		ok, timedOut, notSent := outcomes(ctx, f, 10)
		if ok != 6 || timedOut != 0 || notSent != 4 {
			t.Errorf("ok %d, timed out %d, not sent %d; want 6, 0, 4", ok, timedOut, notSent)
		}
	})
}

// A request that got its slot and hangs still times out after the
// client's timeout, counted from the slot, and is not "not sent"; Describe
// words the two apart.
func TestHangTimesOutFromTheSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := New(Options{Timeout: time.Second, PerHost: 1, Transport: slowTransport{pause: time.Hour}})
		ctx := WithSlotDeadline(t.Context(), time.Now().Add(500*time.Millisecond))
		var errs [2]error
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { _, errs[i] = f.Get(ctx, "https://api.example.test/", nil) })
			time.Sleep(time.Millisecond) // the first takes the one slot
		}
		wg.Wait()
		if !errors.Is(errs[0], context.DeadlineExceeded) || errors.Is(errs[0], ErrNotSent) || Describe(errs[0]) != "timed out" {
			t.Errorf("the hung request: %v (%q), want a timeout", errs[0], Describe(errs[0]))
		}
		if !errors.Is(errs[1], ErrNotSent) || !strings.HasPrefix(Describe(errs[1]), "not checked") {
			t.Errorf("the queued request: %v (%q), want not sent", errs[1], Describe(errs[1]))
		}
	})
}
