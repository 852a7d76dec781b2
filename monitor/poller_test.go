package monitor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// A round whose slow vendor is still being checked when the settle time
// is up is recorded in two commits: the first stores the fast vendor's
// result but leaves the snapshot file to the second, the round's last,
// which writes it with both.
func TestRoundRecordedInTwoCommitsWritesOneSnapshot(t *testing.T) {
	release := make(chan struct{})
	page, err := os.ReadFile(filepath.Join("testdata", "github__statuspage_status_none.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("slow") != "" {
			<-release
		}
		w.Write(page)
	}))
	defer srv.Close()
	defer close(release)
	vendor := func(id, query string) catalog.Vendor {
		return catalog.Vendor{ID: id, Name: id, Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json" + query, Format: statuspage.Statuspage}},
			Interval: time.Hour, ProbeInterval: time.Hour}
	}
	poller := providers.NewPoller([]catalog.Vendor{vendor("fast", ""), vendor("slow", "?slow=1")}, fetch.New(fetch.Options{Timeout: 10 * time.Second}))
	store := openStore(t, t.TempDir(), history.Options{})
	m := New(poller, store)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, func(u Update) {
			if u.Err != nil {
				t.Error(u.Err)
			}
		})
	}()

	// stored waits until the stored report has id's status page read.
	stored := func(id string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			st, err := store.Load(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.Report != nil && slices.ContainsFunc(st.Report.Vendors, func(v correlate.VendorReport) bool { return v.ID == id && !v.Status.CheckedAt.IsZero() }) {
				return
			}
		}
		t.Fatalf("no commit stored %s's page", id)
	}
	stored("fast")
	if _, err := os.Stat(store.SnapshotPath()); !os.IsNotExist(err) {
		t.Errorf("the round's first commit, with the slow vendor still checked, wrote the snapshot (%v)", err)
	}
	release <- struct{}{}
	stored("slow")
	b, err := os.ReadFile(store.SnapshotPath())
	if err != nil || !strings.Contains(string(b), `"id":"fast"`) || !strings.Contains(string(b), `"id":"slow"`) {
		t.Errorf("after the round's last commit, the snapshot file: %v, %.200s", err, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
