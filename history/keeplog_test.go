package history

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The last connection to close merges the log into the database and
// leaves the log and its shared memory in place, the log empty: the next
// open finds both and creates no file, and reads what was written.
func TestCloseKeepsTheLogEmpty(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	s, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	commitFleet(t, s, quietFleet(20, t0, true))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wal, shm := filepath.Join(dir, DatabaseFile+"-wal"), filepath.Join(dir, DatabaseFile+"-shm")
	before := map[string]os.FileInfo{}
	for _, f := range []string{wal, shm} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatalf("closing removed %s: %v", filepath.Base(f), err)
		}
		before[f] = fi
	}
	if before[wal].Size() != 0 {
		t.Errorf("the log holds %d bytes after the last close, want it merged and emptied", before[wal].Size())
	}

	s = open(t, dir, Options{})
	st, err := s.Load(context.Background())
	if err != nil || st.Report == nil || !st.Report.GeneratedAt.Equal(t0) {
		t.Fatalf("the next open does not read the check written before: %v", err)
	}
	commitFleet(t, s, quietFleet(20, t0.Add(time.Minute), true))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{wal, shm} {
		if fi, err := os.Stat(f); err != nil || !os.SameFile(fi, before[f]) {
			t.Errorf("%s was created again: %v", filepath.Base(f), err)
		}
	}
}
