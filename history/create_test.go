package history

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// fileSize is the size of path, 0 when it is missing.
func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// A new database's schema is written to the file itself, not to the
// write-ahead log (whose pages the checkpoint writes a second time), and
// the file is left in WAL mode for the connections that use it.
func TestNewDatabaseSchemaSkipsTheLog(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if n := fileSize(t, filepath.Join(dir, DatabaseFile+"-wal")); n != 0 {
		t.Errorf("the log holds %d bytes after creating the schema, want none", n)
	}
	var pages int
	if err := s.db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if size := fileSize(t, s.Path()); size != int64(pages)*4096 || pages < 10 {
		t.Errorf("the database file is %d bytes for %d pages of schema", size, pages)
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	if _, err := os.Stat(filepath.Join(dir, DatabaseFile+"-journal")); !os.IsNotExist(err) {
		t.Errorf("the rollback journal was left behind (%v)", err)
	}
	// The store then works as any other.
	fillHistory(t, s, 2, 1, 5, at("10:00"))
	evs, err := s.Timeline(context.Background(), Query{})
	if err != nil || len(evs) < 5 {
		t.Errorf("the timeline after commits: %d events, %v", len(evs), err)
	}
}

// An empty file beside a log that holds frames is not new: it is checked,
// and what the log holds is kept.
func TestEmptyFileWithALogIsNotNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DatabaseFile)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if !isNew(path) {
		t.Fatal("an empty file with no log is new")
	}
	if err := os.WriteFile(path+"-wal", []byte("frames"), 0o600); err != nil {
		t.Fatal(err)
	}
	if isNew(path) {
		t.Error("an empty file beside a log with frames was taken for new")
	}
}

// Processes that open one new state dir at the same time (serve and a
// --once started together) all get the same, whole schema.
func TestConcurrentOpensOfANewDatabase(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(context.Background(), dir, Options{}) })
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("open %d: %v", i, errs[i])
		}
		t.Cleanup(func() { s.Close() })
	}
	for i, s := range stores {
		v, err := s.version(context.Background(), s.db)
		if err != nil || v != SchemaVersion {
			t.Errorf("open %d: schema %d (%v), want %d", i, v, err, SchemaVersion)
		}
	}
	fillHistory(t, stores[0], 2, 1, 5, at("10:00"))
	fillHistory(t, stores[3], 2, 1, 5, at("11:00"))
}

// A database left in rollback mode (a process stopped between creating
// the schema and turning the file to WAL) is not new: Open turns it to
// WAL and keeps its schema.
func TestDatabaseLeftInRollbackModeOpens(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	fillHistory(t, s, 2, 1, 5, at("10:00"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode=DELETE`).Scan(&mode); err != nil || mode != "delete" {
		t.Fatalf("journal_mode=DELETE: %q, %v", mode, err)
	}
	db.Close()

	s = open(t, dir, Options{})
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode after Open = %q (%v), want wal", mode, err)
	}
	evs, err := s.Timeline(context.Background(), Query{})
	if err != nil || len(evs) < 5 {
		t.Errorf("the timeline: %d events, %v", len(evs), err)
	}
}

// A creator that finds the log already written by another process (which
// committed between the schema and the stamp) does not stamp the file as
// checked: it did not write, nor read, what the log holds.
func TestCreateStampsOnlyWhatItWrote(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir, Options{})
	fillHistory(t, a, 2, 1, 5, at("10:00"))
	other := open(t, dir, Options{}) // keeps the log from being merged
	assess(t, other, snapshot(at("11:00"), vendorResult("late", "Late", observe.MajorOutage)))
	if fileSize(t, filepath.Join(dir, DatabaseFile+"-wal")) == 0 {
		t.Fatal("the other process's commit left the log empty; the test needs it written")
	}
	stamp := filepath.Join(dir, CheckedFile)
	if err := os.Remove(stamp); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := a.create(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stamp); !os.IsNotExist(err) {
		t.Errorf("create stamped a file whose log another process wrote (%v)", err)
	}
}
