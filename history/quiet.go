package history

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
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

// volatileKeys are the JSON members that change at every check without
// saying anything new: when the checks ran, their latencies, request ids
// and how many checks in a row gave the same answer.
var volatileKeys = map[string]bool{
	"at": true, "generated_at": true, "checked_at": true, "probe_at": true, "probe_gap": true,
	"streak": true, "consecutive": true, "latency_ms": true, "request_id": true, "request_id_from": true,
	// An open finding: when it was last observed and seen.
	"observed": true, "seen": true,
}

// stableSum is SHA-256 over a JSON document's tokens, the members named in
// volatileKeys left out: two documents with the same sum say the same but
// for when they were observed.
func stableSum(doc []byte) [32]byte {
	h := sha256.New()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	// inObject holds, for each open container, whether it is an object;
	// wantKey says the next token is a member's name.
	var inObject []bool
	wantKey := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			h.Write([]byte("invalid:"))
			h.Write(doc)
			break
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				inObject = append(inObject, d == '{')
			} else if len(inObject) > 0 {
				inObject = inObject[:len(inObject)-1]
			}
			h.Write([]byte{byte(d)})
			wantKey = len(inObject) > 0 && inObject[len(inObject)-1]
			continue
		}
		if wantKey {
			key, _ := tok.(string)
			if volatileKeys[key] {
				if err := skipValue(dec); err != nil {
					h.Write([]byte("invalid:"))
					h.Write(doc)
					break
				}
				continue // the next token is a name again
			}
			h.Write([]byte("k:" + key + "\x00"))
			wantKey = false
			continue
		}
		b, _ := json.Marshal(tok)
		h.Write(b)
		h.Write([]byte{0})
		wantKey = len(inObject) > 0 && inObject[len(inObject)-1]
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// skipValue reads one whole value from dec.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
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
// (a restarted serve) does not rewrite them either.
func (s *Store) seedQuiet(ctx context.Context, tx *sql.Tx) error {
	s.mu.Lock()
	seeded := s.quiet.writtenAt != 0
	s.mu.Unlock()
	if seeded {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, value, updated_at FROM state WHERE name IN (?, ?, ?)`, stateMemory, stateBaseline, stateReport)
	if err != nil {
		return s.wrap("reading the state", err)
	}
	defer rows.Close()
	p := &pendingState{rows: map[string][]byte{}}
	var at int64
	for rows.Next() {
		var name string
		var value []byte
		var updated int64
		if err := rows.Scan(&name, &value, &updated); err != nil {
			return s.wrap("reading the state", err)
		}
		p.rows[name] = value
		if name == stateMemory {
			at = updated
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrap("reading the state", err)
	}
	if len(p.rows) != 3 || at == 0 {
		return nil
	}
	s.mu.Lock()
	if s.quiet.writtenAt == 0 {
		s.quiet = quiet{writtenAt: at, sums: sumsOf(p)}
	}
	s.mu.Unlock()
	return nil
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

// putStates stores the state rows at now and remembers their sums.
func (s *Store) putStates(ctx context.Context, tx *sql.Tx, p *pendingState) error {
	for _, name := range []string{stateMemory, stateBaseline, stateObserved, stateReport} {
		if err := s.putState(ctx, tx, name, p.rows[name], p.at); err != nil {
			return err
		}
	}
	return nil
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
	now := time.Now()
	if at.After(now) {
		now = at
	}
	_ = os.Chtimes(s.SnapshotPath(), now, now)
}
