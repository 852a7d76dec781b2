package history

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// commit records a check the way the monitor does and fails the test on
// an error.
func commit(t *testing.T, s *Store, snap observe.Snapshot, configured ...string) Committed {
	t.Helper()
	c, err := s.Commit(context.Background(), Check{Snapshot: snap, Configured: configured}, correlate.Assess)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// vapiSeen is VAPI as a check made at tm saw it: its key prod with result
// r, and its status page down with incident 901977 while the key fails.
func vapiSeen(tm time.Time, r observe.Result) observe.VendorResult {
	v := vendorResult("vapi", "VAPI", observe.Operational)
	v.Status.CheckedAt = tm
	v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: "5f0c…4e5f", Result: r, HTTPStatus: 200, CheckedAt: tm}}
	if r != observe.ResultOK {
		v.Keys[0].HTTPStatus, v.Keys[0].Code = 401, "invalid_api_key"
		v.Status.State = observe.MajorOutage
		v.Status.Incidents = []observe.Incident{{ID: "901977", Title: "Vapi API and dashboard down", Status: "investigating", Impact: "critical",
			StartedAt: at("09:55"), URL: "https://status.vapi.ai/incident/901977"}}
	}
	return v
}

func githubSeen(tm time.Time, st observe.State) observe.VendorResult {
	v := vendorResult("github", "GitHub", st)
	v.Status.CheckedAt = tm
	return v
}

func keyResult(t *testing.T, rep correlate.Report, vendor string) observe.Result {
	t.Helper()
	v, ok := rep.Vendor(vendor)
	if !ok || len(v.Keys) == 0 {
		t.Fatalf("the report lacks %s's key: %+v", vendor, rep.Vendors)
	}
	return v.Keys[0].Result
}

// A process that finishes an older check after another process recorded
// a newer one (two stores on one state dir) changes nothing: the incident
// and the finding that were resolved stay resolved, the snapshot keeps the
// newer results, and nothing is recorded twice. A check that is newer for
// one vendor only is taken for that vendor alone.
func TestOlderCheckNeverReplacesNewer(t *testing.T) {
	dir := t.TempDir()
	fast, slow := open(t, dir, Options{}), open(t, dir, Options{})
	commit(t, fast, snapshot(at("10:00"), vapiSeen(at("10:00"), observe.ResultInvalidKey), githubSeen(at("10:00"), observe.Operational)))
	commit(t, fast, snapshot(at("10:05"), vapiSeen(at("10:05"), observe.ResultOK), githubSeen(at("10:05"), observe.Operational)))
	before, _ := fast.Timeline(context.Background(), Query{})

	// The slow process checked at 10:02, while VAPI was still down.
	c := commit(t, slow, snapshot(at("10:02"), vapiSeen(at("10:02"), observe.ResultInvalidKey), githubSeen(at("10:02"), observe.Operational)))
	if !c.Stale || len(c.Events) != 0 {
		t.Errorf("an older check was recorded: stale %v, events %v", c.Stale, lines(c.Events))
	}
	if got := keyResult(t, c.Report, "vapi"); got != observe.ResultOK || !c.Report.GeneratedAt.Equal(at("10:05")) {
		t.Errorf("the older check answered with %s at %s, want the stored ok of 10:05", got, c.Report.GeneratedAt.Format("15:04"))
	}
	snap := readSnapshot(t, slow)
	if got := keyResult(t, snap, "vapi"); got != observe.ResultOK || snap.Overall != correlate.LevelOK {
		t.Errorf("snapshot.json = %s, overall %s: an older check replaced a newer one", got, snap.Overall)
	}

	// Newer for GitHub (degraded at 10:06), older for VAPI (10:03): only
	// GitHub's page is taken.
	c = commit(t, slow, snapshot(at("10:06"), vapiSeen(at("10:03"), observe.ResultInvalidKey), githubSeen(at("10:06"), observe.Degraded)))
	if c.Stale || keyResult(t, c.Report, "vapi") != observe.ResultOK {
		t.Errorf("mixed check: stale %v, VAPI's key %s; want GitHub's news recorded and VAPI's ok kept", c.Stale, keyResult(t, c.Report, "vapi"))
	}
	if v, _ := c.Report.Vendor("vapi"); v.Status.State != observe.Operational {
		t.Errorf("VAPI's page went back to %s", v.Status.State)
	}
	want := append(lines(before), "10:06 github vendor_state: Status page: operational → degraded (degraded)",
		"10:06 github finding_opened: Warning opened: GitHub reports degraded")
	after, _ := slow.Timeline(context.Background(), Query{})
	if !slices.Equal(lines(after), want) {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(lines(after), "\n"), strings.Join(want, "\n"))
	}
	// VAPI's recovery, seen at 10:05, is confirmed by its next own check:
	// one finding, opened once and closed once.
	commit(t, fast, snapshot(at("10:07"), vapiSeen(at("10:07"), observe.ResultOK), githubSeen(at("10:07"), observe.Degraded)))
	fs, _ := slow.Findings(context.Background(), Query{Vendors: []string{"vapi"}})
	if len(fs) != 1 {
		t.Errorf("VAPI has %d findings, want the one", len(fs))
	}
	for _, f := range fs {
		if f.Closed.IsZero() || !f.Closed.Equal(at("10:05")) {
			t.Errorf("finding %s closed at %v, want 10:05 (when its recovery was seen)", f.Title, f.Closed)
		}
	}
}

func readSnapshot(t *testing.T, s *Store) correlate.Report {
	t.Helper()
	st, err := s.Load(context.Background())
	if err != nil || st.Report == nil {
		t.Fatalf("load: %v", err)
	}
	return *st.Report
}

// A check of some vendors (--only github) keeps the others as they were:
// their rows, levels, findings and streaks, in config order. A vendor
// gone from the config leaves the report at the next check.
func TestSubsetCheckCarriesTheOtherVendors(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	configured := []string{"vapi", "github"}
	var full Committed
	for _, tm := range []string{"10:00", "10:01"} {
		full = commit(t, s, snapshot(at(tm), vapiSeen(at(tm), observe.ResultInvalidKey), githubSeen(at(tm), observe.Operational)), configured...)
	}
	was, _ := full.Report.Vendor("vapi")
	if was.Level == correlate.LevelOK || full.Report.Overall == correlate.LevelOK {
		t.Fatalf("VAPI's outage left VAPI %s, overall %s", was.Level, full.Report.Overall)
	}
	c := commit(t, s, snapshot(at("10:02"), githubSeen(at("10:02"), observe.Operational)), configured...)
	if c.Stale {
		t.Fatal("the subset check was not recorded")
	}
	rep := readSnapshot(t, s)
	if ids := vendorIDs(rep); !slices.Equal(ids, configured) {
		t.Fatalf("vendors = %v, want %v", ids, configured)
	}
	v, _ := rep.Vendor("vapi")
	if v.Level != was.Level || rep.Overall != full.Report.Overall || v.Keys[0].Consecutive != 2 {
		t.Errorf("VAPI after --only github: level %s, overall %s, key ×%d; want %s, %s, ×2", v.Level, rep.Overall, v.Keys[0].Consecutive, was.Level, full.Report.Overall)
	}
	if got, want := len(rep.FindingsFor("vapi")), len(full.Report.FindingsFor("vapi")); got != want {
		t.Errorf("VAPI has %d findings after --only github, %d before", got, want)
	}
	if km := c.Memory.Vendors["vapi"].Keys["prod"]; km.Streak != 2 {
		t.Errorf("VAPI's streak in memory = %d, want 2", km.Streak)
	}
	if len(c.Events) != 0 {
		t.Errorf("carrying VAPI over recorded %v", lines(c.Events))
	}
	// The next full check continues VAPI's streak.
	c = commit(t, s, snapshot(at("10:03"), vapiSeen(at("10:03"), observe.ResultInvalidKey), githubSeen(at("10:03"), observe.Operational)), configured...)
	if v, _ := c.Report.Vendor("vapi"); v.Keys[0].Consecutive != 3 {
		t.Errorf("VAPI's key after the subset check is ×%d, want ×3", v.Keys[0].Consecutive)
	}
	// VAPI leaves the config.
	commit(t, s, snapshot(at("10:04"), githubSeen(at("10:04"), observe.Operational)), "github")
	if ids := vendorIDs(readSnapshot(t, s)); !slices.Equal(ids, []string{"github"}) {
		t.Errorf("vendors after VAPI left the config = %v", ids)
	}
}

func vendorIDs(rep correlate.Report) []string {
	var ids []string
	for _, v := range rep.Vendors {
		ids = append(ids, v.ID)
	}
	return ids
}

// A vendor not checked yet (a dashboard that just started: no times)
// never replaces what the store holds of it.
func TestUncheckedVendorKeepsTheStoredResult(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	commit(t, s, snapshot(at("10:00"), vapiSeen(at("10:00"), observe.ResultInvalidKey), githubSeen(at("10:00"), observe.Operational)))
	pending := observe.VendorResult{ID: "vapi", Name: "VAPI", Status: observe.Status{State: observe.Unknown}, Keys: []observe.KeyResult{{Name: "prod"}}}
	c := commit(t, s, snapshot(at("10:01"), pending, githubSeen(at("10:01"), observe.Operational)))
	if got := keyResult(t, c.Report, "vapi"); got != observe.ResultInvalidKey {
		t.Errorf("VAPI's key = %q after a check that has not reached it, want the stored invalid_key", got)
	}
	if v, _ := c.Report.Vendor("vapi"); v.Status.State != observe.MajorOutage {
		t.Errorf("VAPI's page = %s, want the stored major_outage", v.Status.State)
	}
}

// A database whose report was written without the observation times (by
// an earlier vendorwatch) is ordered by the report itself.
func TestOrderWithoutTheObservedRow(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	commit(t, s, snapshot(at("10:05"), vapiSeen(at("10:05"), observe.ResultOK)))
	if _, err := s.db.Exec(`DELETE FROM state WHERE name = ?`, stateObserved); err != nil {
		t.Fatal(err)
	}
	if c := commit(t, s, snapshot(at("10:02"), vapiSeen(at("10:02"), observe.ResultInvalidKey))); !c.Stale {
		t.Error("an older check was recorded over a report without its observed row")
	}
	if got := keyResult(t, readSnapshot(t, s), "vapi"); got != observe.ResultOK {
		t.Errorf("VAPI's key = %s, want the stored ok", got)
	}
}

// The soak: three processes share a state dir while VAPI's key, keyless
// request and status page and GitHub's page change every few checks. A
// full-check writer and an --only vapi writer race; a slow writer commits
// each check only after the others are two checks ahead. Every transition
// reaches the timeline exactly once, in the order of the world, and the
// snapshot ends with the last check.
func TestInterleavedWritersRecordEachTransitionOnce(t *testing.T) {
	const steps = 60
	world := func(i int, seen time.Time) (observe.VendorResult, observe.VendorResult) {
		r := observe.ResultOK
		if (i/3)%2 == 1 {
			r = observe.ResultInvalidKey
		}
		v := vapiSeen(seen, r)
		v.Reachability = &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, CheckedAt: seen}
		if (i/4)%2 == 1 {
			v.Reachability.Result, v.Reachability.HTTPStatus = observe.ResultVendorError, 502
		}
		if (i/5)%2 == 1 {
			v.Status.State = observe.MajorOutage
			v.Status.Incidents = []observe.Incident{{ID: fmt.Sprintf("inc-%d", i/10), Title: fmt.Sprintf("Outage %d", i/10), Status: "investigating",
				StartedAt: at("10:00").Add(time.Duration(i/5*5) * 10 * time.Second)}}
		} else {
			v.Status.State, v.Status.Incidents = observe.Operational, nil
		}
		st := observe.Operational
		if (i/7)%2 == 1 {
			st = observe.Degraded
		}
		return v, githubSeen(seen, st)
	}
	stepAt := func(i int) time.Time { return at("10:00").Add(time.Duration(i) * 10 * time.Second) }
	configured := []string{"vapi", "github"}

	// The reference: one writer, every check in order.
	ref := open(t, t.TempDir(), Options{})
	for i := range steps {
		vapi, github := world(i, stepAt(i))
		commit(t, ref, snapshot(stepAt(i), vapi, github), configured...)
	}

	dir := t.TempDir()
	type writer struct {
		s      *Store
		offset time.Duration // when in each step the writer observes
		only   bool          // --only vapi
		lag    bool          // commits two checks behind the full writer
		stale  int
	}
	writers := []*writer{
		{s: open(t, dir, Options{}), offset: 0},
		{s: open(t, dir, Options{}), offset: 2 * time.Second, only: true},
		{s: open(t, dir, Options{}), offset: time.Second, lag: true},
	}
	// The full writer closes progress[i] when it committed step i: the
	// --only writer runs at most a step ahead of it (they share a clock),
	// the slow one two steps behind.
	progress := make([]chan struct{}, steps)
	for i := range progress {
		progress[i] = make(chan struct{})
	}
	errs := make(chan error, 3*steps)
	done := make(chan struct{})
	for n, w := range writers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range steps {
				seen := stepAt(i).Add(w.offset)
				vapi, github := world(i, seen)
				snap := snapshot(seen, vapi, github)
				if w.only {
					snap = snapshot(seen, vapi)
				}
				if w.lag && i+2 < steps {
					<-progress[i+2]
				}
				if w.only && i > 0 {
					<-progress[i-1]
				}
				c, err := w.s.Commit(context.Background(), Check{Snapshot: snap, Configured: configured}, correlate.Assess)
				if err != nil {
					errs <- fmt.Errorf("writer %d, step %d: %w", n, i, err)
				}
				if c.Stale {
					w.stale++
				}
				if n == 0 {
					close(progress[i])
				}
				if i%7 == n {
					time.Sleep(time.Millisecond) // let the others overtake
				}
			}
		}()
	}
	for range writers {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if writers[2].stale == 0 {
		t.Error("the slow writer never finished an older check: the test did not race")
	}

	want, _ := ref.Timeline(context.Background(), Query{})
	got, _ := writers[0].s.Timeline(context.Background(), Query{})
	// What the timeline says of each thing observed (a key, a page, an
	// incident), in the order recorded; the writers observe at other
	// moments than the reference, so only the times differ.
	observations := func(evs []correlate.Event) map[string][]string {
		evs = slices.Clone(evs)
		slices.SortFunc(evs, func(a, b correlate.Event) int { return int(a.ID - b.ID) })
		out := map[string][]string{}
		last := map[string]time.Time{}
		for _, e := range evs {
			if strings.HasPrefix(string(e.Kind), "finding_") {
				continue
			}
			thing := e.Vendor + " " + strings.TrimPrefix(strings.TrimPrefix(string(e.Kind), "incident_"), "vendor_")
			if e.Kind == correlate.EventIncidentOpened || e.Kind == correlate.EventIncidentResolved {
				thing += " " + e.Subject
			}
			if e.At.Before(last[thing]) {
				t.Errorf("%s: %s recorded at %s, after one at %s", thing, e.Text, e.At.Format("15:04:05"), last[thing].Format("15:04:05"))
			}
			last[thing] = e.At
			out[thing] = append(out[thing], e.Text)
		}
		return out
	}
	gotObs, wantObs := observations(got), observations(want)
	for _, thing := range slices.Sorted(maps.Keys(wantObs)) {
		if !slices.Equal(gotObs[thing], wantObs[thing]) {
			t.Errorf("%s: the racing writers recorded\n\t%s\none writer in order records\n\t%s", thing,
				strings.Join(gotObs[thing], "\n\t"), strings.Join(wantObs[thing], "\n\t"))
		}
	}
	if len(gotObs) != len(wantObs) {
		t.Errorf("the racing writers recorded %d things, one writer %d", len(gotObs), len(wantObs))
	}
	// Each finding opens, changes and closes in turn: never opened twice
	// without a close, never closed twice.
	open := map[string]bool{}
	for _, e := range got {
		switch e.Kind {
		case correlate.EventFindingOpened:
			if open[e.Subject] {
				t.Errorf("%s opened again while open: %s", e.Subject, e.Text)
			}
			open[e.Subject] = true
		case correlate.EventFindingClosed:
			if !open[e.Subject] {
				t.Errorf("%s closed again while closed: %s", e.Subject, e.Text)
			}
			open[e.Subject] = false
		}
	}
	last := readSnapshot(t, writers[1].s)
	wantVAPI, _ := world(steps-1, stepAt(steps-1))
	if got := keyResult(t, last, "vapi"); got != wantVAPI.Keys[0].Result {
		t.Errorf("the snapshot ends with VAPI's key %s, want the last check's %s", got, wantVAPI.Keys[0].Result)
	}
	if len(last.Vendors) != 2 {
		t.Errorf("the snapshot ends with %d vendors, want 2", len(last.Vendors))
	}
}

// A store written before the clock was set back (by more than the slack a
// lock wait explains) does not silence every check until the clock
// catches up.
func TestClockSetBack(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	commit(t, s, snapshot(at("12:00"), vapiSeen(at("12:00"), observe.ResultInvalidKey)))
	c := commit(t, s, snapshot(at("10:02"), vapiSeen(at("10:02"), observe.ResultOK)))
	if c.Stale || keyResult(t, c.Report, "vapi") != observe.ResultOK || !c.Report.GeneratedAt.Equal(at("10:02")) {
		t.Errorf("after the clock went back 2h: stale %v, key %s, at %s", c.Stale, keyResult(t, c.Report, "vapi"), c.Report.GeneratedAt.Format("15:04"))
	}
}

// The report is handed on (Check.Assessed) as soon as it is assessed,
// before the commit records the check's findings, events and evidence:
// --once prints it meanwhile, and a first check of thousands of vendors
// records thousands of rows. Here the events cannot be recorded (a
// trigger refuses them): the report was handed on all the same, muted by
// its silences, and the commit fails with nothing of it kept.
func TestAssessedBeforeTheEventsAreRecorded(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{})
	commit(t, s, snapshot(at("09:50"), vapiSeen(at("09:50"), observe.ResultOK)))
	if _, err := s.db.ExecContext(ctx, `CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'no events today'); END`); err != nil {
		t.Fatal(err)
	}
	var handed []correlate.Report
	_, err := s.Commit(ctx, Check{Snapshot: snapshot(at("10:01"), vapiSeen(at("10:01"), observe.ResultInvalidKey)), Assessed: func(r correlate.Report) {
		handed = append(handed, r)
	}}, correlate.Assess)
	if err == nil || !strings.Contains(err.Error(), "no events today") {
		t.Fatalf("commit error = %v, want the trigger's refusal", err)
	}
	if len(handed) != 1 {
		t.Fatalf("the report was handed on %d times before the events were recorded, want once", len(handed))
	}
	if got := keyResult(t, handed[0], "vapi"); got != observe.ResultInvalidKey || handed[0].Overall == correlate.LevelOK {
		t.Errorf("handed on: key %s, level %s; want the 10:01 check's invalid key, assessed", got, handed[0].Overall)
	}
	st, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Report.GeneratedAt.Equal(at("09:50")) {
		t.Errorf("the history holds the check of %s, want 09:50's: the failed commit kept nothing", st.Report.GeneratedAt.Format("15:04"))
	}
}
