package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestFetchCapsBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 1<<16))
		for range 200 { // 12.5 MiB, streamed
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	f := New(Options{Timeout: 5 * time.Second, MaxBody: 1 << 20})
	_, err := f.Get(context.Background(), srv.URL, nil)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "response too large (over 1 MiB)") {
		t.Fatalf("err = %v, want response too large", err)
	}
}

// A server that trickles one byte at a time must be cut off by the
// whole-request timeout, not kept alive read by read.
func TestFetchTimeoutCoversTrickle(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		for {
			select {
			case <-release:
				return
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
				w.Write([]byte("{"))
				w.(http.Flusher).Flush()
			}
		}
	}))
	defer srv.Close()
	defer close(release)
	f := New(Options{Timeout: 300 * time.Millisecond})
	_, err := f.Get(context.Background(), srv.URL, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the request deadline", err)
	}
}

func TestFetchTimeoutNoAnswer(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	f := New(Options{Timeout: 200 * time.Millisecond})
	_, err := f.Get(context.Background(), srv.URL, nil)
	if err == nil || Describe(err) != "timed out" {
		t.Fatalf("err = %v (%q), want timed out", err, Describe(err))
	}
}

func TestFetchUserAgentAndConcurrencyBound(t *testing.T) {
	t.Parallel()
	var inFlight, peak atomic.Int32
	var ua atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.UserAgent())
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		inFlight.Add(-1)
	}))
	defer srv.Close()
	f := New(Options{Concurrency: 3})
	done := make(chan struct{})
	for range 12 {
		go func() {
			f.Get(context.Background(), srv.URL, nil)
			done <- struct{}{}
		}()
	}
	for range 12 {
		<-done
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("peak in flight = %d, want at most 3", p)
	}
	if got := ua.Load().(string); got != DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", got, DefaultUserAgent)
	}
	New(Options{UserAgent: "vendorwatch/v1.2.3"}).Get(context.Background(), srv.URL, nil)
	if got := ua.Load().(string); got != "vendorwatch/v1.2.3" {
		t.Errorf("User-Agent = %q, want the one in the options", got)
	}
}
