package history

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
)

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// onDisk is the size of the database and its WAL.
func onDisk(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	for _, f := range []string{DatabaseFile, DatabaseFile + "-wal"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func commitFleet(t *testing.T, s *Store, snap observe.Snapshot) Committed {
	t.Helper()
	c, err := s.Commit(context.Background(), Check{Snapshot: snap}, correlate.Assess)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Rounds of 200 vendors in which nothing changed add no evidence row, no
// state row and no snapshot content; the database and its WAL grow by a
// few pages a round (the runs' counters), and the snapshot's time follows
// the checks.
func TestUnchangedRoundsWriteAlmostNothing(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	round := func(i int) observe.Snapshot { return quietFleet(200, t0.Add(time.Duration(i)*time.Minute), true) }
	commitFleet(t, s, round(0))
	commitFleet(t, s, round(1)) // opens the runs' spacing
	evidence, chain := countRows(t, s, "evidence"), countRows(t, s, "chain")
	kept := keptState(t, s)
	before := onDisk(t, dir)
	const k = 10
	for i := 2; i < 2+k; i++ {
		commitFleet(t, s, round(i))
	}
	if n := countRows(t, s, "evidence"); n != evidence {
		t.Errorf("%d unchanged rounds added %d evidence rows", k, n-evidence)
	}
	if n := countRows(t, s, "chain"); n != chain {
		t.Errorf("%d unchanged rounds added %d links", k, n-chain)
	}
	var count int
	s.db.QueryRow(`SELECT min(count) FROM evidence_runs WHERE kind = 'probe'`).Scan(&count)
	if count != k+2 {
		t.Errorf("probe runs count %d probes, want %d", count, k+2)
	}
	kept(fmt.Sprintf("%d unchanged rounds", k))
	if fi, err := os.Stat(s.SnapshotPath()); err != nil || time.Since(fi.ModTime()) > time.Minute {
		t.Errorf("the snapshot's time was not set by the last check: %v", err)
	}
	// Each round updates 400 runs (a probe and a status page per vendor):
	// under 64 KB of pages, where rewriting the rows took about 1 MB.
	if grown := onDisk(t, dir) - before; grown > k*64<<10 {
		t.Errorf("the database and its WAL grew %d KB in %d unchanged rounds", grown>>10, k)
	}
	// What the rounds kept in memory is what the store answers; a new
	// process finds the state last written, which says the same.
	st, err := s.Load(context.Background())
	if err != nil || st.Report == nil || !st.Report.GeneratedAt.Equal(t0.Add((k+1)*time.Minute)) {
		t.Fatalf("Load after quiet rounds: not the latest check's report, %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, Options{})
	st, err = s.Load(context.Background())
	if err != nil || st.Report == nil || !st.Report.GeneratedAt.Equal(t0) {
		t.Fatalf("Load after Close: %v, want the report as first written, %v", st.Report != nil && st.Report.GeneratedAt.Equal(t0), err)
	}
}

// One probe answering differently in a quiet fleet is recorded at once:
// its event, its evidence row after the run it ends, the stored state and
// the snapshot; the chain verifies, and the probes read back one per
// check, in order.
func TestChangeInAQuietFleetIsRecordedAtOnce(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{})
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		commitFleet(t, s, quietFleet(20, t0.Add(time.Duration(i)*time.Minute), true))
	}
	evidence := countRows(t, s, "evidence")
	at := t0.Add(5 * time.Minute)
	snap := quietFleet(20, at, true)
	snap.Vendors[3].Keys[0].Result, snap.Vendors[3].Keys[0].HTTPStatus = observe.ResultInvalidKey, 401
	c := commitFleet(t, s, snap)
	if len(c.Events) == 0 {
		t.Fatal("no event for the key that stopped working")
	}
	if n := countRows(t, s, "evidence"); n != evidence+1 {
		t.Errorf("the changed probe added %d evidence rows, want 1", n-evidence)
	}
	if b, _ := os.ReadFile(s.SnapshotPath()); !bytes.Contains(b, []byte(`"invalid_key"`)) {
		t.Error("the snapshot does not show the change")
	}
	if !bytes.Contains(storedState(t, s, stateReport), []byte(`"invalid_key"`)) {
		t.Error("the stored report does not show the change")
	}
	if chk, err := s.VerifyChain(ctx, 0, 0); err != nil || !chk.Intact {
		t.Errorf("chain: %+v, %v", chk, err)
	}
	ps, err := s.Probes(ctx, Query{Since: t0, Until: t0.Add(time.Hour), Vendors: []string{"vendor003"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 6 {
		t.Fatalf("%d probes, want 6: %+v", len(ps), ps)
	}
	for i, p := range ps {
		want := observe.ResultOK
		if i == 5 {
			want = observe.ResultInvalidKey
		}
		if !p.At.Equal(t0.Add(time.Duration(i)*time.Minute)) || p.Result != want {
			t.Errorf("probe %d: %s %s, want %s %s", i, p.At.Format("15:04"), p.Result, t0.Add(time.Duration(i)*time.Minute).Format("15:04"), want)
		}
	}
	rows, err := s.Evidence(ctx, "vendor003", t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var runs []string
	for _, r := range rows {
		if r.Kind == EvidenceProbe && r.Run != nil {
			runs = append(runs, r.At.Format("15:04")+"-"+r.Run.Last.Format("15:04"))
		}
	}
	if len(runs) != 1 || runs[0] != "08:00-08:04" {
		t.Errorf("probe runs %v, want 08:00-08:04", runs)
	}
}

// testDigest is a line digest of the report's overall level and vendor
// count.
func testDigest(r correlate.Report) ([]byte, error) {
	return statusline.Digest{GeneratedAt: r.GeneratedAt, Overall: statusline.Level(r.Overall), Vendors: len(r.Vendors),
		Entries: []statusline.Entry{{Level: statusline.Level(r.Overall), Label: "x", Width: 1}}}.Encode()
}

// A round that would write the same line digest again only sets the
// digest file's time, after the snapshot's: the file is not replaced. A
// round that changes the line replaces it.
func TestQuietRoundKeepsTheDigestFile(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{Digest: testDigest})
	path := filepath.Join(dir, statusline.DigestFile)
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	commitFleet(t, s, quietFleet(20, t0, true))
	commitFleet(t, s, quietFleet(20, t0.Add(time.Minute), true))
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	content, _ := os.ReadFile(path)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(path, old, old)
	commitFleet(t, s, quietFleet(20, t0.Add(2*time.Minute), true))
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(path); !os.SameFile(before, after) || !bytes.Equal(now, content) {
		t.Error("a round that changed nothing replaced the line digest")
	}
	snap, _ := os.Stat(s.SnapshotPath())
	if !after.ModTime().After(old) || after.ModTime().Before(snap.ModTime()) {
		t.Errorf("the digest's time %s was not set after the snapshot's %s", after.ModTime(), snap.ModTime())
	}

	commitFleet(t, s, quietFleet(21, t0.Add(3*time.Minute), true)) // a vendor more
	if now, _ := os.ReadFile(path); statusline.SameDigest(now, content) {
		t.Error("a round that changed the line left the digest as it was")
	}
}

// A probe late by more than a quarter of its spacing opens a new run, so
// the gap shows in the probes read back (the SLA counts it).
func TestLateProbeOpensANewRun(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	times := []time.Duration{0, 1, 2, 3, 10, 11} // minutes; asleep from 08:03 to 08:10
	for _, m := range times {
		commitFleet(t, s, quietFleet(1, t0.Add(m*time.Minute), true))
	}
	ps, err := s.Probes(context.Background(), Query{Since: t0, Until: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != len(times) {
		t.Fatalf("%d probes, want %d", len(ps), len(times))
	}
	for i, p := range ps {
		if !p.At.Equal(t0.Add(times[i] * time.Minute)) {
			t.Errorf("probe %d at %s, want %s", i, p.At.Format("15:04"), t0.Add(times[i]*time.Minute).Format("15:04"))
		}
	}
}

// Another process writing between two quiet commits wins: the state the
// first Store kept in memory is dropped, not written over the other's.
func TestAnotherWriterDropsTheKeptState(t *testing.T) {
	dir := t.TempDir()
	a, b := open(t, dir, Options{}), open(t, dir, Options{})
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		commitFleet(t, a, quietFleet(5, t0.Add(time.Duration(i)*time.Minute), true))
	}
	snap := quietFleet(5, t0.Add(3*time.Minute), true)
	snap.Vendors[0].Status.State = observe.MajorOutage
	commitFleet(t, b, snap)
	commitFleet(t, a, quietFleet(5, t0.Add(4*time.Minute), true))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := b.Load(context.Background())
	if err != nil || st.Report == nil {
		t.Fatal(err)
	}
	if !st.Report.GeneratedAt.Equal(t0.Add(4 * time.Minute)) {
		t.Errorf("stored report from %s, want 08:04", st.Report.GeneratedAt.Format("15:04"))
	}
}

// stableSum leaves out check times, latencies and counters, and nothing
// else.
func TestStableSum(t *testing.T) {
	base := `{"a":{"checked_at":"2026-01-01T00:00:00Z","result":"ok","latency_ms":3,"consecutive":2,"list":[{"at":1,"x":"y"}]}}`
	same := `{"a":{"checked_at":"2026-01-02T00:00:00Z","result":"ok","latency_ms":9,"consecutive":7,"list":[{"at":2,"x":"y"}]}}`
	other := `{"a":{"checked_at":"2026-01-01T00:00:00Z","result":"invalid_key","latency_ms":3,"consecutive":2,"list":[{"at":1,"x":"y"}]}}`
	moved := `{"a":{"checked_at":"2026-01-01T00:00:00Z","result":"ok","latency_ms":3,"consecutive":2,"list":[{"at":1,"x":"z"}]}}`
	if stableSum([]byte(base)) != stableSum([]byte(same)) {
		t.Error("times and counters changed the sum")
	}
	if stableSum([]byte(base)) == stableSum([]byte(other)) || stableSum([]byte(base)) == stableSum([]byte(moved)) {
		t.Error("a change of content kept the sum")
	}
}

// A new Store (a restarted serve) whose first check changed nothing
// leaves the rows an earlier process wrote as they are.
func TestRestartedStoreStaysQuiet(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		// alter changes the stored state between the two processes.
		alter string
		quiet bool
	}{
		// The sums row written with the state tells the next process
		// that nothing changed without reading the rows.
		{"with the sums row", "", true},
		// Rows written by a build without the sums row are summed.
		{"without it", `DELETE FROM state WHERE name = 'sums'`, true},
		// A sums row from another build's way of summing is not used.
		{"another version", `UPDATE state SET value = 'v0:' || substr(value, 4) WHERE name = 'sums'`, true},
		// Rows another writer replaced since (updated_at moved) are
		// summed, not taken for the ones the sums row describes: here
		// they say something else, so the check that says the first
		// thing again is written.
		{"rows replaced since", `UPDATE state SET value = replace(value, 'Vendor 1', 'Vendor one'), updated_at = updated_at + 1 WHERE name IN ('memory', 'baseline', 'report')`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir, Options{})
			commitFleet(t, s, quietFleet(5, t0, true))
			var n int
			if err := s.db.QueryRow(`SELECT count(*) FROM state WHERE name = 'sums' AND updated_at = (SELECT updated_at FROM state WHERE name = 'memory')`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("no sums row beside the state: %d, %v", n, err)
			}
			if tt.alter != "" {
				if _, err := s.db.Exec(tt.alter); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			var was, is int64
			s = open(t, dir, Options{})
			s.db.QueryRow(`SELECT updated_at FROM state WHERE name = 'report'`).Scan(&was)
			commitFleet(t, s, quietFleet(5, t0.Add(time.Minute), true))
			s.db.QueryRow(`SELECT updated_at FROM state WHERE name = 'report'`).Scan(&is)
			if quiet := was == is; quiet != tt.quiet {
				t.Errorf("the first commit of a new Store: quiet %v, want %v", quiet, tt.quiet)
			}
		})
	}
}

// The check after a cold one finds every page as it was, now answering
// 304: that says how the page came, not anything new, so the state is not
// rewritten for it (at 5,000 vendors, a 14 MB report three times over:
// the row, its checkpoint and the snapshot file).
func TestNotModifiedPagesAreNoChange(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	cold := quietFleet(50, t0, true)
	commitFleet(t, s, cold)
	kept := keptState(t, s)
	warm := quietFleet(50, t0.Add(time.Minute), true)
	for i := range warm.Vendors {
		warm.Vendors[i].Status.Sources[0].NotModified = true
	}
	commitFleet(t, s, warm)
	kept("pages answering 304")
}

// keptState notes the stored report's time and the snapshot file, and
// returns what fails the test when a later commit rewrote either.
func keptState(t *testing.T, s *Store) func(after string) {
	t.Helper()
	var stateAt int64
	s.db.QueryRow(`SELECT updated_at FROM state WHERE name = 'report'`).Scan(&stateAt)
	snap, err := os.ReadFile(s.SnapshotPath())
	if err != nil {
		t.Fatal(err)
	}
	return func(after string) {
		t.Helper()
		var at int64
		s.db.QueryRow(`SELECT updated_at FROM state WHERE name = 'report'`).Scan(&at)
		if at != stateAt {
			t.Errorf("%s rewrote the stored report (updated_at %d, was %d)", after, at, stateAt)
		}
		if now, _ := os.ReadFile(s.SnapshotPath()); !bytes.Equal(now, snap) {
			t.Errorf("%s rewrote the snapshot file", after)
		}
	}
}
