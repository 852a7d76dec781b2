package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// Query selects a stretch of history.
type Query struct {
	// Since and Until bound the time (Since inclusive, Until exclusive);
	// zero means unbounded.
	Since, Until time.Time
	// Vendors keeps only these vendor ids (and findings about no vendor,
	// such as network_local); empty keeps all.
	Vendors []string
	// Limit caps the number of events, keeping the newest; 0 is no limit.
	Limit int
}

func (q Query) bounds() (int64, int64) {
	since, until := int64(-1<<62), int64(1<<62)
	if !q.Since.IsZero() {
		since = q.Since.UnixMilli()
	}
	if !q.Until.IsZero() {
		until = q.Until.UnixMilli()
	}
	return since, until
}

// vendorFilter is an SQL condition on column col for q.Vendors, with its
// arguments.
func (q Query) vendorFilter(col string) (string, []any) {
	if len(q.Vendors) == 0 {
		return "", nil
	}
	args := []any{}
	marks := make([]string, len(q.Vendors))
	for i, v := range q.Vendors {
		marks[i] = "?"
		args = append(args, v)
	}
	return " AND (" + col + " = '' OR " + col + " IN (" + strings.Join(marks, ",") + "))", args
}

// The columns of the rows Timeline and Findings read.
const (
	eventCols   = `id, at, vendor, vendor_name, kind, subject, severity, text, detail, url`
	findingCols = `id, kind, severity, worst, vendors, keys, title, detail, advice, since, lead_minutes, opened_at, closed_at`
)

// Timeline returns the events in the query's window, oldest first. In a
// damaged database it returns every event it can read together with a
// *ReadError listing what it could not (salvage.go).
func (s *Store) Timeline(ctx context.Context, q Query) ([]correlate.Event, error) {
	if !s.damaged.Load() {
		evs, err := s.timeline(ctx, q)
		if !errors.Is(err, ErrCorrupt) {
			return evs, err
		}
		s.damaged.Store(true)
	}
	return s.salvageTimeline(ctx, q)
}

func (s *Store) timeline(ctx context.Context, q Query) ([]correlate.Event, error) {
	since, until := q.bounds()
	cond, vargs := q.vendorFilter("vendor")
	args := append([]any{since, until}, vargs...)
	query := `SELECT ` + eventCols + ` FROM events WHERE at >= ? AND at < ?` + cond
	if q.Limit > 0 {
		query = `SELECT * FROM (` + query + ` ORDER BY at DESC, id DESC LIMIT ?)`
		args = append(args, q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY at, id`, args...)
	if err != nil {
		return nil, s.wrap("reading the timeline", err)
	}
	defer rows.Close()
	var out []correlate.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, s.damage("reading the timeline", err)
		}
		out = append(out, e)
	}
	return out, s.wrap("reading the timeline", rows.Err())
}

// salvageTimeline is Timeline in a damaged database.
func (s *Store) salvageTimeline(ctx context.Context, q Query) ([]correlate.Event, error) {
	since, until := q.bounds()
	cond, vargs := q.vendorFilter("vendor")
	window := append([]any{since, until}, vargs...)
	evs, gaps, err := salvage(ctx, s, salvageSpec{
		table:      "events",
		query:      `SELECT ` + eventCols + ` FROM events NOT INDEXED WHERE id >= ? AND id < ? AND at >= ? AND at < ?` + cond + ` ORDER BY id`,
		args:       window,
		timeCol:    "at",
		wanted:     `SELECT vendor, at FROM events INDEXED BY events_vendor_at WHERE id BETWEEN ? AND ? AND at >= ? AND at < ?` + cond,
		wantedArgs: window,
	}, scanEvent)
	slices.SortFunc(evs, func(a, b correlate.Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	if q.Limit > 0 && len(evs) > q.Limit {
		evs = evs[len(evs)-q.Limit:]
	}
	if err == nil && len(gaps) > 0 {
		err = &ReadError{Path: s.path, What: "reading the timeline", Gaps: gaps}
	}
	return evs, err
}

func scanEvent(rows *sql.Rows) (correlate.Event, error) {
	var e correlate.Event
	var at int64
	var kind, sev string
	if err := rows.Scan(&e.ID, &at, &e.Vendor, &e.VendorName, &kind, &e.Subject, &sev, &e.Text, &e.Detail, &e.URL); err != nil {
		return e, err
	}
	e.At, e.Kind, e.Severity = time.UnixMilli(at).UTC(), correlate.EventKind(kind), correlate.Severity(sev)
	return e, nil
}

// findingFilter is the SQL condition and arguments selecting the findings
// open at any time in the query's window.
func (q Query) findingFilter() (string, []any) {
	since, until := q.bounds()
	cond := ` AND opened_at < ? AND (closed_at IS NULL OR closed_at >= ?)`
	args := []any{until, since}
	if len(q.Vendors) > 0 {
		marks := make([]string, len(q.Vendors))
		for i, v := range q.Vendors {
			marks[i] = "?"
			args = append(args, v)
		}
		cond += ` AND (vendors = '[]' OR EXISTS (SELECT 1 FROM json_each(findings.vendors) WHERE value IN (` + strings.Join(marks, ",") + `)))`
	}
	return cond, args
}

// Findings returns the findings open at any time in the query's window,
// in the order they opened. In a damaged database it returns every
// finding it can read together with a *ReadError listing what it could
// not.
func (s *Store) Findings(ctx context.Context, q Query) ([]correlate.FindingRecord, error) {
	if !s.damaged.Load() {
		fs, err := s.findings(ctx, q)
		if !errors.Is(err, ErrCorrupt) {
			return fs, err
		}
		s.damaged.Store(true)
	}
	return s.salvageFindings(ctx, q)
}

func (s *Store) findings(ctx context.Context, q Query) ([]correlate.FindingRecord, error) {
	cond, args := q.findingFilter()
	rows, err := s.db.QueryContext(ctx, `SELECT `+findingCols+` FROM findings WHERE 1`+cond+` ORDER BY opened_at, seq`, args...)
	if err != nil {
		return nil, s.wrap("reading findings", err)
	}
	defer rows.Close()
	var out []correlate.FindingRecord
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, s.damage("reading findings", err)
		}
		out = append(out, f)
	}
	return out, s.wrap("reading findings", rows.Err())
}

// salvageFindings is Findings in a damaged database.
func (s *Store) salvageFindings(ctx context.Context, q Query) ([]correlate.FindingRecord, error) {
	cond, args := q.findingFilter()
	_, until := q.bounds()
	type row struct {
		f   correlate.FindingRecord
		seq int64
	}
	rows, gaps, err := salvage(ctx, s, salvageSpec{
		table:      "findings",
		query:      `SELECT seq, ` + findingCols + ` FROM findings NOT INDEXED WHERE seq >= ? AND seq < ?` + cond + ` ORDER BY seq`,
		args:       args,
		timeCol:    "opened_at",
		wanted:     `SELECT '', opened_at FROM findings INDEXED BY findings_opened WHERE seq BETWEEN ? AND ? AND opened_at < ?`,
		wantedArgs: []any{until},
	}, func(r *sql.Rows) (row, error) {
		var x row
		var err error
		x.f, err = scanFinding(r, &x.seq)
		return x, err
	})
	slices.SortFunc(rows, func(a, b row) int {
		if c := a.f.Opened.Compare(b.f.Opened); c != 0 {
			return c
		}
		return int(a.seq - b.seq)
	})
	out := make([]correlate.FindingRecord, len(rows))
	for i, r := range rows {
		out[i] = r.f
	}
	if err == nil && len(gaps) > 0 {
		err = &ReadError{Path: s.path, What: "reading findings", Gaps: gaps}
	}
	return out, err
}

// scanFinding reads a row of findingCols, after the destinations in pre.
func scanFinding(rows *sql.Rows, pre ...any) (correlate.FindingRecord, error) {
	var f correlate.FindingRecord
	var kind, sev, worst, vendors, keys, advice string
	var sinceMS, opened int64
	var closed *int64
	dest := append(pre, &f.ID, &kind, &sev, &worst, &vendors, &keys, &f.Title, &f.Detail, &advice, &sinceMS, &f.LeadMinutes, &opened, &closed)
	if err := rows.Scan(dest...); err != nil {
		return f, err
	}
	f.Kind, f.Severity, f.Worst = correlate.Kind(kind), correlate.Severity(sev), correlate.Severity(worst)
	_ = json.Unmarshal([]byte(vendors), &f.Vendors)
	_ = json.Unmarshal([]byte(keys), &f.Keys)
	_ = json.Unmarshal([]byte(advice), &f.Advice)
	f.Since, f.Opened = time.UnixMilli(sinceMS).UTC(), time.UnixMilli(opened).UTC()
	if closed != nil {
		f.Closed = time.UnixMilli(*closed).UTC()
	}
	return f, nil
}

// eventOrder ranks event kinds recorded at the same moment so a timeline
// reads as cause then conclusion: what the vendor said, what our probes
// saw, then what vendorwatch concluded (closings before openings).
var eventOrder = map[correlate.EventKind]int{
	correlate.EventVendorState: 0, correlate.EventIncidentOpened: 1, correlate.EventIncidentUpdated: 2, correlate.EventIncidentResolved: 3,
	correlate.EventReachabilityChanged: 4, correlate.EventKeyChanged: 5, correlate.EventCallRecords: 5, correlate.EventTrafficSource: 4,
	correlate.EventInventoryListed: 5, correlate.EventInventoryKeyAdded: 5, correlate.EventInventoryKeyStatus: 5, correlate.EventInventoryKeyUsed: 5,
	correlate.EventFindingClosed: 6, correlate.EventFindingEased: 7, correlate.EventFindingUpdated: 7, correlate.EventFindingEscalated: 8,
	correlate.EventFindingOpened: 9,
}

func sortEvents(evs []correlate.Event) {
	slices.SortStableFunc(evs, func(a, b correlate.Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return eventOrder[a.Kind] - eventOrder[b.Kind]
	})
}
