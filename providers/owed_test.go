package providers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// A check asked for counts as in flight from the moment it is asked, not
// from the moment its goroutine gets to start it: a vendor that finishes
// before the others have started is not taken for the round's last (the
// monitor records a round whole when nothing is in flight, and writes the
// snapshot file then).
func TestChecksAskedForCountInFlightBeforeTheyStart(t *testing.T) {
	vendors := []catalog.Vendor{
		{ID: "a", Name: "A", Interval: time.Hour, ProbeInterval: time.Hour},
		{ID: "b", Name: "B", Interval: time.Hour, ProbeInterval: time.Hour},
	}
	p := NewPoller(vendors, fetch.New(fetch.Options{Timeout: time.Minute}))
	// No loop runs yet: the wakes wait in their channels.
	p.CheckNow()
	if n := p.InFlight(); n != 2 {
		t.Errorf("after CheckNow, in flight = %d, want the 2 checks asked for", n)
	}
	p.CheckNow() // a wake already waits for each: still one check each
	if n := p.InFlight(); n != 2 {
		t.Errorf("after a second CheckNow, in flight = %d, want 2", n)
	}
}

// Run's first round and every CheckNow round are counted until their
// checks start, and no longer once they have ended: InFlight comes back
// to 0, so the monitor records the round whole.
func TestOwedChecksAreSettled(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		http.NotFound(w, r)
	}))
	defer slow.Close()
	fast := httptest.NewServer(&vendortest.Site{Routes: map[string]string{"/s.json": "github__statuspage_status_none.json"}})
	defer fast.Close()
	vendors := []catalog.Vendor{
		{ID: "fast", Name: "Fast", Interval: time.Hour, ProbeInterval: time.Hour, Sources: []catalog.SourceSpec{{URL: fast.URL + "/s.json", Format: statuspage.Statuspage}}},
		{ID: "slow", Name: "Slow", Interval: time.Hour, ProbeInterval: time.Hour, Sources: []catalog.SourceSpec{{URL: slow.URL + "/s.json", Format: statuspage.Statuspage}}},
	}
	p := NewPoller(vendors, fetch.New(fetch.Options{Timeout: time.Minute}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan string, 10)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		p.Run(ctx, func(e observe.Event) {
			if e.Done {
				done <- e.Vendor
			}
		})
	}()
	wait := func(want string) {
		t.Helper()
		select {
		case id := <-done:
			if id != want {
				t.Fatalf("%s finished, want %s", id, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s did not finish", want)
		}
	}
	for round := range 2 {
		wait("fast")
		if n := p.InFlight(); n != 1 {
			t.Errorf("round %d: with the slow vendor held, in flight = %d, want 1", round, n)
		}
		release <- struct{}{}
		wait("slow")
		if n := p.InFlight(); n != 0 {
			t.Errorf("round %d: after both checks, in flight = %d, want 0", round, n)
		}
		p.CheckNow()
	}
	// Stopped with the last CheckNow's checks still owed: nothing is in
	// flight any more.
	cancel()
	close(release)
	<-stopped
	if n := p.InFlight(); n != 0 {
		t.Errorf("after Run stopped, in flight = %d, want 0", n)
	}
}

// A check of more vendors than the client has requests in flight runs as
// many vendor checks at once as it has, and starts the next as one ends:
// the others, counted in flight, wait without a goroutine grown for a
// request that could not go out anyway. Every vendor is checked in the
// end.
func TestCheckRunsAsManyVendorsAsRequestsInFlight(t *testing.T) {
	const vendors, slots = 9, 3
	release := make(chan struct{})
	arrived := make(chan struct{}, 4*vendors)
	var vs []catalog.Vendor
	for i := range vendors {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case arrived <- struct{}{}:
			default:
			}
			<-release
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"page":{"url":"https://status.example.test"},"status":{"indicator":"none","description":"All Systems Operational"},"components":[],"incidents":[]}`))
		}))
		t.Cleanup(srv.Close)
		id := string(rune('a' + i))
		vs = append(vs, catalog.Vendor{ID: id, Name: id, Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}})
	}
	free := sync.OnceFunc(func() { close(release) })
	t.Cleanup(free) // before the servers close, which wait for their handlers
	p := NewPoller(vs, fetch.New(fetch.Options{Timeout: time.Minute, Concurrency: slots}))
	done := make(chan observe.Snapshot)
	go func() { done <- p.Check(context.Background()) }()
	for range slots {
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("the first requests did not arrive")
		}
	}
	time.Sleep(50 * time.Millisecond) // room for any check that should not start
	if running, asked := p.inFlight.Load(), p.InFlight(); running != slots || asked != vendors {
		t.Errorf("%d vendor checks running, %d counted in flight; want %d running (the requests in flight) and all %d counted", running, asked, slots, vendors)
	}
	free()
	var snap observe.Snapshot
	select {
	case snap = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the check did not end")
	}
	for _, v := range snap.Vendors {
		if v.Status.State != observe.Operational {
			t.Errorf("%s: %s, want operational (every vendor checked)", v.ID, v.Status.State)
		}
	}
	if n := p.InFlight(); n != 0 {
		t.Errorf("%d in flight after the check", n)
	}
}
