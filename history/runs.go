package history

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// runsSchema (schema 6) compacts repeated observations. A key probe or a
// status page seen again exactly as before (apart from when it was made,
// its latency, request id and streak) is not stored as a new evidence
// row: the row of its first observation opens a run, and evidence_runs
// counts the observations since, evenly spaced, up to last_at. row is
// the evidence row that opened the run; sum the stable sum of its body
// (quiet.go); spacing the mean time between its observations
// (milliseconds, 0 while it has one); last_request the vendor's request
// id of the last probe. The evidence row and its link are written once;
// a run's update rewrites a row of this small table only.
const runsSchema = `CREATE TABLE evidence_runs (
		row          INTEGER PRIMARY KEY,
		vendor       TEXT NOT NULL,
		key          TEXT NOT NULL,
		kind         TEXT NOT NULL,
		sum          BLOB NOT NULL,
		last_at      INTEGER NOT NULL,
		count        INTEGER NOT NULL,
		spacing      INTEGER NOT NULL DEFAULT 0,
		last_request TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX evidence_runs_open ON evidence_runs(vendor, key, kind, row);`

// runMax is the longest a run lasts: a later identical observation opens
// a new run. Retention deletes a run with its first row, so a run longer
// than this would take observations still within the retention with it.
const runMax = 6 * time.Hour

// runTolerance is how far, as a fraction of the run's spacing, the time
// since the run's last observation may be from that spacing: an
// observation that comes later or earlier opens a new run, so the times
// of a run's observations are known to within a quarter of its spacing,
// and no gap hides inside a run.
const runTolerance = 0.25

// Run is what a compacted evidence row stands for: Count observations
// identical to the row's (the row's own included), evenly spaced from
// the row's time to Last. A row that is not compacted has Count 1.
type Run struct {
	Count         int       `json:"count"`
	Last          time.Time `json:"last"`
	LastRequestID string    `json:"last_request_id,omitempty"`
}

// compactable says which kinds of evidence are compacted into runs.
func compactable(kind string) bool { return kind == EvidenceProbe || kind == EvidenceStatus }

// extendRun counts an observation identical to the vendor's (and key's)
// last one of its kind into that one's run, and reports whether it did;
// when it did not, the caller records the observation as a new row and
// opens a run with openRun.
func (s *Store) extendRun(ctx context.Context, tx *sql.Tx, at time.Time, vendor, key, kind string, sum [32]byte, requestID string) (bool, error) {
	var row, lastAt, count, spacing, firstAt int64
	var stored []byte
	// The run keeps its first time (schema 7): the evidence row that
	// opened it is not read.
	err := tx.QueryRowContext(ctx, `SELECT row, sum, last_at, count, spacing, first_at FROM evidence_runs
		WHERE vendor = ? AND key = ? AND kind = ? ORDER BY row DESC LIMIT 1`, vendor, key, kind).
		Scan(&row, &stored, &lastAt, &count, &spacing, &firstAt)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, s.wrap("reading the evidence runs", err)
	}
	r := runState{row: row, sum: stored, firstAt: firstAt, lastAt: lastAt, count: count, spacing: spacing}
	if !r.extend(at.UnixMilli(), sum[:]) {
		return false, nil
	}
	_, err = exec(ctx, tx, `UPDATE evidence_runs SET last_at = ?, count = ?, spacing = ?, last_request = ? WHERE row = ?`,
		r.lastAt, r.count, r.spacing, requestID, row)
	return err == nil, s.wrap("extending an evidence run", err)
}

// runState is a run as evidence_runs holds it, with the time of the row
// that opened it.
type runState struct {
	row             int64
	sum             []byte
	firstAt, lastAt int64 // Unix milliseconds
	count, spacing  int64
}

// extend counts an observation at t (Unix milliseconds) with stable sum
// sum into the run and reports whether it could: the observation must say
// what the run's says, come after it, within runMax of its start and,
// once the run has a spacing, within runTolerance of it. The generator's
// quiet stretches (generate_fill.go) extend runs with it too, so they
// end where a commit's would.
func (r *runState) extend(t int64, sum []byte) bool {
	gap := t - r.lastAt
	if !bytes.Equal(r.sum, sum) || gap <= 0 || t-r.firstAt >= runMax.Milliseconds() {
		return false
	}
	if r.count > 1 && float64(abs(gap-r.spacing)) > runTolerance*float64(r.spacing) {
		return false
	}
	r.spacing = (t - r.firstAt) / r.count // the mean gap once this observation is in
	r.count++
	r.lastAt = t
	return true
}

// openRun opens a run at the evidence row just recorded.
// A probe's run keeps its result (schema 7), so a report reads the
// probes of a window from the runs alone (probe_runs.go).
func (s *Store) openRun(ctx context.Context, tx *sql.Tx, row int64, at time.Time, vendor, key, kind string, sum [32]byte, requestID string, body any) error {
	var result observe.Result
	notProbed := false
	if k, ok := body.(observe.KeyResult); ok {
		result, notProbed = k.Result, k.NotProbed
	}
	_, err := exec(ctx, tx, `INSERT INTO evidence_runs (row, vendor, key, kind, sum, last_at, count, last_request, first_at, result, not_probed)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
		row, vendor, key, kind, sum[:], at.UnixMilli(), requestID, at.UnixMilli(), string(result), notProbed)
	return s.wrap("opening an evidence run", err)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// hasRuns reports whether the database has the evidence_runs table (a
// read-only store may open a database from before schema 6).
func (s *Store) hasRuns(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'evidence_runs'`).Scan(&n)
	if err != nil {
		return false, s.wrap("looking for evidence runs", err)
	}
	return n == 1, nil
}

// expandTimes are the times of a run's observations: count of them,
// evenly spaced from first to last.
func expandTimes(first, last time.Time, count int) []time.Time {
	if count <= 1 || !last.After(first) {
		return []time.Time{first}
	}
	out := make([]time.Time, count)
	span := last.Sub(first)
	for i := range out {
		out[i] = first.Add(time.Duration(int64(span) / int64(count-1) * int64(i)))
	}
	out[count-1] = last
	return out
}

// addObservation records an observation of a compactable kind: counted
// into the run of the last identical one, or as a new evidence row (and
// link) that opens a run.
func (s *Store) addObservation(ctx context.Context, tx *sql.Tx, at time.Time, vendor, key, kind string, body any, requestID string) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("history: encoding %s evidence: %w", kind, err)
	}
	at = at.UTC()
	sum, err := observationSum(body, b)
	if err != nil {
		return err
	}
	if ok, err := s.extendRun(ctx, tx, at, vendor, key, kind, sum, requestID); ok || err != nil {
		return err
	}
	id, err := s.insertEvidence(ctx, tx, at, vendor, key, kind, b)
	if err != nil {
		return err
	}
	return s.openRun(ctx, tx, id, at, vendor, key, kind, sum, requestID, body)
}

// observationSum is the stable sum of an observation a run compares: for
// a key probe and a status page, SHA-256 of the body encoded again with
// its volatile members (volatileKeys: when it was made, its latency,
// request id and streak) zeroed, which costs a fraction of stableSum's
// walk over the JSON; for anything else, stableSum of its encoding b.
// Two observations have the same sum exactly when stableSum says they
// say the same.
func observationSum(body any, b []byte) ([32]byte, error) {
	var v any
	switch o := body.(type) {
	case observe.KeyResult:
		o.RequestID, o.RequestIDFrom, o.LatencyMS, o.CheckedAt, o.Consecutive = "", "", 0, time.Time{}, 0
		v = o
	case StatusSeen:
		o.CheckedAt = time.Time{}
		v = o
	default:
		return stableSum(b), nil
	}
	c, err := json.Marshal(v)
	if err != nil {
		return [32]byte{}, fmt.Errorf("history: encoding evidence: %w", err)
	}
	return sha256.Sum256(c), nil
}
