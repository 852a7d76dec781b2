package history

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// isNew reports whether the database at path holds nothing yet: the file
// is missing or empty, and so is its write-ahead log (a log with frames
// beside an empty file is something to check, not to create over).
func isNew(path string) bool {
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if err == nil && fi.Size() > 0 || err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return true
}

// create completes a new database: placed says the template is in place
// (template.go), which holds the schema already. Otherwise the schema is
// written with SQLite's rollback journal, then the file is turned to
// write-ahead logging, before the connections that use it open. In WAL
// mode the schema's pages (a page for each of some thirty tables and
// indexes, about 120 KB) would be written twice: to the log, then to the
// database at the checkpoint. A new file has no pages to save, so its
// rollback journal is a header, and the pages are written once. A file
// another process creates at the same time is migrated by whichever
// takes the write lock first; the other finds the schema current (migrate
// reads the version inside its transaction).
//
// The file created is stamped as checked (checkstamp.go): Open has
// nothing to read in a file it has just written. It is not when its log
// already holds something another process wrote since.
func (s *Store) create(ctx context.Context, placed bool) error {
	if !placed {
		if err := s.writeSchema(ctx); err != nil {
			return err
		}
	}
	if st, err := s.stamp(); err == nil && st.WAL == (fileStamp{}) {
		s.rememberCheck(st)
	}
	return nil
}

// writeSchema writes the schema into the new database's file through
// SQLite, and turns the file to write-ahead logging.
func (s *Store) writeSchema(ctx context.Context) error {
	db, err := openKeepingLog(s.path, fmt.Sprintf("_pragma=busy_timeout(%d)&_txlock=immediate", s.opts.BusyTimeout.Milliseconds()), 1)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := s.migrateOn(ctx, db); err != nil {
		return err
	}
	if err := s.toWAL(ctx, db); err != nil {
		return s.wrap("creating", err)
	}
	return s.wrap("creating", db.Close())
}

// walRetry is how long create waits before it asks again to turn a new
// file to write-ahead logging.
const walRetry = 10 * time.Millisecond

// toWAL turns the new file on db to write-ahead logging. That needs the
// file alone, and another process opening it at the same moment (serve
// and a --once started together) holds it for a few milliseconds; SQLite
// answers busy at once, without waiting, where waiting could deadlock
// two connections. It is asked again until the busy timeout has passed.
func (s *Store) toWAL(ctx context.Context, db execer) error {
	deadline := time.Now().Add(s.opts.BusyTimeout)
	for {
		_, err := exec(ctx, db, `PRAGMA journal_mode=WAL`)
		if err == nil || !busy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(walRetry):
		}
	}
}
