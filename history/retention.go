package history

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// pruneBatch is the most rows of each kind one commit deletes past the
// retention. A history whose retention was shortened, or that was not
// written for a long time, is trimmed a batch per commit, so no commit
// holds the write lock for one huge DELETE; a trimmed history is pruned
// hourly.
var pruneBatch = 2000

// prune deletes a bounded batch of the events, evidence (with its runs
// and links), closed findings and closed rotation checklists older than
// the retention: at most once an hour per Store, or at every commit while
// the last batch was full.
//
// Chained rows go from the chain's start only, with their links, up to
// the first link still within the retention, so the chain keeps no hole:
// its first remaining link is its start (VerifyChain). A run goes with
// the evidence row that opened it (runMax bounds what that takes from
// within the retention). Events from before the chain go by their time.
func (s *Store) prune(ctx context.Context, tx *sql.Tx, now time.Time) error {
	if err := s.learnLastPrune(ctx, tx); err != nil {
		return err
	}
	s.mu.Lock()
	due := s.pruneBacklog || s.lastPrune.IsZero() || now.Sub(s.lastPrune) >= time.Hour || now.Before(s.lastPrune)
	if due {
		s.lastPrune = now
		s.prunes++
	}
	s.mu.Unlock()
	if !due {
		return nil
	}
	cut := now.Add(-s.opts.Retention).UnixMilli()
	full := false
	// The stale links, oldest first: before the first link at or after
	// the cut (chain_at finds it, the primary key the ones before).
	rows, err := tx.QueryContext(ctx, `SELECT seq, tbl, row FROM chain
		WHERE seq < (SELECT coalesce(min(seq), 1 << 62) FROM chain WHERE at >= ?) ORDER BY seq LIMIT ?`, cut, pruneBatch)
	if err != nil {
		return s.wrap("pruning old evidence", err)
	}
	var lastSeq int64
	byTable := map[string][]any{}
	n := 0
	for rows.Next() {
		var tbl string
		var row int64
		if err := rows.Scan(&lastSeq, &tbl, &row); err != nil {
			rows.Close()
			return s.wrap("pruning old evidence", err)
		}
		byTable[tbl] = append(byTable[tbl], row)
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.wrap("pruning old evidence", err)
	}
	full = n == pruneBatch
	for _, d := range []struct{ table, what string }{{tableEvents, "events"}, {tableEvidence, "evidence"}} {
		ids := byTable[d.table]
		if len(ids) == 0 {
			continue
		}
		if _, err := exec(ctx, tx, `DELETE FROM `+d.table+` WHERE id IN (`+marks(len(ids))+`)`, ids...); err != nil {
			return s.wrap("pruning old "+d.what, err)
		}
		if d.table == tableEvidence {
			if _, err := exec(ctx, tx, `DELETE FROM evidence_runs WHERE row IN (`+marks(len(ids))+`)`, ids...); err != nil {
				return s.wrap("pruning old evidence", err)
			}
		}
	}
	if n > 0 {
		if _, err := exec(ctx, tx, `DELETE FROM chain WHERE seq <= ?`, lastSeq); err != nil {
			return s.wrap("pruning old evidence", err)
		}
	}
	// Events from before the chain, through events_at.
	for _, d := range []struct{ what, query string }{
		{"events", `DELETE FROM events WHERE id IN (SELECT e.id FROM events e WHERE e.at < ?
			AND NOT EXISTS (SELECT 1 FROM chain c WHERE c.tbl = 'events' AND c.row = e.id) LIMIT ?)`},
		{"findings", `DELETE FROM findings WHERE seq IN (SELECT seq FROM findings WHERE closed_at IS NOT NULL AND closed_at < ? LIMIT ?)`},
		{"rotations", `DELETE FROM rotations WHERE rowid IN (SELECT rowid FROM rotations WHERE closed_at IS NOT NULL AND closed_at < ? LIMIT ?)`},
	} {
		res, err := exec(ctx, tx, d.query, cut, pruneBatch)
		if err != nil {
			return s.wrap("pruning old "+d.what, err)
		}
		if k, _ := res.RowsAffected(); k == int64(pruneBatch) {
			full = true
		}
	}
	s.mu.Lock()
	s.pruneBacklog = full
	s.mu.Unlock()
	return s.putState(ctx, tx, statePruned, []byte(s.pruneNote(full)), now)
}

// statePruned is the state row that says when the history was last
// pruned (its time) and how (pruneNote): a new process, such as every
// --once and tmux refresh, prunes once an hour as a long-running one
// does, not at every start (four statements, half a millisecond), and a
// row written once an hour is all it costs.
const statePruned = "pruned"

// pruneNote is the pruned row's value: the retention the prune applied,
// and whether it left a backlog. A process with another retention prunes
// at once.
func (s *Store) pruneNote(backlog bool) string {
	note := "retention " + s.opts.Retention.String()
	if backlog {
		note += ", backlog"
	}
	return note
}

// learnLastPrune reads, once per Store, when and how the history was last
// pruned, by any process.
func (s *Store) learnLastPrune(ctx context.Context, tx *sql.Tx) error {
	s.mu.Lock()
	known := s.pruneKnown
	s.mu.Unlock()
	if known {
		return nil
	}
	var note string
	var at int64
	err := tx.QueryRowContext(ctx, `SELECT value, updated_at FROM state WHERE name = ?`, statePruned).Scan(&note, &at)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s.wrap("reading when the history was last pruned", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pruneKnown {
		return nil
	}
	s.pruneKnown = true
	switch {
	case err != nil, s.pruneBacklog, !s.lastPrune.IsZero():
	case note == s.pruneNote(true):
		s.pruneBacklog = true
	case note == s.pruneNote(false):
		s.lastPrune = time.UnixMilli(at).UTC()
	}
	return nil
}

// marks is n SQL parameter marks, comma-separated.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
