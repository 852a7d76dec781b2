package history

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// ProbeRow is one key probe the evidence keeps: when, whose and what it
// answered. NotProbed marks a canary watched only through a key list.
type ProbeRow struct {
	At        time.Time
	Vendor    string
	Key       string
	Result    observe.Result
	NotProbed bool

	// last and count are the row's run (runs.go) as read, before expand
	// turns it into its probes.
	last  time.Time
	count int
}

// probeCols are the columns of a ProbeRow in the evidence table (e),
// with its run (r) when runsJoin is part of the query.
const probeCols = `e.at, e.vendor, e.key, coalesce(json_extract(e.body, '$.result'), ''), coalesce(json_extract(e.body, '$.not_probed'), 0), coalesce(r.last_at, e.at), coalesce(r.count, 1)`

// runsJoin joins each evidence row e to its run r; noRuns stands in for it
// in a database from before schema 6.
const (
	runsJoin = ` LEFT JOIN evidence_runs r ON r.row = e.id`
	noRuns   = ` LEFT JOIN (SELECT NULL AS row, NULL AS last_at, NULL AS count) r ON 0`
)

// runsFrom is the join of the evidence to their runs this database has.
func (s *Store) runsFrom(ctx context.Context) (string, error) {
	ok, err := s.hasRuns(ctx)
	if err != nil || !ok {
		return noRuns, err
	}
	return runsJoin, nil
}

// expandProbes replaces each row that stands for a run of identical probes
// by the run's probes, evenly spaced from its first to its last, and
// keeps those before until.
func expandProbes(rows []ProbeRow, until int64) []ProbeRow {
	var out []ProbeRow
	for _, p := range rows {
		for _, at := range expandTimes(p.At, p.last, p.count) {
			if at.UnixMilli() >= until {
				break
			}
			q := p
			q.At, q.last, q.count = at, time.Time{}, 0
			out = append(out, q)
		}
	}
	return out
}

// Probes returns the key probes of the query's window, oldest first,
// preceded by the last probe of each key in the day before the window
// (what the probes said as it opened). A database from before schema 3 answers
// ErrNoEvidence. In a damaged database it returns every probe it can
// read together with a *ReadError listing what it could not.
func (s *Store) Probes(ctx context.Context, q Query) ([]ProbeRow, error) {
	ok, err := s.hasEvidence(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoEvidence
	}
	if !s.damaged.Load() {
		ps, err := s.probes(ctx, q)
		if !errors.Is(err, ErrCorrupt) {
			return ps, err
		}
		s.damaged.Store(true)
	}
	return s.salvageProbes(ctx, q)
}

// probeLookback is how far before a window Probes looks for each key's
// last probe: a probe stands for at most twice its key's spacing, so one
// older than this reaches into the window only for a key probed less
// than twice a day.
const probeLookback = 24 * time.Hour

// probes reads the window and the day before it, and expands the runs.
func (s *Store) probes(ctx context.Context, q Query) ([]ProbeRow, error) {
	since, until := q.bounds()
	rows, err := s.probeScan(ctx, q)
	if err != nil {
		return nil, err
	}
	return lastBefore(expandProbes(rows, until), since), nil
}

// probeScan reads the probe rows of the window and the day before it, with
// their runs, in one pass over the table: modernc's SQLite reads a row
// through the evidence_vendor_at index about ten times slower than in a
// scan, and a report's window is much of the table.
func (s *Store) probeScan(ctx context.Context, q Query) ([]ProbeRow, error) {
	since, until := q.bounds()
	cond, vargs := q.vendorFilter("e.vendor")
	join, err := s.runsFrom(ctx)
	if err != nil {
		return nil, err
	}
	// A run starts at most runMax before its last probe.
	return s.probeRows(ctx, `SELECT `+probeCols+` FROM evidence e NOT INDEXED`+join+` WHERE e.at >= ? AND e.at < ? AND e.kind = 'probe'`+cond,
		append([]any{since - (probeLookback + runMax).Milliseconds(), until}, vargs...)...)
}

// lastBefore keeps the probes at or after since, and the last probe of
// each key before it, in time order.
func lastBefore(all []ProbeRow, since int64) []ProbeRow {
	last := map[[2]string]ProbeRow{}
	var out []ProbeRow
	for _, p := range all {
		if p.At.UnixMilli() >= since {
			out = append(out, p)
		} else if k := [2]string{p.Vendor, p.Key}; !p.At.Before(last[k].At) {
			last[k] = p
		}
	}
	for _, p := range last {
		out = append(out, p)
	}
	sortProbes(out)
	return out
}

func (s *Store) probeRows(ctx context.Context, query string, args ...any) ([]ProbeRow, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap("reading the probes", err)
	}
	defer rows.Close()
	var out []ProbeRow
	for rows.Next() {
		p, err := scanProbe(rows)
		if err != nil {
			return nil, s.damage("reading the probes", err)
		}
		out = append(out, p)
	}
	return out, s.wrap("reading the probes", rows.Err())
}

// sortRuns puts runs of probes in time order, then by vendor and key.
func sortRuns(rs []ProbeRun) {
	slices.SortStableFunc(rs, func(a, b ProbeRun) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Vendor, b.Vendor), strings.Compare(a.Key, b.Key))
	})
}

// sortProbes puts probes in time order, then by vendor and key.
func sortProbes(ps []ProbeRow) {
	slices.SortStableFunc(ps, func(a, b ProbeRow) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Vendor, b.Vendor), strings.Compare(a.Key, b.Key))
	})
}

func scanProbe(rows *sql.Rows) (ProbeRow, error) {
	var p ProbeRow
	var at int64
	var result string
	var last int64
	if err := rows.Scan(&at, &p.Vendor, &p.Key, &result, &p.NotProbed, &last, &p.count); err != nil {
		return p, err
	}
	p.At, p.Result, p.last = time.UnixMilli(at).UTC(), observe.Result(result), time.UnixMilli(last).UTC()
	return p, nil
}

// salvageProbes is Probes in a damaged database: it reads every probe
// before the window's end through the table, row by row around what it
// cannot read, and keeps each key's last one before the window.
func (s *Store) salvageProbes(ctx context.Context, q Query) ([]ProbeRow, error) {
	since, until := q.bounds()
	all, err := s.salvageProbeRows(ctx, q)
	return lastBefore(expandProbes(all, until), since), err
}

// salvageProbeRows reads the probe rows of the window and the day before
// it, with their runs, in a damaged database, and says what it could not
// read with a *ReadError.
func (s *Store) salvageProbeRows(ctx context.Context, q Query) ([]ProbeRow, error) {
	since, until := q.bounds()
	cond, vargs := q.vendorFilter("e.vendor")
	join, err := s.runsFrom(ctx)
	if err != nil {
		return nil, err
	}
	args := append([]any{since - (probeLookback + runMax).Milliseconds(), until}, vargs...)
	all, gaps, err := salvage(ctx, s, salvageSpec{
		table:      "evidence",
		query:      `SELECT ` + probeCols + ` FROM evidence e NOT INDEXED` + join + ` WHERE e.id >= ? AND e.id < ? AND e.kind = 'probe' AND e.at >= ? AND e.at < ?` + cond + ` ORDER BY e.id`,
		args:       args,
		timeCol:    "at",
		wanted:     `SELECT e.vendor, e.at FROM evidence e INDEXED BY evidence_vendor_at WHERE e.id BETWEEN ? AND ? AND e.at >= ? AND e.at < ?` + cond,
		wantedArgs: append([]any{since, until}, vargs...),
	}, scanProbe)
	if err == nil && len(gaps) > 0 {
		err = &ReadError{Path: s.path, What: "reading the probes", Gaps: gaps}
	}
	return all, err
}

// PageStatesBefore returns, for each vendor of the query, the last change
// of its status page's state recorded before t: what the page said as a
// window starting at t opened. A vendor whose page never left operational
// has none.
func (s *Store) PageStatesBefore(ctx context.Context, q Query, t time.Time) ([]correlate.Event, error) {
	if !s.damaged.Load() {
		evs, err := s.pageStatesBefore(ctx, q, t)
		if !errors.Is(err, ErrCorrupt) {
			return evs, err
		}
		s.damaged.Store(true)
	}
	// In a damaged database, the timeline read around the damage.
	evs, err := s.salvageTimeline(ctx, Query{Until: t, Vendors: q.Vendors})
	last := map[string]correlate.Event{}
	for _, e := range evs {
		if e.Kind == correlate.EventVendorState {
			last[e.Vendor] = e // evs are oldest first
		}
	}
	out := make([]correlate.Event, 0, len(last))
	for _, v := range sortedKeys(last) {
		out = append(out, last[v])
	}
	return out, err
}

func (s *Store) pageStatesBefore(ctx context.Context, q Query, t time.Time) ([]correlate.Event, error) {
	cond, vargs := q.vendorFilter("e.vendor")
	before := t.UnixMilli()
	args := append([]any{before}, vargs...)
	args = append(args, before)
	rows, err := s.db.QueryContext(ctx, `SELECT `+eventCols+` FROM events e
		WHERE e.kind = 'vendor_state' AND e.at < ?`+cond+` AND e.id = (
			SELECT id FROM events WHERE vendor = e.vendor AND kind = 'vendor_state' AND at < ? ORDER BY at DESC, id DESC LIMIT 1)
		ORDER BY e.vendor`, args...)
	if err != nil {
		return nil, s.wrap("reading the status pages' states", err)
	}
	defer rows.Close()
	var out []correlate.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, s.damage("reading the status pages' states", err)
		}
		out = append(out, e)
	}
	return out, s.wrap("reading the status pages' states", rows.Err())
}
