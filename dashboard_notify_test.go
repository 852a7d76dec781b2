package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/ui"
)

// The dashboard fires notifications from its own checks: the first
// report is the baseline, a finding that opens afterwards is announced.
func TestDashboardNotifies(t *testing.T) {
	cfg := threeVendors(t, "anthropic__statuspage_summary_incident_investigating.json")
	o := &options{configPath: cfg, stateDir: t.TempDir()}
	l, err := load(o)
	if err != nil {
		t.Fatal(err)
	}
	store, err := history.Open(context.Background(), o.stateDir, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var mu sync.Mutex
	var got []notify.Payload
	rec := senderFunc(func(_ context.Context, e notify.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, notify.PayloadOf(e))
		return nil
	})
	disp := notify.New([]notify.Notifier{{Name: "rec", Sender: rec}}, notify.Options{})
	b := &monitorBackend{mon: monitor.New(newChecker(l), store), store: store, observe: func(u monitor.Update) { disp.Observe(u.Report) }}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b.Run(ctx, func(u ui.Update) {
		if u.Recorded && u.InFlight == 0 {
			cancel()
		}
	})
	disp.Close(context.Background())
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Event != "finding_opened" || got[0].Finding.Kind != correlate.KindVendorOutage || got[0].Finding.Vendors[0] != "anthropic" {
		t.Errorf("notifications = %+v", got)
	}
}

type senderFunc func(context.Context, notify.Event) error

func (f senderFunc) Send(ctx context.Context, e notify.Event) error { return f(ctx, e) }
