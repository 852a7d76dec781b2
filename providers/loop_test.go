package providers

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// Probe rounds start on fixed-rate ticks, not from the end of the previous
// round: rounds that take 2 s start every 15 s, not every 17. A round that
// outlasts the next tick (20 s from 0:15) is followed by one round at once
// (0:35), never by one per missed tick, and the rounds after it are back
// on the grid (0:45, 1:00).
func TestProbeRoundsRunAtAFixedRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var mu sync.Mutex
		var starts []time.Duration
		api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			starts = append(starts, time.Since(start))
			n := len(starts)
			mu.Unlock()
			pause := 2 * time.Second
			if n == 2 {
				pause = 20 * time.Second
			}
			time.Sleep(pause)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.","error":"Unauthorized","statusCode":401}`))
		})
		f := fetch.New(fetch.Options{Timeout: 30 * time.Second, Transport: vendortest.Transport{Handler: api}})
		v := catalog.Vendor{ID: "vapi", Name: "VAPI", API: catalog.APISpec{BaseURL: "https://api.vapi.test", Reach: "/assistant?limit=1"},
			Interval: time.Hour, ProbeInterval: 15 * time.Second}
		p := NewPoller([]catalog.Vendor{v}, f)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); p.Run(ctx, func(observe.Event) {}) }()
		time.Sleep(70 * time.Second)
		cancel()
		<-done
		want := []time.Duration{0, 15 * time.Second, 35 * time.Second, 45 * time.Second, 60 * time.Second}
		if !slices.Equal(starts, want) {
			t.Errorf("probe rounds started at %v, want %v", starts, want)
		}
	})
}

// A round's requests wait for a slot until the vendor's next tick at the
// latest: one that finds none by then is not_checked, not a timeout, and
// does not hold the next round back.
func TestSlotDeadlineIsTheNextTick(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		block := make(chan struct{})
		api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-block // the first request holds the host's one slot
			w.WriteHeader(http.StatusUnauthorized)
		})
		f := fetch.New(fetch.Options{Timeout: 30 * time.Second, PerHost: 1, Transport: vendortest.Transport{Handler: api}})
		go func() {
			f.Get(t.Context(), "https://api.vapi.test/held", nil)
		}()
		synctest.Wait()
		v := catalog.Vendor{ID: "vapi", Name: "VAPI", API: catalog.APISpec{BaseURL: "https://api.vapi.test", Reach: "/assistant?limit=1"},
			Interval: time.Hour, ProbeInterval: 15 * time.Second}
		p := NewPoller([]catalog.Vendor{v}, f)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); p.Run(ctx, func(observe.Event) {}) }()
		time.Sleep(16 * time.Second)
		vr, _ := p.Snapshot().Vendor("vapi")
		if vr.Reachability == nil || vr.Reachability.Result != observe.ResultNotChecked {
			t.Errorf("reachability after a round that found no slot = %+v, want not_checked", vr.Reachability)
		}
		cancel()
		close(block)
		<-done
	})
}

// A check asked for with CheckNow runs at once and counts as the tick: the
// next check is one interval later, not a moment after it.
func TestCheckNowRestartsTheTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var mu sync.Mutex
		var starts []time.Duration
		api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			starts = append(starts, time.Since(start))
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"Invalid Key.","error":"Unauthorized","statusCode":401}`))
		})
		f := fetch.New(fetch.Options{Transport: vendortest.Transport{Handler: api}})
		v := catalog.Vendor{ID: "vapi", Name: "VAPI", API: catalog.APISpec{BaseURL: "https://api.vapi.test", Reach: "/assistant?limit=1"},
			Interval: time.Hour, ProbeInterval: 15 * time.Second}
		p := NewPoller([]catalog.Vendor{v}, f)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); p.Run(ctx, func(observe.Event) {}) }()
		time.Sleep(14 * time.Second)
		p.CheckNow()
		time.Sleep(20 * time.Second)
		cancel()
		<-done
		want := []time.Duration{0, 14 * time.Second, 29 * time.Second}
		if !slices.Equal(starts, want) {
			t.Errorf("checks started at %v, want %v", starts, want)
		}
	})
}
