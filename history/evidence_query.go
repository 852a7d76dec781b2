package history

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ErrNoEvidence: the database predates evidence (schema 3); a check by
// this vendorwatch migrates it and starts recording.
var ErrNoEvidence = errors.New("this history holds no evidence yet: it was written by an older vendorwatch; run vendorwatch --once (or the dashboard) once with this one to start recording")

// EvidenceRow is one evidence row with its link in the chain.
type EvidenceRow struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Vendor string          `json:"vendor"`
	Key    string          `json:"key,omitempty"`
	Kind   string          `json:"kind"`
	Body   json.RawMessage `json:"body"`
	// Link is the row's link in the chain; Seq 0 when it has none.
	Link Link `json:"link"`
	// Run is what the row stands for when later observations identical
	// to it were counted into its run (runs.go): nil when none was.
	Run *Run `json:"run,omitempty"`
}

// hasEvidence reports whether the database has the evidence tables.
func (s *Store) hasEvidence(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('evidence', 'chain')`).Scan(&n)
	if err != nil {
		return false, s.wrap("looking for evidence", err)
	}
	return n == 2, nil
}

// Evidence returns vendor's evidence rows in [since, until), oldest
// first, each with its link. A database from before schema 3 answers
// ErrNoEvidence.
func (s *Store) Evidence(ctx context.Context, vendor string, since, until time.Time) ([]EvidenceRow, error) {
	ok, err := s.hasEvidence(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoEvidence
	}
	lo, hi := Query{Since: since, Until: until}.bounds()
	join, err := s.runsFrom(ctx)
	if err != nil {
		return nil, err
	}
	// A row whose run reaches into the window is in it.
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.at, e.vendor, e.key, e.kind, e.body,
			coalesce(c.seq, 0), coalesce(c.tbl, ''), coalesce(c.row, 0), coalesce(c.at, 0), coalesce(c.prev, ''), coalesce(c.hash, ''),
			coalesce(r.count, 1), coalesce(r.last_at, e.at), coalesce(r.last_request, '')
		FROM evidence e LEFT JOIN chain c ON c.tbl = 'evidence' AND c.row = e.id`+join+`
		WHERE e.vendor = ? AND e.at >= ? AND e.at < ? AND coalesce(r.last_at, e.at) >= ? ORDER BY e.at, e.id`,
		vendor, lo-runMax.Milliseconds(), hi, lo)
	if err != nil {
		return nil, s.wrap("reading evidence", err)
	}
	defer rows.Close()
	var out []EvidenceRow
	for rows.Next() {
		var r EvidenceRow
		var at int64
		var body string
		var l Link
		var lat, last int64
		var run Run
		if err := rows.Scan(&r.ID, &at, &r.Vendor, &r.Key, &r.Kind, &body, &l.Seq, &l.Table, &l.Row, &lat, &l.Prev, &l.Hash,
			&run.Count, &last, &run.LastRequestID); err != nil {
			return nil, s.wrap("reading evidence", err)
		}
		if run.Count > 1 {
			run.Last = time.UnixMilli(last).UTC()
			r.Run = &run
		}
		r.At, r.Body = time.UnixMilli(at).UTC(), json.RawMessage(body)
		if l.Seq != 0 {
			l.At = time.UnixMilli(lat).UTC()
			r.Link = l
		}
		out = append(out, r)
	}
	return out, s.wrap("reading evidence", rows.Err())
}

// EventLinks returns the chain links of the events with the given ids;
// events recorded before the chain started have none.
func (s *Store) EventLinks(ctx context.Context, ids []int64) (map[int64]Link, error) {
	out := map[int64]Link{}
	if ok, err := s.hasEvidence(ctx); err != nil || !ok {
		return out, err
	}
	for _, id := range ids {
		l, err := scanLink(s.db.QueryRowContext(ctx, `SELECT seq, tbl, row, at, prev, hash FROM chain WHERE tbl = 'events' AND row = ?`, id))
		if err == nil {
			out[id] = l
		}
	}
	return out, nil
}

// LinkAt returns the link with the given seq, false when there is none.
func (s *Store) LinkAt(ctx context.Context, seq int64) (Link, bool) {
	l, err := scanLink(s.db.QueryRowContext(ctx, `SELECT seq, tbl, row, at, prev, hash FROM chain WHERE seq = ?`, seq))
	return l, err == nil
}
