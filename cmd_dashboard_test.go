package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/ui"
)

// TestMonitorBackendStreamsChecks runs the dashboard's backend against
// recorded status pages with a real history store and checks what the
// dashboard is sent: every vendor at once, the vendors being checked while
// checks run, then the assessed report with nothing in flight; and that the
// timeline and the incident report come from the history.
func TestMonitorBackendStreamsChecks(t *testing.T) {
	cfg := threeVendors(t, "anthropic__statuspage_summary_incident_investigating.json")
	a, err := app.Load(app.Options{ConfigPath: cfg, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	b, finish := a.Dashboard(context.Background(), io.Discard)
	defer finish()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	var got []ui.Update
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx, func(u ui.Update) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, u)
			if u.Recorded && u.InFlight == 0 {
				cancel()
			}
		})
	}()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(got) < 2 {
		t.Fatalf("updates: %+v", got)
	}
	if first := got[0]; len(first.Report.Vendors) != 3 {
		t.Errorf("first update has %d vendors, want the three pending ones", len(first.Report.Vendors))
	}
	sawChecking := false
	for _, u := range got {
		if len(u.Checking) > 0 {
			sawChecking = true
			if u.InFlight < len(u.Checking) {
				t.Errorf("%v checking with %d in flight", u.Checking, u.InFlight)
			}
		}
	}
	if !sawChecking {
		t.Error("no update named the vendors being checked")
	}
	last := got[len(got)-1]
	if last.InFlight != 0 || last.Report.Overall != correlate.LevelWarning {
		t.Errorf("last update: %d in flight, overall %s", last.InFlight, last.Report.Overall)
	}
	if v, _ := last.Report.Vendor("anthropic"); v.Status.State != observe.Degraded || len(v.Status.Open()) != 1 {
		t.Errorf("anthropic = %s, %d open incidents", v.Status.State, len(v.Status.Open()))
	}
	tl, err := b.Timeline(context.Background(), "anthropic", 10)
	if err != nil || len(tl) == 0 {
		t.Fatalf("timeline = %v, %v", tl, err)
	}
	for i := 1; i < len(tl); i++ {
		if tl[i].At.After(tl[i-1].At) {
			t.Errorf("timeline not newest first: %v then %v", tl[i-1].At, tl[i].At)
		}
	}
	for _, e := range tl {
		if e.Vendor != "anthropic" {
			t.Errorf("timeline for anthropic holds %+v", e)
		}
	}
	md, err := b.IncidentReport(context.Background())
	if err != nil || !strings.Contains(md, "Elevated errors for multiple models") {
		t.Errorf("report (%v):\n%s", err, md)
	}
}

func TestDashboardNeedsATerminal(t *testing.T) {
	cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
	stdout, stderr, code := runCLI(t, "--config", cfg)
	if code != 3 || stdout != "" || !strings.Contains(stderr, "the dashboard needs a terminal; use --once") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
