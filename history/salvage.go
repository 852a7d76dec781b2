package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Reading a damaged database. A query over a table whose pages are damaged
// fails as a whole; salvage reads the table in row-id order instead, a
// window of rows at a time, through the table itself (never an index, which
// may be what is damaged), and steps around the rows it cannot read. What
// it steps over becomes a Gap; the index, when it can be read, tells how
// many of the rows in a gap the query wanted and when they were recorded.

// salvageWindow is how many row ids one salvage read covers.
const salvageWindow = 256

// Gap is a stretch of a table that could not be read.
type Gap struct {
	// Table is "events", "findings" or "evidence".
	Table string
	// From and To are the row ids of the stretch (inclusive); rows there
	// may have been pruned already. To is 0 when the table's end could
	// not be found.
	From, To int64
	// Wanted is how many rows of the stretch the query asked for, by the
	// index; -1 when the index could not say either.
	Wanted int
	// First and Last are the times of those rows (by the index), or else
	// of the nearest rows read on either side; zero when unknown.
	First, Last time.Time
	// Vendors are the vendor ids of the wanted events, when known.
	Vendors []string
	// Err is what SQLite said.
	Err string
}

// gapVendors is how many vendors a gap's sentence names.
const gapVendors = 6

// String describes the gap in a sentence for a report's reader.
func (g Gap) String() string {
	rows := fmt.Sprintf("rows %d to %d", g.From, g.To)
	if g.To == 0 {
		rows = fmt.Sprintf("rows from %d on", g.From)
	}
	what := g.Table
	switch g.Table {
	case "findings":
		what = "finding records"
	case "evidence":
		what = "evidence rows"
	}
	var b strings.Builder
	switch {
	case g.Wanted >= 0:
		if g.Wanted == 1 {
			what = strings.TrimSuffix(what, "s")
		}
		if g.Table == "findings" {
			b.WriteString("up to ") // the index knows when they opened, not when they closed
		}
		fmt.Fprintf(&b, "%d %s", g.Wanted, what)
		if vs := g.Vendors; len(vs) > gapVendors {
			fmt.Fprintf(&b, " of %s and %d more vendors", strings.Join(vs[:gapVendors], ", "), len(vs)-gapVendors)
		} else if len(vs) > 0 {
			fmt.Fprintf(&b, " of %s", strings.Join(vs, ", "))
		}
		fmt.Fprintf(&b, " %s could not be read (%s of the %s table)", span(g.First, g.Last, "recorded"), rows, g.Table)
	default:
		fmt.Fprintf(&b, "%s of the %s table could not be read, so an unknown number of %s", capital(rows), g.Table, what)
		if !g.First.IsZero() || !g.Last.IsZero() {
			fmt.Fprintf(&b, " (the rows around them were %s)", span(g.First, g.Last, "recorded"))
		}
		b.WriteString(" may be missing")
	}
	if g.Err != "" {
		fmt.Fprintf(&b, ": %s", g.Err)
	}
	return b.String()
}

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// span is "recorded between A and B", "recorded after A", ... in UTC, to
// the minute.
func span(first, last time.Time, verb string) string {
	const day, minute = "2006-01-02 ", "15:04 UTC"
	a, b := first.UTC().Format(day+minute), last.UTC().Format(day+minute)
	switch {
	case first.IsZero() && last.IsZero():
		return "at an unknown time"
	case last.IsZero():
		return verb + " after " + a
	case first.IsZero():
		return verb + " before " + b
	case a == b:
		return verb + " at " + a
	case first.UTC().Format(day) == last.UTC().Format(day):
		b = last.UTC().Format(minute)
	}
	return verb + " between " + a + " and " + b
}

// ReadError is a read of a damaged history that returned what it could:
// the rows it returns alongside are every row it could read, and Gaps
// lists what it could not. It wraps ErrCorrupt.
type ReadError struct {
	// Path is the database file.
	Path string
	// What is the read: "reading the timeline", "reading findings".
	What string
	// Gaps are the stretches that could not be read.
	Gaps []Gap
}

// Error names the file and lists the gaps.
func (e *ReadError) Error() string {
	parts := make([]string, len(e.Gaps))
	for i, g := range e.Gaps {
		parts[i] = g.String()
	}
	return fmt.Sprintf("%v: %s: %s: %s", ErrCorrupt, e.Path, e.What, strings.Join(parts, "; "))
}

// Unwrap makes errors.Is(err, ErrCorrupt) true.
func (e *ReadError) Unwrap() error { return ErrCorrupt }

// salvageSpec is how to read one table around damage.
type salvageSpec struct {
	table string
	// query selects the wanted rows; its first two arguments are the
	// row-id window [lo, hi), then args.
	query string
	args  []any
	// timeCol is the column whose value (Unix milliseconds) dates a row.
	timeCol string
	// wanted counts, by an index only, the wanted rows with row ids in
	// [?, ?] (then wantedArgs), returning vendor (or '') and time.
	wanted     string
	wantedArgs []any
}

// salvage reads every wanted row it can, in row-id order, and the gaps.
func salvage[T any](ctx context.Context, s *Store, sp salvageSpec, scan func(*sql.Rows) (T, error)) ([]T, []Gap, error) {
	read := func(lo, hi int64) ([]T, error) {
		rows, err := s.db.QueryContext(ctx, sp.query, append([]any{lo, hi}, sp.args...)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []T
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return nil, errBadRow{err}
			}
			out = append(out, v)
		}
		return out, rows.Err()
	}
	unreadable := func(err error) bool { return corrupt(err) || errors.As(err, new(errBadRow)) }

	lo, hi, err := s.rowidBounds(ctx, sp.table)
	if err != nil {
		if !unreadable(err) {
			return nil, nil, s.wrap("reading "+sp.table, err)
		}
		g := s.describeGap(ctx, sp, Gap{Table: sp.table, From: lo, Err: err.Error()})
		return nil, []Gap{g}, nil
	}
	var out []T
	var gaps []Gap
	for pos := lo; pos <= hi; {
		end := min(pos+salvageWindow, hi+1)
		rows, err := read(pos, end)
		if err == nil {
			out, pos = append(out, rows...), end
			continue
		}
		if ctx.Err() != nil || !unreadable(err) {
			return out, gaps, s.wrap("reading "+sp.table, err)
		}
		// The longest readable prefix [pos, good) of the window.
		good, bad := pos, end
		for bad-good > 1 {
			mid := good + (bad-good)/2
			if _, err := read(pos, mid); err == nil {
				good = mid
			} else {
				bad = mid
			}
		}
		rows, _ = read(pos, good)
		out = append(out, rows...)
		// good is the first row id that cannot be read; find the first
		// one after it that can, galloping then bisecting.
		last, next := good, good+1
		for step := int64(1); next <= hi; step *= 2 {
			if _, err := read(next, next+1); err == nil {
				break
			}
			last, next = next, next+step
		}
		next = min(next, hi+1)
		for next-last > 1 {
			mid := last + (next-last)/2
			if _, err := read(mid, mid+1); err == nil {
				next = mid
			} else {
				last = mid
			}
		}
		_, cause := read(good, good+1)
		g := Gap{Table: sp.table, From: good, To: next - 1}
		if cause != nil {
			g.Err = cause.Error()
		}
		if g = s.describeGap(ctx, sp, g); g.Wanted != 0 {
			gaps = append(gaps, g)
		}
		pos = next
	}
	return out, gaps, nil
}

// errBadRow is a row SQLite returned whose values are not what the
// schema says (a damaged record).
type errBadRow struct{ error }

func (e errBadRow) Unwrap() error { return e.error }

// rowidBounds are the smallest and largest row ids of table (1, 0 when
// it is empty). When the largest cannot be read, the error comes with the
// smallest.
func (s *Store) rowidBounds(ctx context.Context, table string) (int64, int64, error) {
	var lo, hi sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(rowid) FROM `+table).Scan(&lo); err != nil || !lo.Valid {
		lo = sql.NullInt64{Int64: 1, Valid: true} // start at the first id there can be
	}
	if err := s.db.QueryRowContext(ctx, `SELECT max(rowid) FROM `+table).Scan(&hi); err != nil {
		return max(lo.Int64, 1), 0, err
	}
	if !hi.Valid {
		return 1, 0, nil
	}
	return max(lo.Int64, 1), hi.Int64, nil
}

// describeGap fills in how many rows of the gap the query wanted, by the
// index, or else the times of the rows around it.
func (s *Store) describeGap(ctx context.Context, sp salvageSpec, g Gap) Gap {
	to := g.To
	if to == 0 {
		to = 1 << 62
	}
	g.Wanted = -1
	rows, err := s.db.QueryContext(ctx, sp.wanted, append([]any{g.From, to}, sp.wantedArgs...)...)
	if err == nil {
		n, vendors := 0, map[string]bool{}
		var first, last time.Time
		for rows.Next() {
			var vendor string
			var at int64
			if err = rows.Scan(&vendor, &at); err != nil {
				break
			}
			t := time.UnixMilli(at).UTC()
			if n == 0 || t.Before(first) {
				first = t
			}
			if n == 0 || t.After(last) {
				last = t
			}
			if v := termtext.Clip(termtext.Line(vendor), 40); v != "" { // a damaged index may hold any bytes
				vendors[v] = true
			}
			n++
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
		if err == nil {
			g.Wanted, g.First, g.Last = n, first, last
			for v := range vendors {
				g.Vendors = append(g.Vendors, v)
			}
			slices.Sort(g.Vendors)
			return g
		}
	}
	// The index is damaged too: date the gap by its neighbours.
	var at int64
	if s.db.QueryRowContext(ctx, `SELECT `+sp.timeCol+` FROM `+sp.table+` NOT INDEXED WHERE rowid < ? ORDER BY rowid DESC LIMIT 1`, g.From).Scan(&at) == nil {
		g.First = time.UnixMilli(at).UTC()
	}
	if g.To != 0 && s.db.QueryRowContext(ctx, `SELECT `+sp.timeCol+` FROM `+sp.table+` NOT INDEXED WHERE rowid > ? ORDER BY rowid LIMIT 1`, g.To).Scan(&at) == nil {
		g.Last = time.UnixMilli(at).UTC()
	}
	return g
}
