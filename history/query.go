package history

import (
	"context"
	"encoding/json"
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

// Timeline returns the events in the query's window, oldest first.
func (s *Store) Timeline(ctx context.Context, q Query) ([]correlate.Event, error) {
	since, until := q.bounds()
	cond, vargs := q.vendorFilter("vendor")
	args := append([]any{since, until}, vargs...)
	query := `SELECT id, at, vendor, vendor_name, kind, subject, severity, text, detail, url FROM events WHERE at >= ? AND at < ?` + cond
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
		var e correlate.Event
		var at int64
		var kind, sev string
		if err := rows.Scan(&e.ID, &at, &e.Vendor, &e.VendorName, &kind, &e.Subject, &sev, &e.Text, &e.Detail, &e.URL); err != nil {
			return nil, s.wrap("reading the timeline", err)
		}
		e.At, e.Kind, e.Severity = time.UnixMilli(at).UTC(), correlate.EventKind(kind), correlate.Severity(sev)
		out = append(out, e)
	}
	return out, s.wrap("reading the timeline", rows.Err())
}

// Findings returns the findings open at any time in the query's window,
// in the order they opened.
func (s *Store) Findings(ctx context.Context, q Query) ([]correlate.FindingRecord, error) {
	since, until := q.bounds()
	cond := ""
	args := []any{until, since}
	if len(q.Vendors) > 0 {
		marks := make([]string, len(q.Vendors))
		for i, v := range q.Vendors {
			marks[i] = "?"
			args = append(args, v)
		}
		cond = ` AND (vendors = '[]' OR EXISTS (SELECT 1 FROM json_each(findings.vendors) WHERE value IN (` + strings.Join(marks, ",") + `)))`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, severity, worst, vendors, keys, title, detail, advice, since, lead_minutes, opened_at, closed_at
		FROM findings WHERE opened_at < ? AND (closed_at IS NULL OR closed_at >= ?)`+cond+` ORDER BY opened_at, seq`, args...)
	if err != nil {
		return nil, s.wrap("reading findings", err)
	}
	defer rows.Close()
	var out []correlate.FindingRecord
	for rows.Next() {
		var f correlate.FindingRecord
		var kind, sev, worst, vendors, keys, advice string
		var sinceMS, opened int64
		var closed *int64
		if err := rows.Scan(&f.ID, &kind, &sev, &worst, &vendors, &keys, &f.Title, &f.Detail, &advice, &sinceMS, &f.LeadMinutes, &opened, &closed); err != nil {
			return nil, s.wrap("reading findings", err)
		}
		f.Kind, f.Severity, f.Worst = correlate.Kind(kind), correlate.Severity(sev), correlate.Severity(worst)
		_ = json.Unmarshal([]byte(vendors), &f.Vendors)
		_ = json.Unmarshal([]byte(keys), &f.Keys)
		_ = json.Unmarshal([]byte(advice), &f.Advice)
		f.Since, f.Opened = time.UnixMilli(sinceMS).UTC(), time.UnixMilli(opened).UTC()
		if closed != nil {
			f.Closed = time.UnixMilli(*closed).UTC()
		}
		out = append(out, f)
	}
	return out, s.wrap("reading findings", rows.Err())
}

// eventOrder ranks event kinds recorded at the same moment so a timeline
// reads as cause then conclusion: what the vendor said, what our probes
// saw, then what vendorwatch concluded (closings before openings).
var eventOrder = map[correlate.EventKind]int{
	correlate.EventVendorState: 0, correlate.EventIncidentOpened: 1, correlate.EventIncidentUpdated: 2, correlate.EventIncidentResolved: 3,
	correlate.EventReachabilityChanged: 4, correlate.EventKeyChanged: 5, correlate.EventCallRecords: 5,
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
