package history

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

func open(t *testing.T, dir string, o Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// assess commits a snapshot the way the monitor does.
func assess(t *testing.T, s *Store, snap observe.Snapshot) []correlate.Event {
	t.Helper()
	c, err := s.Commit(context.Background(), Check{Snapshot: snap}, correlate.Assess)
	if err != nil {
		t.Fatal(err)
	}
	return c.Events
}

// The store asks for WAL mode only when the file is not in it: the mode
// is kept in the file's header, which Open reads. A database another
// program set back to the rollback journal is put in WAL mode again.
func TestOpenKeepsTheDatabaseInWALMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DatabaseFile)
	journal := func(s *Store) string {
		t.Helper()
		var mode string
		if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		return mode
	}
	header := func() bool {
		t.Helper()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return inWAL(f)
	}
	s := open(t, dir, Options{})
	if mode := journal(s); mode != "wal" || !header() {
		t.Fatalf("a new database: journal_mode %q, header says WAL: %v", mode, header())
	}
	s.Close()
	s = open(t, dir, Options{})
	if mode := journal(s); mode != "wal" {
		t.Fatalf("reopened: journal_mode %q", mode)
	}
	s.Close()

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA journal_mode=DELETE`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if header() {
		t.Fatal("the header still says WAL after journal_mode=DELETE")
	}
	s = open(t, dir, Options{})
	if mode := journal(s); mode != "wal" || !header() {
		t.Errorf("a database set back to the rollback journal: journal_mode %q after Open, header says WAL: %v", mode, header())
	}
}

func TestOpenMigratesOnce(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	var v int
	if err := s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("version = %d, %v", v, err)
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	s.Close()
	s2 := open(t, dir, Options{}) // a second open finds the schema current
	var n int
	if err := s2.db.QueryRow(`SELECT count(*) FROM schema_version`).Scan(&n); err != nil || n != 1 {
		t.Errorf("schema_version rows = %d, %v", n, err)
	}
	if st, err := s2.Load(context.Background()); err != nil || st.Report != nil || len(st.Memory.Open) != 0 {
		t.Errorf("fresh state = %+v, %v", st, err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if _, err := s.db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(context.Background(), dir, Options{})
	if !errors.Is(err, ErrNewer) || !strings.Contains(err.Error(), "schema 99") {
		t.Errorf("err = %v", err)
	}
}

// A file that is not a database is reported, never replaced.
func TestCorruptDatabaseIsReportedAndKept(t *testing.T) {
	for name, content := range map[string][]byte{
		"garbage":        []byte("this is not a database, it is a grocery list\n"),
		"truncated head": append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xff}, 4080)...),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, DatabaseFile)
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(context.Background(), dir, Options{})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			for _, want := range []string{path, "Nothing in it was deleted or changed", "mv history.db* ", ".recover"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message lacks %q: %v", want, err)
				}
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, content) {
				t.Error("the damaged file was changed")
			}
		})
	}
}

// A database held by another process's exclusive transaction makes a
// write fail with ErrLocked after the busy timeout, and loses nothing.
func TestLockedDatabaseIsReported(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{BusyTimeout: 200 * time.Millisecond})
	snap := snapshot(at("10:00"), vendorResult("openai", "OpenAI", observe.Operational))
	assess(t, s, snap)

	holder, err := sql.Open("sqlite", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	conn, err := holder.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `INSERT INTO state (name, value, updated_at) VALUES ('other', '{}', 0)`); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	_, err = s.Commit(context.Background(), Check{Snapshot: snapshot(at("10:01"), vendorResult("openai", "OpenAI", observe.MajorOutage))}, correlate.Assess)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), s.Path()) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err = %v, want ErrLocked naming the file", err)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("gave up after %s, before the busy timeout", waited)
	}
	// Reading still works while the writer holds the lock (WAL).
	if st, err := s.Load(context.Background()); err != nil || st.Report == nil || !st.Report.GeneratedAt.Equal(at("10:00")) {
		t.Errorf("load under lock = %v, %v", st.Report, err)
	}
	if _, err := conn.ExecContext(context.Background(), `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	assess(t, s, snapshot(at("10:02"), vendorResult("openai", "OpenAI", observe.MajorOutage)))
	st, _ := s.Load(context.Background())
	if !st.Report.GeneratedAt.Equal(at("10:02")) || len(st.Memory.Open) != 1 {
		t.Errorf("after the lock: %s, %d open", st.Report.GeneratedAt, len(st.Memory.Open))
	}
}

// Two stores on one state dir (the dashboard and --once) commit at the
// same time, each checking its own vendor of the two configured (--only):
// every commit sees the one before it, none is lost, and the snapshot holds
// both vendors.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	a, b := open(t, dir, Options{}), open(t, dir, Options{})
	const each = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*each+1)
	configured := []string{"w0", "w1"}
	for w, s := range []*Store{a, b} {
		wg.Go(func() {
			for i := range each {
				tm := at("10:00").Add(time.Duration(i) * time.Second)
				v := vendorResult(configured[w], configured[w], observe.Operational)
				v.Status.CheckedAt = tm
				_, err := s.Commit(context.Background(), Check{Snapshot: snapshot(tm, v), Configured: configured},
					func(snap observe.Snapshot, mem correlate.Memory) (correlate.Report, correlate.Memory) {
						rep, _ := correlate.Assess(snap, correlate.Memory{})
						next := correlate.Memory{Open: map[string]correlate.OpenFinding{}}
						maps.Copy(next.Open, mem.Open)
						id := fmt.Sprintf("test:%d:%d", w, i)
						next.Open[id] = correlate.OpenFinding{Finding: correlate.Finding{ID: id, Kind: correlate.KindVendorIncident, Severity: correlate.SeverityInfo, Title: id}}
						return rep, next
					})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() { // a reader meanwhile, like the report command
		for range 20 {
			if _, err := a.Timeline(context.Background(), Query{}); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := b.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Memory.Open) != 2*each {
		t.Errorf("memory has %d open findings, want %d: a commit was lost", len(st.Memory.Open), 2*each)
	}
	evs, _ := a.Timeline(context.Background(), Query{})
	if len(evs) != 2*each {
		t.Errorf("%d events, want %d", len(evs), 2*each)
	}
	fs, _ := a.Findings(context.Background(), Query{})
	if len(fs) != 2*each {
		t.Errorf("%d finding rows, want %d", len(fs), 2*each)
	}
	// The snapshot file is the last commit's report.
	raw, err := os.ReadFile(a.SnapshotPath())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := reportJSON(*st.Report, 0)
	if !bytes.Equal(raw, want) {
		t.Errorf("snapshot file is not the last committed report:\n%s\nwant\n%s", raw, want)
	}
	if len(st.Report.Vendors) != 2 {
		t.Errorf("the last report holds %d vendors, want both writers' (one each)", len(st.Report.Vendors))
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".snapshot*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestRetention(t *testing.T) {
	s := open(t, t.TempDir(), Options{Retention: 30 * 24 * time.Hour})
	old := at("10:00").Add(-60 * 24 * time.Hour)
	assess(t, s, snapshot(old, vendorResult("github", "GitHub", observe.MajorOutage)))
	assess(t, s, snapshot(old.Add(time.Hour), vendorResult("github", "GitHub", observe.Operational)))
	assess(t, s, snapshot(at("10:00"), vendorResult("github", "GitHub", observe.Degraded)))
	evs, _ := s.Timeline(context.Background(), Query{})
	for _, e := range evs {
		if e.At.Before(at("10:00").Add(-30 * 24 * time.Hour)) {
			t.Errorf("event older than the retention kept: %+v", e)
		}
	}
	if len(evs) == 0 {
		t.Error("recent events were pruned too")
	}
	fs, _ := s.Findings(context.Background(), Query{})
	if len(fs) != 1 || fs[0].Opened != at("10:00") {
		t.Errorf("findings = %+v", fs)
	}
}
