package history

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// StateRefresh is the longest a commit leaves the stored state (memory,
// baseline, report) and the snapshot file behind the latest check when
// nothing but check times and counters changed. Within it, a check in
// which no document, probe result or finding changed writes none of them:
// the store keeps the newer state in memory and hands it to its next
// commit and to Load. It is written at the refresh or with the next
// change; a process that ends before leaves the stored state, which says
// the same at older check times, and the snapshot file's time, which is
// when a check last confirmed it.
var StateRefresh = time.Hour

// quiet is what a Store remembers of the state rows it last wrote, so a
// commit that would write the same rows again, apart from their check
// times, can leave them as they are.
type quiet struct {
	// writtenAt is the updated_at of the rows this Store last wrote (Unix
	// milliseconds); 0 when it has written none.
	writtenAt int64
	// sums are the stable sums (stableSum) of the memory, baseline and
	// report as last written.
	sums [3][32]byte
	// pending is the newer state a commit did not write: nil when the
	// stored rows are the latest.
	pending *pendingState
}

// pendingState is a committed state not written yet, with its encodings.
// The rows are kept encoded, so every reader decodes its own copy.
type pendingState struct {
	at   time.Time
	rows map[string][]byte // state rows by name (memory, baseline, observed, report)
}

// writeSnapshot replaces the snapshot file.
func writeSnapshot(path string, repJSON []byte) error {
	if err := atomicfile.Write(path, atomicfile.Options{Sync: true}, repJSON); err != nil {
		return fmt.Errorf("history: writing the snapshot: %w", err)
	}
	return nil
}

// storedAt is the updated_at of the stored memory row, 0 when there is
// none: it tells whether the stored rows are the ones this Store wrote.
func storedAt(ctx context.Context, q querier) (int64, error) {
	var at int64
	err := q.QueryRowContext(ctx, `SELECT updated_at FROM state WHERE name = ?`, stateMemory).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return at, err
}

// seedQuiet, before a Store's first commit, takes the stored rows as the
// ones it wrote last, so a new process whose first check changed nothing
// (a restarted serve, the next --once) does not rewrite them either. Their
// sums come from the sums row written with them; rows written without it
// (by an older build, or another writer) are read and summed.
func (s *Store) seedQuiet(ctx context.Context, tx *sql.Tx) error {
	s.mu.Lock()
	seeded := s.quiet.writtenAt != 0
	s.mu.Unlock()
	if seeded {
		return nil
	}
	at, sums, ok, err := s.storedSums(ctx, tx)
	if err != nil {
		return err
	}
	if !ok {
		if at, sums, ok, err = s.sumRows(ctx, tx); err != nil || !ok {
			return err
		}
	}
	s.mu.Lock()
	if s.quiet.writtenAt == 0 {
		s.quiet = quiet{writtenAt: at, sums: sums}
	}
	s.mu.Unlock()
	return nil
}

// sumsVersion prefixes the sums row: a build that sums differently
// changes it, and the rows are then summed again.
const sumsVersion = "v2:"

// storedSums reads the sums row, when it was written with the stored
// memory row (the same updated_at).
func (s *Store) storedSums(ctx context.Context, tx *sql.Tx) (at int64, sums [3][32]byte, ok bool, err error) {
	var value sql.NullString
	var sumsAt sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT m.updated_at, s.value, s.updated_at FROM state m LEFT JOIN state s ON s.name = ? WHERE m.name = ?`,
		stateSums, stateMemory).Scan(&at, &value, &sumsAt)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, sums, false, nil
	}
	if err != nil {
		return 0, sums, false, s.wrap("reading the state", err)
	}
	if !value.Valid || !sumsAt.Valid || sumsAt.Int64 != at || at == 0 {
		return 0, sums, false, nil
	}
	hexSums, found := strings.CutPrefix(value.String, sumsVersion)
	b, derr := hex.DecodeString(hexSums)
	if !found || derr != nil || len(b) != len(sums)*32 {
		return 0, sums, false, nil
	}
	for i := range sums {
		copy(sums[i][:], b[i*32:])
	}
	return at, sums, true, nil
}

// sumRows reads the stored memory, baseline and report and sums them.
func (s *Store) sumRows(ctx context.Context, tx *sql.Tx) (at int64, sums [3][32]byte, ok bool, err error) {
	stored, ats, err := s.queryStates(ctx, tx, stateMemory, stateBaseline, stateReport)
	if err != nil {
		return 0, sums, false, err
	}
	p := &pendingState{rows: stored}
	at = ats[stateMemory]
	if len(p.rows) != 3 || at == 0 {
		return 0, sums, false, nil
	}
	return at, sumsOf(p), true, nil
}

// takePending returns the state this Store committed but did not write,
// when the stored rows are still the ones it wrote last; else it forgets
// it (another process wrote since, from what was stored) and returns nil.
func (s *Store) takePending(ctx context.Context, q querier) (*pendingState, error) {
	s.mu.Lock()
	p, written := s.quiet.pending, s.quiet.writtenAt
	s.mu.Unlock()
	if p == nil {
		return nil, nil
	}
	at, err := storedAt(ctx, q)
	if err != nil {
		return nil, s.wrap("reading the state", err)
	}
	if at != written {
		s.mu.Lock()
		s.quiet = quiet{}
		s.mu.Unlock()
		return nil, nil
	}
	return p, nil
}

// putStates stores the state rows at now, and sums, their stable sums
// (sumsOf), beside them: the next process then reads 200 bytes to know
// whether its check changed anything, not the megabytes of the rows.
func (s *Store) putStates(ctx context.Context, tx *sql.Tx, p *pendingState, sums [3][32]byte) error {
	for _, name := range []string{stateMemory, stateBaseline, stateObserved, stateReport, stateSeed} {
		if err := s.putState(ctx, tx, name, p.rows[name], p.at); err != nil {
			return err
		}
	}
	b := make([]byte, 0, len(sums)*32)
	for _, sum := range sums {
		b = append(b, sum[:]...)
	}
	return s.putState(ctx, tx, stateSums, []byte(sumsVersion+hex.EncodeToString(b)), p.at)
}

// sumsOf are the stable sums of a state's memory, baseline and report.
func sumsOf(p *pendingState) [3][32]byte {
	return [3][32]byte{stableSum(p.rows[stateMemory]), stableSum(p.rows[stateBaseline]), stableSum(p.rows[stateReport])}
}

// unchanged reports whether p says nothing the stored rows do not, apart
// from check times, and the rows are recent enough to stay; sums are p's.
func (s *Store) unchanged(p *pendingState, sums [3][32]byte, storedAt int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.quiet
	return q.writtenAt != 0 && q.writtenAt == storedAt && q.sums == sums &&
		p.at.UnixMilli() >= q.writtenAt && p.at.UnixMilli()-q.writtenAt < StateRefresh.Milliseconds()
}

// touch gives the snapshot file the time of the check that found it
// unchanged, a write of its metadata only: its age is how long ago a
// check last confirmed it.
func (s *Store) touch(at time.Time) {
	_ = touchFile(s.SnapshotPath(), at)
}

// touchFile sets path's time to at or now, whichever is later, so the
// file is never older than one written before it.
func touchFile(path string, at time.Time) error {
	now := time.Now()
	if at.After(now) {
		now = at
	}
	return os.Chtimes(path, now, now)
}

// writeDigest writes the line digest to path, after the snapshot. When
// the file already shows the same line (statusline.SameDigest), only its
// time is set, as the snapshot's is on a quiet round: the tmux refresh
// then writes nothing on a round that changed nothing, where replacing
// the file cost a new file's creation (up to a millisecond of kernel time
// on ext4).
func writeDigest(path string, line []byte, at time.Time) {
	if old, err := os.ReadFile(path); err == nil && statusline.SameDigest(old, line) && touchFile(path, at) == nil {
		return
	}
	_ = atomicfile.Write(path, atomicfile.Options{}, line)
}
