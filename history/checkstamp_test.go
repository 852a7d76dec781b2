package history

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// reopen closes s and opens dir again, returning the new store and how
// many quick_checks its Open ran.
func reopen(t *testing.T, s *Store, dir string) (*Store, int32) {
	t.Helper()
	if s != nil {
		s.Close()
	}
	s = open(t, dir, Options{})
	return s, s.openChecks.Load()
}

// Open reads the whole database only when it is not exactly the file it
// last checked: a round in which nothing changed (the next --once after a
// quiet one) skips the check; a commit, a day, or a file touched by
// anyone bring it back.
func TestOpenChecksOnlyWhatChanged(t *testing.T) {
	dir := t.TempDir()
	s, n := reopen(t, nil, dir)
	if n != 0 {
		t.Fatalf("the first Open, which created the file, ran %d checks, want 0", n)
	}
	fillHistory(t, s, 3, 2, 20, at("10:00"))

	s, n = reopen(t, s, dir)
	if n != 1 {
		t.Errorf("Open after commits ran %d checks, want 1", n)
	}
	s, n = reopen(t, s, dir)
	if n != 0 {
		t.Errorf("Open of the database it checked, unchanged, ran %d checks, want 0", n)
	}

	// A quiet commit writes nothing (quiet.go): still nothing to check.
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	for i := range 3 {
		if _, err := s.Commit(context.Background(), Check{Snapshot: quietFleet(20, t0.Add(time.Duration(i)*time.Minute), true)}, correlate.Assess); err != nil {
			t.Fatal(err)
		}
	}
	s, n = reopen(t, s, dir)
	if n != 1 {
		t.Errorf("Open after a round that wrote ran %d checks, want 1", n)
	}

	// A stamp older than a day is not trusted.
	stampPath := filepath.Join(dir, CheckedFile)
	var st checkStamp
	st, err := s.stamp()
	if err != nil {
		t.Fatal(err)
	}
	st.At = st.At.Add(-checkedFor - time.Minute)
	s.rememberCheck(st)
	s, n = reopen(t, s, dir)
	if n != 1 {
		t.Errorf("Open with a day-old stamp ran %d checks, want 1", n)
	}

	// A stamp that is not JSON is ignored.
	if err := os.WriteFile(stampPath, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, n = reopen(t, s, dir)
	if n != 1 {
		t.Errorf("Open with a broken stamp ran %d checks, want 1", n)
	}
	s.Close()
}

// Damage written into a checked database after its check is found by the
// next Open: the file is no longer the one the stamp describes.
func TestOpenFindsDamageAfterACheck(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	fillHistory(t, s, 5, 10, 100, at("10:00"))
	leaves := pages(t, s, "events", "leaf")
	s, _ = reopen(t, s, dir) // checks the filled file and stamps it
	s, n := reopen(t, s, dir)
	if n != 0 {
		t.Fatalf("Open of the unchanged file ran %d checks, want 0", n)
	}
	s.Close()

	path := filepath.Join(dir, DatabaseFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	smash(t, path, leaves[len(leaves)/2])
	// The page is smashed in place: same size. File systems stamp times
	// by a clock tick (4 ms here); damage within the tick of the last
	// write would keep the time, which no real writer can do after a
	// check that itself takes longer, so the test moves it on by one.
	later := fi.ModTime().Add(time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), dir, Options{})
	var de *DamageError
	if !errors.As(err, &de) {
		t.Fatalf("Open after damage: %v, want a DamageError", err)
	}
	if _, err := os.Stat(filepath.Join(dir, CheckedFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stamp of a damaged file is kept: %v", err)
	}
}
