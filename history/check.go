package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// checkProblems is how many of quick_check's findings a DamageError
// keeps: enough to see what is wrong, not a screenful.
const checkProblems = 10

// openCheckMax is the largest database Open checks whole. quick_check
// reads every page, about 2 ms a megabyte (BENCHMARKS.md): 35 ms for 90
// days of 50 vendors (19 MB). Above this size Open checks only the tables
// a check reads and writes, leaving the events to Check, Health and the
// report, so --once stays cheap however long the retention.
var openCheckMax int64 = 64 << 20

// HealthEvery is how long Health reuses the result of its last check.
const HealthEvery = time.Minute

// DamageError is a damaged history database: what SQLite found and what to
// do about it. It wraps ErrCorrupt. The file is never changed.
type DamageError struct {
	// Path is the database file.
	Path string
	// Found is what SQLite said, a line each: quick_check's findings (at
	// most ten), or the error that stopped a read, each after what it
	// was doing ("quick_check: Tree 5 page 66: ...").
	Found []string
	// Aside is the directory, beside the database, that the advice moves
	// the damaged files into.
	Aside string
}

// newDamage is the DamageError of the database at path.
func newDamage(path string, found ...string) *DamageError {
	return &DamageError{Path: path, Found: found, Aside: "damaged-" + time.Now().UTC().Format("20060102T150405")}
}

// Error says which file is damaged, what SQLite found, that nothing was
// deleted, and the commands that keep what can be read.
func (e *DamageError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %s\n", ErrCorrupt, e.Path)
	for _, f := range e.Found {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	b.WriteString("  Nothing in it was deleted or changed. ")
	b.WriteString(e.Advice())
	return b.String()
}

// Unwrap makes errors.Is(err, ErrCorrupt) true.
func (e *DamageError) Unwrap() error { return ErrCorrupt }

// Advice is what to do, as commands to paste: stop vendorwatch, move the
// database and its WAL files aside together (a WAL left behind would be
// applied to the next database), and recover what can be read into a new
// one with the sqlite3 command: .recover where it has it, else .dump,
// whose output ends in a ROLLBACK when it met damage.
func (e *DamageError) Advice() string {
	base, aside := filepath.Base(e.Path), shellQuote(e.Aside)
	old := aside + "/" + shellQuote(base)
	return fmt.Sprintf("Stop every vendorwatch that uses this state dir, then move the damaged files aside:\n"+
		"    cd %s && mkdir %s && mv %s* %s/\n"+
		"  and recover what can be read into a new history (or skip this to start afresh):\n"+
		"    sqlite3 %s .recover | sqlite3 %s\n"+
		"  or, if that printed an error (a sqlite3 that cannot .recover, such as Debian 12's):\n"+
		"    rm -f %s && sqlite3 %s .dump | sed 's/^ROLLBACK; -- due to errors$/COMMIT;/' | sqlite3 %s",
		shellQuote(filepath.Dir(e.Path)), aside, shellQuote(base), aside,
		old, shellQuote(base),
		shellQuote(base), old, shellQuote(base))
}

var shellSafe = lazyregexp.New(`^[A-Za-z0-9_./~+:@%=-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// corrupt reports whether err is SQLite finding the file damaged or not a
// database, or failing to read it.
func corrupt(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FORMAT:
		return true
	}
	return false
}

// damage is a row that SQLite returned but that cannot be what was
// stored (a value of the wrong type): the file is damaged.
func (s *Store) damage(what string, err error) error {
	s.damaged.Store(true)
	return newDamage(s.path, what+": "+err.Error())
}

// Check runs SQLite's quick_check over the whole database: nil when it
// finds nothing wrong, a *DamageError when it does, another error when
// the check could not run. It only reads; it takes about 2 ms a megabyte.
// A store that found damage reads carefully from then on (Timeline and
// Findings skip what they cannot read).
func (s *Store) Check(ctx context.Context) error {
	return s.quickCheck(ctx, nil)
}

// Health is the history's health for a server's health check: Check,
// whose result is reused for HealthEvery so a frequently polled endpoint
// does not read the whole file each time. Calls at once share one check.
func (s *Store) Health(ctx context.Context) error {
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	if !s.healthAt.IsZero() && time.Since(s.healthAt) < HealthEvery {
		return s.healthErr
	}
	err := s.Check(ctx)
	if ctx.Err() != nil {
		return err // a check cut short says nothing about the file
	}
	s.healthAt, s.healthErr = time.Now(), err
	return err
}

// openCheck is the check when the store opens: the whole database when it
// is at most openCheckMax, else the tables other than events. It is
// skipped when the database and its log are exactly the files the same
// check passed within checkedFor (CheckedFile): a round in which nothing
// changed writes nothing, so the next process would read every page to
// learn what it already knows.
func (s *Store) openCheck(ctx context.Context) error {
	before, err := s.stamp()
	if err == nil && s.checkedAlready(before) {
		return nil
	}
	s.openChecks.Add(1)
	if before.Scope == scopeAll {
		err = s.quickCheck(ctx, nil)
	} else {
		err = s.quickCheckBut(ctx, "events")
	}
	if err != nil {
		s.forgetCheck()
		return err
	}
	// The stamp is taken again after the check: a file another process
	// wrote meanwhile is not the one that was read.
	if after, serr := s.stamp(); serr == nil && after.DB == before.DB && after.WAL == before.WAL {
		s.rememberCheck(after)
	}
	return nil
}

// CheckRead is the check before a report reads the history: every table
// but the evidence, its runs and the chain, which hold most of a long
// history's pages and of which a report reads only a window (report
// --sla's probes, through the runs). quick_check reads every page, about
// 2 ms a megabyte, so checking months of evidence would cost a report
// more than reading what it needs; a read that meets damage in them is
// reported and read around all the same (salvage.go), and Open (every
// --once, dashboard and serve) and Check still check them.
func (s *Store) CheckRead(ctx context.Context) error {
	return s.quickCheckBut(ctx, "evidence", "evidence_runs", "chain")
}

// quickCheckBut checks the tables other than skip, and their indexes.
func (s *Store) quickCheckBut(ctx context.Context, skip ...string) error {
	var tables []string
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		return s.wrap("checking the database", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return s.wrap("checking the database", err)
		}
		if !slices.Contains(skip, name) {
			tables = append(tables, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.wrap("checking the database", err)
	}
	return s.quickCheck(ctx, tables)
}

// quickCheck runs quick_check over the whole database (tables nil) or over
// the given tables and their indexes.
func (s *Store) quickCheck(ctx context.Context, tables []string) error {
	queries := []string{fmt.Sprintf("PRAGMA quick_check(%d)", checkProblems)}
	if tables != nil {
		queries = queries[:0]
		for _, t := range tables {
			queries = append(queries, fmt.Sprintf("PRAGMA quick_check(%q)", t))
		}
	}
	var found []string
	for _, q := range queries {
		lines, err := s.pragmaLines(ctx, q)
		if err != nil && !corrupt(err) {
			return s.wrap("checking the database", err)
		}
		for _, l := range lines {
			// A finding may span lines, the first naming the schema.
			for _, l := range strings.Split(l, "\n") {
				if l != "ok" && l != "" && !strings.HasPrefix(l, "*** in database") && len(found) < checkProblems {
					found = append(found, l)
				}
			}
		}
		if err != nil {
			found = append(found, err.Error())
		}
	}
	if len(found) == 0 {
		return nil
	}
	for i, f := range found {
		found[i] = "quick_check: " + f
	}
	s.damaged.Store(true)
	return newDamage(s.path, found...)
}

// pragmaLines runs a pragma that answers in lines of text.
func (s *Store) pragmaLines(ctx context.Context, q string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l sql.NullString
		if err := rows.Scan(&l); err != nil {
			return out, err
		}
		out = append(out, l.String)
	}
	return out, rows.Err()
}
