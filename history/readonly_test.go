package history

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// filled is a closed state dir with 10 days of history, and its events.
func filled(t *testing.T) (string, int) {
	t.Helper()
	dir := t.TempDir()
	s := open(t, dir, Options{})
	fillHistory(t, s, 5, 10, 50, at("10:00"))
	evs, err := s.Timeline(context.Background(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return dir, len(evs)
}

func openReader(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// readAll reads the whole history and checks it is all there.
func readAll(t *testing.T, s *Store, events int) {
	t.Helper()
	evs, err := s.Timeline(context.Background(), Query{})
	if err != nil || len(evs) != events {
		t.Errorf("timeline: %d events, %v; want %d", len(evs), err, events)
	}
	if fs, err := s.Findings(context.Background(), Query{}); err != nil || len(fs) == 0 {
		t.Errorf("findings: %d, %v", len(fs), err)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Errorf("check: %v", err)
	}
}

// A read-only store reads everything and writes nothing: not the
// database, not its WAL.
func TestOpenReadOnlyNeverWrites(t *testing.T) {
	dir, n := filled(t)
	path := filepath.Join(dir, DatabaseFile)
	before := fileBytes(t, path)
	s := openReader(t, dir)
	readAll(t, s, n)
	if !s.ReadOnly() || s.Caveat() != "" {
		t.Errorf("read-only %v, caveat %q", s.ReadOnly(), s.Caveat())
	}
	if _, err := s.Commit(context.Background(), Check{Snapshot: snapshot(at("11:00"), vendorResult("openai", "OpenAI", observe.MajorOutage))}, correlate.Assess); err == nil {
		t.Error("a read-only store committed")
	}
	s.Close()
	if !bytes.Equal(fileBytes(t, path), before) {
		t.Error("the database changed")
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("the WAL was written: %d bytes", fi.Size())
	}
}

// A read-only store never migrates: an older schema stays as it is.
func TestOpenReadOnlyDoesNotMigrate(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], `CREATE TABLE schema_version (version INTEGER NOT NULL)`, `INSERT INTO schema_version VALUES (1)`,
		`INSERT INTO events (at, vendor, vendor_name, kind, subject, severity, text, detail, url) VALUES (1, 'vapi', 'VAPI', 'vendor_state', '', 'warning', 'Status page: operational → degraded', '', '')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s := openReader(t, dir)
	if evs, err := s.Timeline(context.Background(), Query{}); err != nil || len(evs) != 1 {
		t.Errorf("timeline of schema 1: %d events, %v", len(evs), err)
	}
	if v, err := s.version(context.Background(), s.db); v != 1 || err != nil {
		t.Errorf("schema %d, %v: migrated", v, err)
	}
}

func TestOpenReadOnlyErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := OpenReadOnly(context.Background(), empty); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no database: %v", err)
	}
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if _, err := s.db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenReadOnly(context.Background(), dir); !errors.Is(err, ErrNewer) {
		t.Errorf("newer schema: %v", err)
	}
}

// Another user (not root) with read access to the state dir, but not
// write access, reads the history: through the shared-memory file the
// writer left, opened read-only, or, where SQLite cannot, as an immutable
// file. Either way it reads every event and writes nothing. Changes a
// crashed writer left in the WAL, with no shared-memory file beside it,
// are then not read, and Caveat says so.
func TestOpenReadOnlyWithoutWriteAccess(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write anywhere; TestOpenReadOnlyWhereTheWALCannotBeOpened covers the fallback")
	}
	dir, n := filled(t)
	before := fileNames(t, dir)
	readOnly(t, dir)
	s := openReader(t, dir)
	readAll(t, s, n)
	if s.Caveat() != "" {
		t.Errorf("caveat %q", s.Caveat())
	}
	if after := fileNames(t, dir); !slices.Equal(after, before) {
		t.Errorf("the state dir holds %v, had %v", after, before)
	}

	// A crashed writer: its last commit is in the WAL only.
	live := t.TempDir()
	w := open(t, live, Options{})
	fillHistory(t, w, 5, 10, 50, at("10:00"))
	assess(t, w, snapshot(at("11:00"), vendorResult("vendor000", "Vendor vendor000", observe.MajorOutage)))
	crashed := t.TempDir()
	for _, name := range []string{DatabaseFile, DatabaseFile + "-wal"} {
		if err := os.WriteFile(filepath.Join(crashed, name), fileBytes(t, filepath.Join(live, name)), 0o400); err != nil {
			t.Fatal(err)
		}
	}
	readOnly(t, crashed)
	c := openReader(t, crashed)
	if !strings.Contains(c.Caveat(), DatabaseFile+"-wal holds changes") {
		t.Errorf("caveat = %q", c.Caveat())
	}
	evs, err := c.Timeline(context.Background(), Query{})
	if err != nil || len(evs) != n {
		t.Errorf("%d events, %v; want the %d before the crash", len(evs), err, n)
	}
}

// fileNames lists dir.
func fileNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// readOnly makes dir and its files read-only for the test.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if err := os.Chmod(filepath.Join(dir, e.Name()), 0o400); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
}

// Where SQLite cannot open the WAL, the database is read as an immutable
// file. A directory in the way of the WAL stands in for a state dir the
// reader may not write, even for root.
func TestOpenReadOnlyWhereTheWALCannotBeOpened(t *testing.T) {
	dir, n := filled(t)
	wal := filepath.Join(dir, DatabaseFile+"-wal")
	if fi, err := os.Stat(wal); err != nil || fi.Size() != 0 {
		t.Fatalf("the writer did not leave its log in place, empty: %v", err)
	}
	if err := os.Remove(wal); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(wal, 0o700); err != nil {
		t.Fatal(err)
	}
	s := openReader(t, dir)
	readAll(t, s, n)
	if !s.immutable || s.Caveat() != "" {
		t.Errorf("immutable %v, caveat %q", s.immutable, s.Caveat())
	}
}
