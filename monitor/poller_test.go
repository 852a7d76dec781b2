package monitor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// Run with the real poller: a recorded status page served locally, the
// page changing between checks, CheckNow forcing the next one.
func TestRunWithPoller(t *testing.T) {
	var file atomic.Value
	file.Store("github__statuspage_status_none.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join("testdata", file.Load().(string)))
		if err != nil {
			t.Error(err)
		}
		w.Write(b)
	}))
	defer srv.Close()
	vendors := []catalog.Vendor{{ID: "acme", Name: "Acme", Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage}},
		Interval: time.Hour, ProbeInterval: time.Hour}}
	poller := providers.NewPoller(vendors, fetch.New(fetch.Options{Timeout: 5 * time.Second}))
	store := openStore(t, t.TempDir(), history.Options{})
	m := New(poller, store)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	updates := make(chan Update, 64)
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, func(u Update) { updates <- u }) }()

	wait := func(want correlate.Level) Update {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case u := <-updates:
				if u.Err != nil {
					t.Fatal(u.Err)
				}
				if u.Report.Overall == want {
					return u
				}
			case <-deadline:
				t.Fatalf("no update with overall %s", want)
			}
		}
	}
	wait(correlate.LevelOK)
	file.Store("anthropic__statuspage_summary_incident_investigating.json")
	m.CheckNow()
	u := wait(correlate.LevelWarning)
	if len(u.Report.Findings) != 1 || u.Report.Findings[0].Kind != correlate.KindVendorIncident {
		t.Errorf("findings = %+v", u.Report.Findings)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	st, err := store.Load(context.Background())
	if err != nil || st.Report == nil || st.Report.Overall != correlate.LevelWarning || len(st.Memory.Open) != 1 {
		t.Errorf("stored state: %v %+v", err, st.Report)
	}
}
