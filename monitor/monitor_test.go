package monitor

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// at is a time of the incident log's day (2026-05-21), in UTC.
var at = fixture.At

// The VAPI part of 2026-05-21: failing from 12:35 with a silent page,
// posted at 12:45.
func vapiAt(hhmm string, posted bool) observe.VendorResult {
	v := observe.VendorResult{ID: "vapi", Name: "VAPI", Keys: []observe.KeyResult{
		{Name: "prod", Fingerprint: "5f2c…91ab", Result: observe.ResultVendorError, HTTPStatus: 500, CheckedAt: at(hhmm)}}}
	v.Reachability = &observe.Reachability{Result: observe.ResultVendorError, HTTPStatus: 502, CheckedAt: at(hhmm)}
	v.Status = observe.Status{State: observe.Operational, Description: "All Systems Operational", PageURL: "https://status.vapi.ai",
		Sources: []observe.Source{{URL: "https://status.vapi.ai/index.json", OK: true}}}
	if posted {
		v.Status.State = observe.MajorOutage
		v.Status.Incidents = []observe.Incident{{ID: "901977", Title: "Vapi API and dashboard down", Status: "investigating", Impact: "critical",
			StartedAt: at("12:45"), URL: "https://status.vapi.ai/incident/901977",
			Updates: []observe.Update{{Status: "investigating", Body: "We are investigating.", At: at("12:45")}}}}
	}
	return v
}

func openaiAt(hhmm string) observe.VendorResult {
	v := observe.VendorResult{ID: "openai", Name: "OpenAI", Keys: []observe.KeyResult{}}
	v.Reachability = &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, CheckedAt: at(hhmm)}
	v.Status = observe.Status{State: observe.Operational, Sources: []observe.Source{{URL: "https://status.openai.com/api/v2/summary.json", OK: true}}}
	return v
}

func snap(hhmm string, vs ...observe.VendorResult) observe.Snapshot {
	return snapAt(at(hhmm), vs...)
}

func openStore(t *testing.T, dir string, o history.Options) *history.Store {
	t.Helper()
	s, err := history.Open(context.Background(), dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Separate --once runs share only the state dir: each opens its own store,
// and the streaks and open findings carry over.
func TestOnceRunsContinueEachOther(t *testing.T) {
	dir := t.TempDir()
	runs := []struct {
		snap    observe.Snapshot
		overall correlate.Level
		kinds   []correlate.Kind
	}{
		{snap("12:35", vapiAt("12:35", false), openaiAt("12:35")), correlate.LevelOK, nil},
		{snap("12:36", vapiAt("12:36", false), openaiAt("12:36")), correlate.LevelWarning, []correlate.Kind{correlate.KindVendorOutageUnreported}},
		{snap("12:46", vapiAt("12:46", true), openaiAt("12:46")), correlate.LevelCritical, []correlate.Kind{correlate.KindVendorOutage}},
	}
	var prev *correlate.Report
	for i, run := range runs {
		store := openStore(t, dir, history.Options{})
		chk := fixture.NewScript(run.snap)
		rep, err := New(chk, store).Once(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var got []correlate.Kind
		for _, f := range rep.Findings {
			if f.Counts() { // a pending finding is confirming, not yet one
				got = append(got, f.Kind)
			}
		}
		if rep.Overall != run.overall || !slices.Equal(got, run.kinds) {
			t.Errorf("run %d: %s %v, want %s %v", i+1, rep.Overall, got, run.overall, run.kinds)
		}
		if prev != nil && (len(chk.Seeded()) != 1 || !chk.Seeded()[0].GeneratedAt.Equal(prev.GeneratedAt)) {
			t.Errorf("run %d was not seeded with the previous report: %v", i+1, chk.Seeded())
		}
		prev = &rep
		store.Close()
	}
	if prev.Findings[0].LeadMinutes != 10 || prev.Overall.ExitCode() != 2 {
		t.Errorf("last run: %+v", prev.Findings[0])
	}
}

func TestRunRecordsAndNotifies(t *testing.T) {
	store := openStore(t, t.TempDir(), history.Options{})
	// A report from an earlier run is shown at once.
	if _, err := New(fixture.NewScript(snap("12:30", vapiAt("12:30", false), openaiAt("12:30"))), store).Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	chk := fixture.NewScript(
		snap("12:35", vapiAt("12:35", false), openaiAt("12:35")),
		snap("12:36", vapiAt("12:36", false), openaiAt("12:36")),
		snap("12:46", vapiAt("12:46", true), openaiAt("12:46")),
	)
	m := New(chk, store)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	updates := make(chan Update, 16)
	done := make(chan error)
	go func() { done <- m.Run(ctx, func(u Update) { updates <- u }) }()

	first := <-updates
	if !first.Report.GeneratedAt.Equal(at("12:30")) || len(first.Events) != 0 {
		t.Errorf("first update = %s, %d events; want the stored report", first.Report.GeneratedAt, len(first.Events))
	}
	var events []correlate.Event
	var last Update
	for last.Report.GeneratedAt != at("12:46") {
		select {
		case u := <-updates:
			if u.Err != nil {
				t.Fatal(u.Err)
			}
			events = append(events, u.Events...)
			last = u
			m.CheckNow()
		case <-time.After(10 * time.Second):
			t.Fatalf("no update; last %s", last.Report.GeneratedAt)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v", err)
	}
	if last.Report.Overall != correlate.LevelCritical {
		t.Errorf("last report overall = %s", last.Report.Overall)
	}
	var kinds []correlate.EventKind
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	// VAPI failing unreported, then posted: one episode, escalated, never
	// closed and opened again.
	for _, want := range []correlate.EventKind{correlate.EventFindingOpened, correlate.EventIncidentOpened, correlate.EventVendorState, correlate.EventFindingEscalated} {
		if !slices.Contains(kinds, want) {
			t.Errorf("updates carried no %s event: %v", want, kinds)
		}
	}
	if slices.Contains(kinds, correlate.EventFindingClosed) {
		t.Errorf("the outage's episode closed when VAPI posted it: %v", kinds)
	}
	tl, _ := store.Timeline(context.Background(), history.Query{Since: at("12:31")})
	if len(tl) != len(events) {
		t.Errorf("timeline holds %d events, updates carried %d", len(tl), len(events))
	}
}

// A locked database does not stop the check: the report comes back with
// ErrLocked, assessed with the memory in the process.
func TestRecordWhileLocked(t *testing.T) {
	dir := t.TempDir()
	store := openStore(t, dir, history.Options{BusyTimeout: 100 * time.Millisecond})
	m := New(fixture.NewScript(), store)
	if _, _, err := m.Record(context.Background(), snap("12:35", vapiAt("12:35", false), openaiAt("12:35"))); err != nil {
		t.Fatal(err)
	}
	defer holdWriteLock(t, store)()
	rep, evs, err := m.Record(context.Background(), snap("12:36", vapiAt("12:36", false), openaiAt("12:36")))
	if !errors.Is(err, history.ErrLocked) {
		t.Fatalf("err = %v", err)
	}
	if len(evs) != 0 || rep.Overall != correlate.LevelWarning || rep.Findings[0].Kind != correlate.KindVendorOutageUnreported {
		t.Errorf("report while locked: %s %v", rep.Overall, rep.Findings)
	}
}

// holdWriteLock holds store's write lock from another connection, as
// another process would, until the returned function releases it.
func holdWriteLock(t *testing.T, store *history.Store) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", store.Path())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	return func() {
		conn.ExecContext(context.Background(), `ROLLBACK`)
		conn.Close()
		db.Close()
	}
}

func TestWithoutStore(t *testing.T) {
	m := New(fixture.NewScript(), nil)
	m.Record(context.Background(), snap("12:35", vapiAt("12:35", false), openaiAt("12:35")))
	rep, evs, err := m.Record(context.Background(), snap("12:36", vapiAt("12:36", false), openaiAt("12:36")))
	if err != nil || evs != nil || rep.Overall != correlate.LevelWarning {
		t.Errorf("%s %v %v", rep.Overall, evs, err)
	}
	if last, ok := m.Last(); !ok || !last.GeneratedAt.Equal(at("12:36")) {
		t.Errorf("Last = %v %v", last.GeneratedAt, ok)
	}
}

// ids are configured vendors known by their ids alone.
func ids(id ...string) []observe.VendorResult {
	out := make([]observe.VendorResult, len(id))
	for i := range id {
		out[i].ID = id[i]
	}
	return out
}

// checkBoth records checks of VAPI and OpenAI at 12:35 and 12:36 in store,
// VAPI failing with a silent page, and returns the configured vendors.
func checkBoth(t *testing.T, store *history.Store) []observe.VendorResult {
	t.Helper()
	configured := ids("vapi", "openai")
	full := New(fixture.NewScript(snap("12:35", vapiAt("12:35", false), openaiAt("12:35")), snap("12:36", vapiAt("12:36", false), openaiAt("12:36"))), store)
	full.SetConfigured(configured)
	for range 2 {
		if _, err := full.Once(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return configured
}

// A monitor over some of the configured vendors (--only openai) answers
// for them alone, while the store keeps VAPI as it was: its row, its
// finding and the overall level the tmux line shows.
func TestSubsetCheckAnswersForItsVendors(t *testing.T) {
	store := openStore(t, t.TempDir(), history.Options{})
	configured := checkBoth(t, store)
	only := New(fixture.NewScript(snap("12:37", openaiAt("12:37"))), store)
	only.SetConfigured(configured)
	rep, err := only.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Vendors) != 1 || rep.Vendors[0].ID != "openai" || rep.Overall != correlate.LevelOK || len(rep.Findings) != 0 {
		t.Errorf("--only openai answered %d vendors, %s, %d findings; want OpenAI alone, ok", len(rep.Vendors), rep.Overall, len(rep.Findings))
	}
	if last, _ := only.Last(); last.Overall != correlate.LevelOK {
		t.Errorf("Last = %s, want the narrowed report", last.Overall)
	}
	st, err := store.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v, ok := st.Report.Vendor("vapi")
	if !ok || v.Level != correlate.LevelWarning || st.Report.Overall != correlate.LevelWarning || len(st.Report.FindingsFor("vapi")) != 1 {
		t.Errorf("the store after --only openai: VAPI %v %s, overall %s", ok, v.Level, st.Report.Overall)
	}
}

// pendingChecker is a Script whose vendors are known before its first
// check, as the poller's are (each pending).
type pendingChecker struct {
	*fixture.Script
	pending observe.Snapshot
}

func (p pendingChecker) Snapshot() observe.Snapshot {
	if s := p.Script.Snapshot(); len(s.Vendors) > 0 {
		return s
	}
	return p.pending
}

// A dashboard with --only shows its own vendors of the stored report
// before its first check ends, not every configured one.
func TestSubsetResumeShowsItsVendors(t *testing.T) {
	store := openStore(t, t.TempDir(), history.Options{})
	full := New(fixture.NewScript(snap("12:36", vapiAt("12:36", false), openaiAt("12:36"))), store)
	if _, err := full.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := New(pendingChecker{fixture.NewScript(), snap("12:37", observe.VendorResult{ID: "openai", Name: "OpenAI"})}, store)
	m.SetConfigured(ids("vapi", "openai"))
	if _, err := m.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	if last, ok := m.Last(); !ok || len(last.Vendors) != 1 || last.Vendors[0].ID != "openai" {
		t.Errorf("resumed report = %v, want OpenAI alone", last.Vendors)
	}
}

// OnceAssessed hands over the report it will return, narrowed to the
// checked vendors, once it is assessed and before the history has
// committed it, so --once can print it while the history writes.
func TestOnceAssessedHandsOverTheReportBeforeTheCommit(t *testing.T) {
	dir := t.TempDir()
	store := openStore(t, dir, history.Options{})
	configured := checkBoth(t, store)
	reader := openStore(t, dir, history.Options{})
	// OpenAI stops answering: a change, which the commit writes.
	failing := openaiAt("12:37")
	failing.Reachability = &observe.Reachability{Result: observe.ResultVendorError, HTTPStatus: 503, CheckedAt: at("12:37")}
	only := New(fixture.NewScript(snap("12:37", failing)), store)
	only.SetConfigured(configured)
	var handed []correlate.Report
	var storedThen time.Time
	rep, err := only.OnceAssessed(context.Background(), func(r correlate.Report) {
		handed = append(handed, r)
		st, err := reader.Load(context.Background())
		if err != nil {
			t.Errorf("reading the history meanwhile: %v", err)
			return
		}
		storedThen = st.Report.GeneratedAt
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(handed) != 1 {
		t.Fatalf("the report was handed over %d times, want once", len(handed))
	}
	h := handed[0]
	if !h.GeneratedAt.Equal(rep.GeneratedAt) || h.Overall != rep.Overall || len(h.Vendors) != 1 || h.Vendors[0].ID != "openai" || len(h.Findings) != len(rep.Findings) {
		t.Errorf("handed over %s %s with %d vendors, returned %s %s with %d: want the same report, OpenAI alone",
			h.GeneratedAt.Format("15:04"), h.Overall, len(h.Vendors), rep.GeneratedAt.Format("15:04"), rep.Overall, len(rep.Vendors))
	}
	if !storedThen.Equal(at("12:36")) {
		t.Errorf("when the report was handed over the history held the check of %s, want 12:36's: the commit had not landed", storedThen.Format("15:04"))
	}
	if st, err := reader.Load(context.Background()); err != nil || !st.Report.GeneratedAt.Equal(at("12:37")) {
		t.Errorf("after OnceAssessed the history does not hold 12:37's check (%v)", err)
	}
}

// A checker that reads nothing of the last results (no admin API) is not
// seeded: --once then reads nothing from the history before its check,
// and the commit's own reading of the memory carries the streaks on as
// before. When the commit cannot run (the database locked), the check is
// assessed with the stored memory all the same: a failing key seen once
// before stays confirming, not new.
func TestOnceUnseededStillContinuesTheLastRuns(t *testing.T) {
	once := func(store *history.Store, hhmm string) (correlate.Report, *fixture.Script, error) {
		chk := fixture.NewScript(snap(hhmm, vapiAt(hhmm, false), openaiAt(hhmm)))
		chk.Unseeded = true
		rep, err := New(chk, store).Once(context.Background())
		return rep, chk, err
	}
	confirmed := func(rep correlate.Report) bool {
		return rep.Overall == correlate.LevelWarning && len(rep.Findings) > 0 && rep.Findings[0].Kind == correlate.KindVendorOutageUnreported
	}
	for _, locked := range []bool{false, true} {
		store := openStore(t, t.TempDir(), history.Options{BusyTimeout: 100 * time.Millisecond})
		if _, _, err := once(store, "12:35"); err != nil {
			t.Fatal(err)
		}
		release := func() {}
		if locked {
			release = holdWriteLock(t, store)
		}
		rep, chk, err := once(store, "12:36")
		release()
		switch {
		case locked && !errors.Is(err, history.ErrLocked):
			t.Fatalf("while locked: err = %v, want the lock", err)
		case !locked && err != nil:
			t.Fatal(err)
		}
		if len(chk.Seeded()) != 0 {
			t.Errorf("an unseeded checker was seeded: %v", chk.Seeded())
		}
		if !confirmed(rep) {
			t.Errorf("second run (locked %v): %s %v, want the unreported outage confirmed by the stored streak", locked, rep.Overall, rep.Findings)
		}
	}
}

// A vendor a --only check leaves out is carried over as the config says
// it now: renamed, no longer depending on OpenAI and its key removed, the
// stored VAPI takes its new name, drops the key's result and gets no
// upstream finding from OpenAI's outage.
func TestSubsetCheckCarriesVendorsAsTheConfigSaysThem(t *testing.T) {
	vapi := observe.VendorResult{ID: "vapi", Name: "VAPI", DependsOn: []string{"openai"}, Keys: []observe.KeyResult{
		{Name: "prod", Fingerprint: "5f2c…91ab", Result: observe.ResultOK, HTTPStatus: 200, CheckedAt: at("12:35")}}}
	vapi.Reachability = &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, CheckedAt: at("12:35")}
	vapi.Status = observe.Status{State: observe.Operational, Sources: []observe.Source{{URL: "https://status.vapi.ai/index.json", OK: true}}}
	down := openaiAt("12:37")
	down.Status.State = observe.MajorOutage
	down.Status.Incidents = []observe.Incident{{ID: "inc1", Title: "API unavailable", Status: "investigating", Impact: "critical",
		StartedAt: at("12:36"), URL: "https://status.openai.com/incidents/inc1"}}
	for _, tc := range []struct {
		name       string
		configured []observe.VendorResult
		wantName   string
		wantLinked bool
		wantKeys   int
	}{
		{"the config as it was", []observe.VendorResult{{ID: "vapi", Name: "VAPI", DependsOn: []string{"openai"}, Keys: []observe.KeyResult{{Name: "prod"}}}, {ID: "openai", Name: "OpenAI"}}, "VAPI", true, 1},
		{"only ids", ids("vapi", "openai"), "VAPI", true, 1},
		{"the config edited", []observe.VendorResult{{ID: "vapi", Name: "Vapi Voice", Keys: []observe.KeyResult{}}, {ID: "openai", Name: "OpenAI"}}, "Vapi Voice", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := openStore(t, t.TempDir(), history.Options{})
			full := New(fixture.NewScript(snap("12:35", vapi, openaiAt("12:35"))), store)
			full.SetConfigured(ids("vapi", "openai"))
			if _, err := full.Once(context.Background()); err != nil {
				t.Fatal(err)
			}
			only := New(fixture.NewScript(snap("12:37", down)), store)
			only.SetConfigured(tc.configured)
			if _, err := only.Once(context.Background()); err != nil {
				t.Fatal(err)
			}
			st, err := store.Load(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			v, ok := st.Report.Vendor("vapi")
			if !ok || v.Name != tc.wantName || len(v.Keys) != tc.wantKeys {
				t.Errorf("the stored VAPI is named %q with %d key results, want %q with %d", v.Name, len(v.Keys), tc.wantName, tc.wantKeys)
			}
			linked := slices.ContainsFunc(st.Report.FindingsFor("vapi"), func(f correlate.Finding) bool { return f.Kind == correlate.KindUpstreamImpact })
			if linked != tc.wantLinked {
				t.Errorf("an upstream finding on VAPI from OpenAI's outage: %v, want %v", linked, tc.wantLinked)
			}
		})
	}
}

// meeting is a checker whose check meets the history's opening: it says
// when it starts, and for a check that needs no seed it waits until the
// opening has started too, which it would never see if one waited for the
// other.
type meeting struct {
	*fixture.Script
	t        *testing.T
	checking chan struct{}
	opening  chan struct{}
	opened   chan struct{}
	cancel   context.CancelFunc
}

func (c *meeting) Check(ctx context.Context) observe.Snapshot {
	close(c.checking)
	if c.NeedsSeed() {
		select {
		case <-c.opened:
		default:
			c.t.Error("a check that needs the last results started before the history was open")
		}
	} else {
		select {
		case <-c.opening:
		case <-time.After(10 * time.Second):
			c.t.Error("the history was not opening while the check ran")
		}
	}
	if c.cancel != nil {
		c.cancel()
	}
	return c.Script.Check(ctx)
}

// --once opens the history while the vendors are checked, so that
// opening it (which reads the whole file) costs no time of its own; a
// check that needs the last results (an admin API's) waits for it. The
// check is recorded in the store all the same, and the store comes back
// for the caller to close even when the run is interrupted.
func TestOnceOpensTheHistoryWhileItChecks(t *testing.T) {
	for _, tc := range []struct {
		name               string
		seeded, interrupts bool
	}{{"unseeded", false, false}, {"seeded", true, false}, {"interrupted", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			chk := &meeting{Script: fixture.NewScript(snap("12:35", vapiAt("12:35", false), openaiAt("12:35"))), t: t,
				checking: make(chan struct{}), opening: make(chan struct{}), opened: make(chan struct{})}
			chk.Unseeded = !tc.seeded
			if tc.interrupts {
				chk.cancel = cancel
			}
			open := func() *history.Store {
				close(chk.opening)
				if !tc.seeded {
					select {
					case <-chk.checking:
					case <-time.After(10 * time.Second):
						t.Error("the history was opened before the check started, not while it ran")
					}
				}
				defer close(chk.opened)
				// This runs beside the check, not on the test's goroutine:
				// no t.Fatal here.
				s, err := history.Open(context.Background(), dir, history.Options{})
				if err != nil {
					t.Errorf("opening the history: %v", err)
					return nil
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			rep, store, err := New(chk, nil).OnceOpening(ctx, open, nil)
			if store == nil {
				t.Fatal("OnceOpening returned no store to close")
			}
			if tc.interrupts {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("interrupted: err = %v, want the context's", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			st, err := store.Load(context.Background())
			if err != nil || st.Report == nil || !st.Report.GeneratedAt.Equal(at("12:35")) || len(rep.Vendors) != 2 {
				t.Errorf("after OnceOpening: stored %v (%v), report of %d vendors; want 12:35's check of both recorded", st.Report, err, len(rep.Vendors))
			}
		})
	}
}
