package history

import (
	"context"
	"errors"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// probeRunsSchema (schema 7) makes the evidence runs a rollup of the key
// probes that a window can be read from without the evidence table: each
// run keeps the time of its first observation (first_at) and, for a
// probe, its result and whether it was a key list's word alone
// (not_probed), and evidence_runs_first finds where in the table the runs
// that reach into a window start. It is on the first time, which a run's
// extension leaves as it is, so an unchanged round writes no index page
// (an index on the last time would be rewritten at every round). Probe rows from before schema 6, which opened
// no run, get a run of one, whose empty sum no observation matches.
const probeRunsSchema = `ALTER TABLE evidence_runs ADD COLUMN first_at INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE evidence_runs ADD COLUMN result TEXT NOT NULL DEFAULT '';
	ALTER TABLE evidence_runs ADD COLUMN not_probed INTEGER NOT NULL DEFAULT 0;
	UPDATE evidence_runs SET
		first_at = coalesce((SELECT e.at FROM evidence e WHERE e.id = evidence_runs.row), last_at),
		result = coalesce((SELECT json_extract(e.body, '$.result') FROM evidence e WHERE e.id = evidence_runs.row AND e.kind = 'probe'), ''),
		not_probed = coalesce((SELECT json_extract(e.body, '$.not_probed') FROM evidence e WHERE e.id = evidence_runs.row AND e.kind = 'probe'), 0);
	INSERT INTO evidence_runs (row, vendor, key, kind, sum, last_at, count, first_at, result, not_probed)
		SELECT e.id, e.vendor, e.key, e.kind, X'', e.at, 1, e.at, coalesce(json_extract(e.body, '$.result'), ''), coalesce(json_extract(e.body, '$.not_probed'), 0)
		FROM evidence e WHERE e.kind = 'probe' AND NOT EXISTS (SELECT 1 FROM evidence_runs r WHERE r.row = e.id);
	CREATE INDEX evidence_runs_first ON evidence_runs(first_at);`

// ProbeRun is a run of identical probes of one key: Count of them, evenly
// spaced from At to Last (At alone when Count is 1), each answering
// Result.
type ProbeRun struct {
	At, Last  time.Time
	Count     int
	Vendor    string
	Key       string
	Result    observe.Result
	NotProbed bool
}

// ProbeRuns returns the key probes of the query's window as runs, oldest
// first, preceded by each key's last run that ended in the day before the
// window (what the probes said as it opened): Probes without expanding
// the runs, so a month of probes every minute is a few rows a key a day.
// A run that started before the window or ends after it is whole. From
// schema 7 it reads the runs alone, through evidence_runs_window; an
// older database (a read-only report does not migrate) is read through
// the evidence. Errors are those of Probes.
func (s *Store) ProbeRuns(ctx context.Context, q Query) ([]ProbeRun, error) {
	ok, err := s.hasEvidence(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoEvidence
	}
	since, until := q.bounds()
	if !s.damaged.Load() {
		rows, err := s.probeRunRows(ctx, q)
		if err == nil {
			return runsBefore(rows, since, until), nil
		}
		if !errors.Is(err, ErrCorrupt) {
			return nil, err
		}
		s.damaged.Store(true)
	}
	rows, err := s.salvageProbeRows(ctx, q)
	return runsBefore(rows, since, until), err
}

// probeRunRows reads the rows of the runs that reach into the window or
// the day before it.
func (s *Store) probeRunRows(ctx context.Context, q Query) ([]ProbeRow, error) {
	since, until := q.bounds()
	rollup, err := s.hasColumn(ctx, "evidence_runs", "first_at")
	if err != nil {
		return nil, err
	}
	if !rollup {
		return s.probeScan(ctx, q)
	}
	// A run reaching into the window or the day before it started at
	// most runMax before that, so every such run is at or after the first
	// row that started then: from there on the table is read in order,
	// which modernc's SQLite does ten times faster than row by row
	// through an index.
	from := since - (probeLookback + runMax).Milliseconds()
	cond, vargs := q.vendorFilter("r.vendor")
	return s.probeRows(ctx, `SELECT r.first_at, r.vendor, r.key, r.result, r.not_probed, r.last_at, r.count FROM evidence_runs r
		WHERE r.row >= coalesce((SELECT min(row) FROM evidence_runs INDEXED BY evidence_runs_first WHERE first_at >= ?), 1 << 62)
		AND r.kind = 'probe' AND r.last_at >= ? AND r.first_at < ?`+cond,
		append([]any{from, since - probeLookback.Milliseconds(), until}, vargs...)...)
}

// runsBefore keeps the runs that reach into [since, until) and each key's
// last run that ended before since, in time order.
func runsBefore(rows []ProbeRow, since, until int64) []ProbeRun {
	last := map[[2]string]ProbeRow{}
	var out []ProbeRun
	run := func(p ProbeRow) ProbeRun {
		return ProbeRun{At: p.At, Last: p.last, Count: max(p.count, 1), Vendor: p.Vendor, Key: p.Key, Result: p.Result, NotProbed: p.NotProbed}
	}
	for _, p := range rows {
		if p.At.UnixMilli() >= until {
			continue
		}
		if p.last.UnixMilli() >= since {
			out = append(out, run(p))
		} else if k := [2]string{p.Vendor, p.Key}; !p.last.Before(last[k].last) {
			last[k] = p
		}
	}
	for _, p := range last {
		out = append(out, run(p))
	}
	sortRuns(out)
	return out
}

// hasColumn reports whether a table of the database has a column.
func (s *Store) hasColumn(ctx context.Context, table, column string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n)
	if err != nil {
		return false, s.wrap("reading the schema", err)
	}
	return n == 1, nil
}
