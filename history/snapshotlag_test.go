package history

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// commitPartial commits snap as a round's commit, partial or its last.
func commitPartial(t *testing.T, s *Store, snap observe.Snapshot, partial bool) Committed {
	t.Helper()
	c, err := s.Commit(context.Background(), Check{Snapshot: snap, Partial: partial}, correlate.Assess)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// snapshotHolds reads the snapshot file: whether it exists, and whether it
// holds want.
func snapshotHolds(t *testing.T, s *Store, want string) (exists, holds bool) {
	t.Helper()
	b, err := os.ReadFile(s.SnapshotPath())
	if os.IsNotExist(err) {
		return false, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true, bytes.Contains(b, []byte(want))
}

// A round recorded in two commits, the first while checks still run,
// writes the snapshot file once, at its last commit, even when that
// commit changes nothing more. The first commit stores the state, records
// its events and writes the line digest, which the tmux line then reads.
func TestPartialCommitLeavesTheSnapshotToTheRoundsLast(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{Digest: func(r correlate.Report) ([]byte, error) { return []byte(r.Overall), nil }})
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	snap := quietFleet(20, t0, true)
	snap.Vendors[3].Keys[0].Result, snap.Vendors[3].Keys[0].HTTPStatus = observe.ResultInvalidKey, 401
	c := commitPartial(t, s, snap, true)
	if len(c.Events) == 0 {
		t.Error("the partial commit recorded no event")
	}
	if exists, _ := snapshotHolds(t, s, `"invalid_key"`); exists {
		t.Fatal("the partial commit wrote the snapshot file")
	}
	if !bytes.Contains(storedState(t, s, stateReport), []byte(`"invalid_key"`)) {
		t.Error("the partial commit did not store the report")
	}
	if _, err := os.Stat(filepath.Join(dir, statusline.DigestFile)); err != nil {
		t.Errorf("the partial commit wrote no digest: %v", err)
	}

	// The round's last commit: the same observations a second later.
	snap.GeneratedAt = t0.Add(time.Second)
	commitPartial(t, s, snap, false)
	if _, holds := snapshotHolds(t, s, `"invalid_key"`); !holds {
		t.Fatal("the round's last commit, quiet, did not write the snapshot the partial one left")
	}
	// Nothing is left behind: the next quiet commits only set its time.
	before, _ := os.Stat(s.SnapshotPath())
	snap.GeneratedAt = t0.Add(time.Minute)
	commitPartial(t, s, snap, true)
	commitPartial(t, s, snap, false)
	after, _ := os.Stat(s.SnapshotPath())
	if !os.SameFile(before, after) {
		t.Error("a quiet round replaced the snapshot file")
	}
}

// Partial commits leave the file behind for maxSnapshotLag at most: when
// checks always overlap, no commit is a round's last.
func TestPartialCommitsCatchUpAfterTheLag(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	snap := quietFleet(10, t0, true)
	commitPartial(t, s, snap, true)
	for i, step := range []time.Duration{10 * time.Second, 20 * time.Second} {
		snap = quietFleet(10, t0.Add(step), true)
		snap.Vendors[i].Keys[0].Result, snap.Vendors[i].Keys[0].HTTPStatus = observe.ResultInvalidKey, 401
		commitPartial(t, s, snap, true)
	}
	if exists, _ := snapshotHolds(t, s, ""); exists {
		t.Fatal("partial commits within the lag wrote the snapshot")
	}
	snap.GeneratedAt = t0.Add(maxSnapshotLag)
	commitPartial(t, s, snap, true)
	if _, holds := snapshotHolds(t, s, `"invalid_key"`); !holds {
		t.Fatalf("after %v of partial commits, the snapshot file is still not written", maxSnapshotLag)
	}
}

// A process that ends between a round's partial commit and its last
// writes the snapshot the partial commit left, unless another process
// has committed since, whose snapshot is the newer.
func TestCloseWritesTheSnapshotLeftBehind(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	t.Run("alone", func(t *testing.T) {
		s := open(t, t.TempDir(), Options{})
		commitPartial(t, s, quietFleet(10, t0, true), true)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, holds := snapshotHolds(t, s, `"vendor009"`); !holds {
			t.Error("Close did not write the snapshot left behind")
		}
	})
	t.Run("another process committed since", func(t *testing.T) {
		dir := t.TempDir()
		s, other := open(t, dir, Options{}), open(t, dir, Options{})
		commitPartial(t, s, quietFleet(10, t0, true), true)
		snap := quietFleet(10, t0.Add(time.Second), true)
		snap.Vendors[2].Keys[0].Result, snap.Vendors[2].Keys[0].HTTPStatus = observe.ResultInvalidKey, 401
		commitPartial(t, other, snap, false)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, holds := snapshotHolds(t, s, `"invalid_key"`); !holds {
			t.Error("Close replaced the newer snapshot of another process")
		}
	})
}
