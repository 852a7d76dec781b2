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
// which writes it with both. Step by step, over two rounds:
//
//   - round 1, first part: the fast vendor is stored; no snapshot file yet;
//   - round 1, last part: the snapshot holds both vendors;
//   - round 2, first part: the fast vendor's page posts an incident. The
//     commit records its event at once (what notifications are sent
//     from); the snapshot file still shows round 1;
//   - round 2, last part: the snapshot shows the incident, and the event
//     is not recorded a second time.
func TestRoundRecordedInTwoCommitsWritesOneSnapshot(t *testing.T) {
	release := make(chan struct{})
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	quiet, incident := read("github__statuspage_status_none.json"), read("anthropic__statuspage_summary_incident_investigating.json")
	var fastPage atomic.Value
	fastPage.Store(quiet)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("slow") != "" {
			<-release
			w.Write(quiet)
			return
		}
		w.Write(fastPage.Load().([]byte))
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

	// stored waits until the stored report's vendor id satisfies ok.
	stored := func(id, what string, ok func(correlate.VendorReport) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			st, err := store.Load(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.Report != nil && slices.ContainsFunc(st.Report.Vendors, func(v correlate.VendorReport) bool { return v.ID == id && ok(v) }) {
				return
			}
		}
		t.Fatalf("no commit stored %s", what)
	}
	checkedAfter := func(at time.Time) func(correlate.VendorReport) bool {
		return func(v correlate.VendorReport) bool { return v.Status.CheckedAt.After(at) }
	}
	snapshot := func() string {
		t.Helper()
		b, err := os.ReadFile(store.SnapshotPath())
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	incidentEvents := func() int {
		t.Helper()
		evs, err := store.Timeline(context.Background(), history.Query{Vendors: []string{"fast"}})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Kind == correlate.EventIncidentOpened {
				n++
			}
		}
		return n
	}

	// Round 1.
	stored("fast", "fast's page", checkedAfter(time.Time{}))
	if _, err := os.Stat(store.SnapshotPath()); !os.IsNotExist(err) {
		t.Errorf("round 1's first commit, with the slow vendor still checked, wrote the snapshot (%v)", err)
	}
	release <- struct{}{}
	stored("slow", "slow's page", checkedAfter(time.Time{}))
	if b := snapshot(); !strings.Contains(b, `"id":"fast"`) || !strings.Contains(b, `"id":"slow"`) {
		t.Errorf("after round 1's last commit, the snapshot file: %.200s", b)
	}

	// Round 2: the fast vendor posts an incident.
	round2 := time.Now()
	fastPage.Store(incident)
	m.CheckNow()
	stored("fast", "fast's incident", func(v correlate.VendorReport) bool { return len(v.Status.Incidents) > 0 })
	if n := incidentEvents(); n != 1 {
		t.Errorf("round 2's first commit recorded %d incident events, want 1", n)
	}
	if strings.Contains(snapshot(), "investigating") {
		t.Error("round 2's first commit, with the slow vendor still checked, wrote the snapshot")
	}
	release <- struct{}{}
	stored("slow", "slow's page of round 2", checkedAfter(round2))
	if !strings.Contains(snapshot(), "investigating") {
		t.Error("round 2's last commit did not write the snapshot with the incident")
	}
	if n := incidentEvents(); n != 1 {
		t.Errorf("after round 2's last commit, %d incident events, want 1", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
