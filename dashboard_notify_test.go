package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/ui"
)

// The dashboard fires the config's notifications from its own checks: the
// first report is the baseline, a finding that opens afterwards is
// announced, and the queue is drained when the dashboard ends.
func TestDashboardNotifies(t *testing.T) {
	var mu sync.Mutex
	var got []notify.Payload
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p notify.Payload
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("webhook body is not a payload: %v\n%s", err, b)
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer hook.Close()
	cfg := threeVendors(t, "anthropic__statuspage_summary_incident_investigating.json")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("notify:\n  - type: webhook\n    url: " + hook.URL + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	a, err := app.Load(app.Options{ConfigPath: cfg, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	b, finish := a.Dashboard(context.Background(), io.Discard)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b.Run(ctx, func(u ui.Update) {
		if u.Recorded && u.InFlight == 0 {
			cancel()
		}
	})
	finish()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Event != "finding_opened" || got[0].Finding.Kind != correlate.KindVendorIncident || got[0].Finding.Vendors[0] != "anthropic" {
		t.Errorf("notifications = %+v", got)
	}
}
