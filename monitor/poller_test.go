package monitor

import (
	"context"
	"encoding/json"
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
// which writes it with both. The slow vendor has an incident of its own
// open throughout, unrelated to the fast one's. Step by step, over three
// rounds:
//
//   - round 1, first part: the fast vendor is stored; no snapshot file yet;
//   - round 1, last part: the snapshot holds both vendors, the slow one
//     with its incident (its event recorded once);
//   - round 2, first part: the fast vendor's page posts an incident. The
//     commit records its event at once (what notifications are sent
//     from); the snapshot file still shows round 1;
//   - round 2, last part: the snapshot shows both incidents, and the
//     event is not recorded a second time;
//   - round 3, first part: the fast vendor's incident is over. Its
//     resolution is recorded at once; the snapshot still shows round 2;
//   - round 3, last part: the snapshot shows the slow vendor's incident
//     alone, and the verdict is about it; nothing was recorded twice, and
//     the slow vendor's incident was never taken for over.
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
			w.Write(incident) // the slow vendor's own, open throughout
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
	// shown is how many incidents the snapshot file shows for vendor id;
	// -1 when the file does not show the vendor.
	shown := func(id string) int {
		t.Helper()
		b, err := os.ReadFile(store.SnapshotPath())
		if err != nil {
			t.Fatal(err)
		}
		var rep correlate.Report
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		for _, v := range rep.Vendors {
			if v.ID == id {
				return len(v.Status.Incidents)
			}
		}
		return -1
	}
	// recorded counts vendor id's events of kind in the history.
	recorded := func(id string, kind correlate.EventKind) int {
		t.Helper()
		evs, err := store.Timeline(context.Background(), history.Query{Vendors: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Kind == kind {
				n++
			}
		}
		return n
	}
	// events checks what the history holds for both vendors, at step.
	events := func(step string, fastOpened, fastResolved int) {
		t.Helper()
		if n := recorded("fast", correlate.EventIncidentOpened); n != fastOpened {
			t.Errorf("%s: %d incident_opened events for the fast vendor, want %d", step, n, fastOpened)
		}
		if n := recorded("fast", correlate.EventIncidentResolved); n != fastResolved {
			t.Errorf("%s: %d incident_resolved events for the fast vendor, want %d", step, n, fastResolved)
		}
		if n := recorded("slow", correlate.EventIncidentOpened); n != 1 {
			t.Errorf("%s: %d incident_opened events for the slow vendor, want 1", step, n)
		}
		if n := recorded("slow", correlate.EventIncidentResolved); n != 0 {
			t.Errorf("%s: the slow vendor's open incident was recorded as resolved %d times", step, n)
		}
	}

	// Round 1.
	stored("fast", "fast's page", checkedAfter(time.Time{}))
	if _, err := os.Stat(store.SnapshotPath()); !os.IsNotExist(err) {
		t.Errorf("round 1's first commit, with the slow vendor still checked, wrote the snapshot (%v)", err)
	}
	release <- struct{}{}
	stored("slow", "slow's page", checkedAfter(time.Time{}))
	if f, sl := shown("fast"), shown("slow"); f != 0 || sl != 1 {
		t.Errorf("after round 1's last commit, the snapshot shows %d incidents for fast, %d for slow; want 0 and 1", f, sl)
	}
	events("round 1", 0, 0)

	// Round 2: the fast vendor posts an incident.
	round2 := time.Now()
	fastPage.Store(incident)
	m.CheckNow()
	stored("fast", "fast's incident", func(v correlate.VendorReport) bool { return len(v.Status.Incidents) > 0 })
	events("round 2, first commit", 1, 0)
	if f := shown("fast"); f != 0 {
		t.Error("round 2's first commit, with the slow vendor still checked, wrote the snapshot")
	}
	release <- struct{}{}
	stored("slow", "slow's page of round 2", checkedAfter(round2))
	if f, sl := shown("fast"), shown("slow"); f != 1 || sl != 1 {
		t.Errorf("after round 2's last commit, the snapshot shows %d incidents for fast, %d for slow; want 1 and 1", f, sl)
	}
	events("round 2, last commit", 1, 0)

	// Round 3: the fast vendor's incident is over.
	round3 := time.Now()
	fastPage.Store(quiet)
	m.CheckNow()
	stored("fast", "fast's recovery", func(v correlate.VendorReport) bool { return len(v.Status.Incidents) == 0 })
	events("round 3, first commit", 1, 1)
	if f := shown("fast"); f != 1 {
		t.Error("round 3's first commit, with the slow vendor still checked, wrote the snapshot")
	}
	release <- struct{}{}
	stored("slow", "slow's page of round 3", checkedAfter(round3))
	if f, sl := shown("fast"), shown("slow"); f != 0 || sl != 1 {
		t.Errorf("after round 3's last commit, the snapshot shows %d incidents for fast, %d for slow; want 0 and 1", f, sl)
	}
	events("round 3, last commit", 1, 1)
	st, err := store.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Report == nil || st.Report.Verdict.Word != correlate.WordThem || !strings.Contains(st.Report.Verdict.Finding, "slow") {
		t.Errorf("after round 3, the verdict is %+v, want THEM on the slow vendor's incident", st.Report.Verdict)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
