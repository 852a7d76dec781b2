package history

import (
	"context"
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

// Probes returns the key probes of the query's window, oldest first,
// preceded by the last probe of each key before the window (what the
// probes said as it opened). A database from before schema 3 answers
// ErrNoEvidence.
func (s *Store) Probes(ctx context.Context, q Query) ([]ProbeRow, error) {
	ok, err := s.hasEvidence(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoEvidence
	}
	since, until := q.bounds()
	cond, vargs := q.vendorFilter("vendor")
	const cols = `at, vendor, key, coalesce(json_extract(body, '$.result'), ''), coalesce(json_extract(body, '$.not_probed'), 0)`
	// The bare columns of an aggregate with max() come from the row holding
	// the maximum (SQLite), here each key's last probe before the window.
	query := `SELECT max(at), vendor, key, coalesce(json_extract(body, '$.result'), ''), coalesce(json_extract(body, '$.not_probed'), 0)
			FROM evidence WHERE kind = 'probe' AND at < ?` + cond + ` GROUP BY vendor, key
		UNION ALL
		SELECT ` + cols + ` FROM evidence WHERE kind = 'probe' AND at >= ? AND at < ?` + cond + `
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
		var p ProbeRow
		var at int64
		var result string
		if err := rows.Scan(&at, &p.Vendor, &p.Key, &result, &p.NotProbed); err != nil {
			return nil, s.damage("reading the probes", err)
		}
		p.At, p.Result = time.UnixMilli(at).UTC(), observe.Result(result)
		out = append(out, p)
	}
	return out, s.wrap("reading the probes", rows.Err())
}

// PageStatesBefore returns, for each vendor of the query, the last change
// of its status page's state recorded before t: what the page said as a
// window starting at t opened. A vendor whose page never left operational
// has none.
func (s *Store) PageStatesBefore(ctx context.Context, q Query, t time.Time) ([]correlate.Event, error) {
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
