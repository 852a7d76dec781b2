package monitor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// A round whose vendors answer a few round trips apart, as a first round
// over a real network does (connections, TLS, sibling documents), is
// recorded in one commit: every vendor's incident is opened by the same
// update. With a settle time shorter than the spread (it was 250 ms), the
// first vendor was recorded alone and the round's state written twice.
func TestRoundSpreadOverRoundTripsIsRecordedOnce(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("testdata", "anthropic__statuspage_summary_incident_investigating.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d, err := time.ParseDuration(r.URL.Query().Get("after")); err == nil {
			time.Sleep(d)
		}
		w.Write(page)
	}))
	defer srv.Close()
	var vendors []catalog.Vendor
	for _, v := range []struct{ id, after string }{{"first", "0s"}, {"second", "200ms"}, {"third", "500ms"}} {
		vendors = append(vendors, catalog.Vendor{ID: v.id, Name: v.id,
			Sources:  []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json?after=" + v.after, Format: statuspage.Statuspage}},
			Interval: time.Hour, ProbeInterval: time.Hour})
	}
	m := New(providers.NewPoller(vendors, fetch.New(fetch.Options{Timeout: 10 * time.Second})), openStore(t, t.TempDir(), history.Options{}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opened := make(chan []string, 16) // the vendors whose incident each recorded update opened
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, func(u Update) {
			var ids []string
			for _, e := range u.Events {
				if e.Kind == correlate.EventIncidentOpened {
					ids = append(ids, e.Vendor)
				}
			}
			if len(ids) > 0 {
				opened <- ids
			}
		})
	}()
	select {
	case ids := <-opened:
		if len(ids) != len(vendors) {
			t.Errorf("the round's first commit opened the incidents of %v; want all %d vendors in one", ids, len(vendors))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no incident was recorded")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
