package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// OpenReadOnly opens the history in dir for reading only, for the incident
// report: it never creates, migrates or writes the database, so it works
// for a user who may read the state dir but not write it (an engineer
// reading the history of the serve user) and on a read-only copy.
//
// SQLite reads a database in WAL mode through its shared-memory file,
// which a reader creates when no writer has: in a directory it cannot
// write, the file is opened as immutable instead. That is exact when no
// vendorwatch is running (the WAL was merged into the database when the
// last one closed); when one crashed, the changes it left in the WAL are
// not read, and Caveat says so.
//
// It does not check the file; Check does, and a store that found damage
// reads around it.
func OpenReadOnly(ctx context.Context, dir string) (*Store, error) {
	path, err := filepath.Abs(filepath.Join(dir, DatabaseFile))
	if err != nil {
		return nil, fmt.Errorf("state dir %s: %w", dir, err)
	}
	f, err := os.Open(path) // says "permission denied" or "no such file" plainly
	if err != nil {
		return nil, fmt.Errorf("history database: %w", err)
	}
	f.Close()
	s, err := openRO(ctx, dir, path, false)
	if err != nil && cannotShare(err) {
		s, err = openRO(ctx, dir, path, true)
		if err == nil {
			s.immutable = true
			if fi, statErr := os.Stat(path + "-wal"); statErr == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
				s.caveat = fmt.Sprintf("%s-wal holds changes that only a user who may write %s can merge; they are not read (run this as the user that runs vendorwatch to see them)", path, filepath.Dir(path))
			}
		}
	}
	if err != nil {
		return nil, err
	}
	v, err := s.version(ctx, s.db)
	switch {
	case err != nil:
	case v > SchemaVersion:
		err = fmt.Errorf("%w: %s has schema %d, this vendorwatch knows %d; upgrade vendorwatch", ErrNewer, path, v, SchemaVersion)
	case v == 0:
		err = fmt.Errorf("history database %s: it holds no vendorwatch history", path)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openRO opens path read-only (mode=ro), or as an immutable file.
func openRO(ctx context.Context, dir, path string, immutable bool) (*Store, error) {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows volume: file:///C:/...
	}
	q := fmt.Sprintf("mode=ro&_pragma=busy_timeout(%d)&_pragma=query_only(1)", DefaultBusyTimeout.Milliseconds())
	if immutable {
		q += "&immutable=1"
	}
	dsn := (&url.URL{Scheme: "file", Path: p, RawQuery: q}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("history database %s: %w", path, err)
	}
	db.SetMaxOpenConns(2)
	s := &Store{db: db, dir: dir, path: path, opts: Options{Retention: DefaultRetention, BusyTimeout: DefaultBusyTimeout}, readOnly: true}
	// The first statement opens the connection: this is where a WAL
	// database without a shared-memory file fails.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		db.Close()
		return nil, s.wrap("opening read-only", err)
	}
	return s, nil
}

// cannotShare is SQLite failing to open a WAL database read-only because
// it cannot create or write the shared-memory file.
func cannotShare(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

// ReadOnly reports whether the store was opened by OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Caveat says what a read-only store cannot see ("" when it sees
// everything).
func (s *Store) Caveat() string { return s.caveat }
