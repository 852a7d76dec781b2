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
}

// probeCols are the columns of a ProbeRow in the evidence table.
const probeCols = `at, vendor, key, coalesce(json_extract(body, '$.result'), ''), coalesce(json_extract(body, '$.not_probed'), 0)`

// Probes returns the key probes of the query's window, oldest first,
// preceded by the last probe of each key before the window (what the
// probes said as it opened). A database from before schema 3 answers
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

func (s *Store) probes(ctx context.Context, q Query) ([]ProbeRow, error) {
	since, until := q.bounds()
	cond, vargs := q.vendorFilter("vendor")
	// The bare columns of an aggregate with max() come from the row holding
	// the maximum (SQLite), here each key's last probe before the window.
	query := `SELECT max(at), vendor, key, coalesce(json_extract(body, '$.result'), ''), coalesce(json_extract(body, '$.not_probed'), 0)
			FROM evidence WHERE kind = 'probe' AND at < ?` + cond + ` GROUP BY vendor, key
		UNION ALL
		SELECT ` + probeCols + ` FROM evidence WHERE kind = 'probe' AND at >= ? AND at < ?` + cond + `
		ORDER BY 1, 2, 3`
	args := append([]any{since}, vargs...)
	args = append(append(args, since, until), vargs...)
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

func scanProbe(rows *sql.Rows) (ProbeRow, error) {
	var p ProbeRow
	var at int64
	var result string
	if err := rows.Scan(&at, &p.Vendor, &p.Key, &result, &p.NotProbed); err != nil {
		return p, err
	}
	p.At, p.Result = time.UnixMilli(at).UTC(), observe.Result(result)
	return p, nil
}

// salvageProbes is Probes in a damaged database: it reads every probe
// before the window's end through the table, row by row around what it
// cannot read, and keeps each key's last one before the window.
func (s *Store) salvageProbes(ctx context.Context, q Query) ([]ProbeRow, error) {
	since, until := q.bounds()
	cond, vargs := q.vendorFilter("vendor")
	args := append([]any{until}, vargs...)
	all, gaps, err := salvage(ctx, s, salvageSpec{
		table:      "evidence",
		query:      `SELECT ` + probeCols + ` FROM evidence NOT INDEXED WHERE id >= ? AND id < ? AND kind = 'probe' AND at < ?` + cond + ` ORDER BY id`,
		args:       args,
		timeCol:    "at",
		wanted:     `SELECT vendor, at FROM evidence INDEXED BY evidence_vendor_at WHERE id BETWEEN ? AND ? AND at >= ? AND at < ?` + cond,
		wantedArgs: append([]any{since, until}, vargs...),
	}, scanProbe)
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
	slices.SortStableFunc(out, func(a, b ProbeRow) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Vendor, b.Vendor), strings.Compare(a.Key, b.Key))
	})
	if err == nil && len(gaps) > 0 {
		err = &ReadError{Path: s.path, What: "reading the probes", Gaps: gaps}
	}
	return out, err
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
