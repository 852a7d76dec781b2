// Package history is vendorwatch's memory: an embedded SQLite database in
// the state dir that records every transition (vendor state, the vendors'
// incidents and updates, our keys, keyless reachability, findings) with its
// time, keeps correlate's Memory so separate runs continue each other, and
// answers timeline queries for the incident report. The latest report is
// also written atomically to a plain JSON file beside the database, which
// the tmux widget reads without opening SQLite.
//
// Several processes may use one state dir at once (the dashboard, --once,
// the tmux widget's refresh): every write is one transaction, serialized by
// SQLite's write lock, that merges its check into the stored picture of
// every configured vendor, keeping the newest observation of each part
// (merge.go). A locked or damaged database is reported as such and never
// reset.
package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// File names inside the state dir.
const (
	// DatabaseFile is the SQLite database.
	DatabaseFile = "history.db"
	// SnapshotFile is the latest report as schema-1 JSON, replaced
	// atomically after every check. The status line digest
	// (statusline.DigestFile) follows it when Options.Digest is set.
	SnapshotFile = statusline.SnapshotFile
)

// DefaultRetention is how long events and closed findings are kept.
const DefaultRetention = 90 * 24 * time.Hour

// DefaultBusyTimeout is how long a write waits for another process's
// transaction before giving up with ErrLocked.
const DefaultBusyTimeout = 5 * time.Second

// Errors a caller can tell apart with errors.Is.
var (
	// ErrLocked: another process holds the database's write lock for longer
	// than the busy timeout.
	ErrLocked = errors.New("history database is locked")
	// ErrCorrupt: the file is not a SQLite database, or is damaged.
	ErrCorrupt = errors.New("history database is damaged")
	// ErrNewer: the database was written by a newer vendorwatch.
	ErrNewer = errors.New("history database is from a newer vendorwatch")
)

// Options tune a Store. Zero values take the defaults.
type Options struct {
	// Retention is how long events and closed findings are kept (90 days).
	Retention time.Duration
	// BusyTimeout is how long a write waits for another writer (5 s).
	BusyTimeout time.Duration
	// Digest, when set, renders the status line digest of a report; every
	// commit then writes it beside the snapshot, after it, for the tmux
	// widget's fast path (output.LineDigest).
	Digest func(correlate.Report) ([]byte, error)
}

// Store is the history database of one state dir. It is safe for
// concurrent use, and several Stores (in one or several processes) may
// share a state dir.
type Store struct {
	db   *sql.DB
	dir  string
	path string
	opts Options

	mu        sync.Mutex
	lastPrune time.Time
	// pruneBacklog is set while the last prune deleted a full batch: the
	// next commit prunes again (retention.go).
	pruneBacklog bool
	// pruneKnown is set once the store read when the history was last
	// pruned (statePruned); prunes counts the prunes it ran.
	pruneKnown bool
	prunes     int
	quiet      quiet   // the state rows last written, and any kept back (quiet.go)
	behind     *behind // the snapshot partial commits did not write (snapshotlag.go)

	// readOnly is a store from OpenReadOnly, immutable one that reads the
	// file as immutable (readonly.go); caveat says what such a store may
	// miss ("" when nothing).
	readOnly  bool
	immutable bool
	caveat    string
	// damaged is set once a check or a read found the file damaged:
	// reads then go row by row around what cannot be read (salvage.go).
	damaged atomic.Bool
	// openChecks counts the quick_checks Open ran (tests); placed is set
	// when Open made the database from the template (tests).
	openChecks atomic.Int32
	placed     bool
	// reportLen is the size of the report JSON this Store last encoded
	// (reportSize).
	reportLen atomic.Int64

	healthMu  sync.Mutex
	healthAt  time.Time
	healthErr error
}

// Open opens (creating when needed) the history in dir, checks it with
// SQLite's quick_check (check.go) and brings its schema up to date. A file
// that is not a usable database, or that quick_check finds damaged, is
// reported with a *DamageError (errors.Is ErrCorrupt) and left untouched:
// nothing is written to it.
func Open(ctx context.Context, dir string, o Options) (*Store, error) {
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = DefaultBusyTimeout
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state dir: %w", err)
	}
	path := filepath.Join(dir, DatabaseFile)
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("state dir %s: the path may not contain ? or #", dir)
	}
	fresh := isNew(path)
	// A new database is the template put in place; when it cannot be (an
	// empty file is there already), create writes the schema.
	placed := fresh && fileMissing(path) && placeTemplate(path)
	// The database is the user's alone (SQLite would make it 0644, and
	// gives its -wal and -shm files the database's mode).
	wal := false
	if f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600); err == nil {
		wal = inWAL(f)
		f.Close()
	}
	query := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=synchronous(NORMAL)&_pragma=journal_size_limit(%d)&_txlock=immediate",
		o.BusyTimeout.Milliseconds(), walLimit)
	if !wal {
		query = "_pragma=journal_mode(WAL)&" + query
	}
	db, err := openKeepingLog(path, query, 4)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, dir: dir, path: path, opts: o, placed: placed}
	if fresh {
		if err := s.create(ctx, placed); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := s.openCheck(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database. A state a quiet commit kept in memory is
// not written: it says what the stored one says, at later check times.
//
// A snapshot that partial commits left unwritten is written first.
func (s *Store) Close() error {
	err := s.writeBehind(context.Background())
	if s.damaged.Load() {
		s.forgetCheck() // the next Open checks the file whole
	}
	return errors.Join(err, s.db.Close())
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Dir is the state dir.
func (s *Store) Dir() string { return s.dir }

// SnapshotPath is the plain JSON file holding the latest report.
func (s *Store) SnapshotPath() string { return filepath.Join(s.dir, SnapshotFile) }

// wrap turns a database error into one that says what is wrong with which
// file and what to do, marked with ErrLocked, or a *DamageError, where it
// applies.
func (s *Store) wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	if busy(err) {
		return fmt.Errorf("%w: %s: %s: another process held it for more than %s (%v); nothing was changed, try again, or look for a stuck vendorwatch",
			ErrLocked, s.path, what, s.opts.BusyTimeout, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			s.damaged.Store(true)
			return newDamage(s.path, what+": "+err.Error())
		}
	}
	return fmt.Errorf("history database %s: %s: %w", s.path, what, err)
}

// busy reports whether err is SQLite's answer that another connection
// holds the lock it needs.
func busy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code() & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

// migrations bring the schema from version i to i+1.
var migrations = []string{
	`CREATE TABLE state (
		name       TEXT PRIMARY KEY,
		value      TEXT NOT NULL,
		updated_at INTEGER NOT NULL
	);
	CREATE TABLE events (
		id          INTEGER PRIMARY KEY,
		at          INTEGER NOT NULL,
		vendor      TEXT NOT NULL,
		vendor_name TEXT NOT NULL,
		kind        TEXT NOT NULL,
		subject     TEXT NOT NULL,
		severity    TEXT NOT NULL,
		text        TEXT NOT NULL,
		detail      TEXT NOT NULL,
		url         TEXT NOT NULL
	);
	CREATE INDEX events_at ON events(at);
	CREATE INDEX events_vendor_at ON events(vendor, at);
	CREATE TABLE findings (
		seq          INTEGER PRIMARY KEY,
		id           TEXT NOT NULL,
		kind         TEXT NOT NULL,
		severity     TEXT NOT NULL,
		worst        TEXT NOT NULL,
		vendors      TEXT NOT NULL,
		keys         TEXT NOT NULL,
		title        TEXT NOT NULL,
		detail       TEXT NOT NULL,
		advice       TEXT NOT NULL,
		since        INTEGER NOT NULL,
		lead_minutes INTEGER NOT NULL,
		opened_at    INTEGER NOT NULL,
		closed_at    INTEGER
	);
	CREATE INDEX findings_open ON findings(id) WHERE closed_at IS NULL;
	CREATE INDEX findings_opened ON findings(opened_at);`,

	// Schema 2: the notification outbox (outbox.go). Every event a
	// notifier is to announce is a row of outbox until it is delivered
	// (the row is deleted) or expires (expired_at is set; the row is kept
	// for ExpiredKept so check-config can say what was lost, then pruned).
	// payload is the event as notify's Payload JSON, which names keys and
	// shows fingerprints only, never a key; finding is the finding's id,
	// so one finding's events go out in order. Times are Unix
	// milliseconds. notify_state holds each notifier's dispatcher state
	// (what it has announced), written in the transaction that queues the
	// rows, so a finding counts as announced exactly when its event is
	// queued.
	`CREATE TABLE outbox (
		id           INTEGER PRIMARY KEY,
		notifier     TEXT NOT NULL,
		finding      TEXT NOT NULL,
		payload      TEXT NOT NULL,
		created_at   INTEGER NOT NULL,
		attempts     INTEGER NOT NULL DEFAULT 0,
		next_attempt INTEGER NOT NULL,
		last_error   TEXT NOT NULL DEFAULT '',
		expires_at   INTEGER NOT NULL,
		expired_at   INTEGER
	);
	CREATE INDEX outbox_pending ON outbox(notifier, id) WHERE expired_at IS NULL;
	CREATE INDEX outbox_expires ON outbox(expires_at) WHERE expired_at IS NULL;
	CREATE TABLE notify_state (
		notifier   TEXT PRIMARY KEY,
		value      TEXT NOT NULL,
		updated_at INTEGER NOT NULL
	);`,

	// Schema 3: evidence for support tickets (evidence.go). evidence holds
	// every key probe, every read of a key list and every audit-log query
	// as a JSON body (fingerprints, masks and request ids only, never a
	// key). chain links every events and evidence row recorded from now
	// on with SHA-256: a link's hash covers its row's content and the
	// previous link's hash, so a row edited or deleted afterwards breaks
	// the chain. Rows recorded before this migration are not chained: the
	// chain starts at migration time, which the state row chain_started
	// records (Unix milliseconds). A database without events yet starts
	// its chain at its first link instead (Store.link), so that a new
	// database's schema is a file made once (template.go).
	`CREATE TABLE evidence (
		id     INTEGER PRIMARY KEY,
		at     INTEGER NOT NULL,
		vendor TEXT NOT NULL,
		key    TEXT NOT NULL,
		kind   TEXT NOT NULL,
		body   TEXT NOT NULL
	);
	CREATE INDEX evidence_vendor_at ON evidence(vendor, at);
	CREATE TABLE chain (
		seq  INTEGER PRIMARY KEY,
		tbl  TEXT NOT NULL,
		row  INTEGER NOT NULL,
		at   INTEGER NOT NULL,
		prev TEXT NOT NULL,
		hash TEXT NOT NULL
	);
	CREATE INDEX chain_row ON chain(tbl, row);
	CREATE INDEX chain_at ON chain(at);
	INSERT INTO state (name, value, updated_at)
		SELECT 'chain_started', CAST(CAST(unixepoch('subsec') * 1000 AS INTEGER) AS TEXT), CAST(unixepoch('subsec') * 1000 AS INTEGER)
		WHERE EXISTS (SELECT 1 FROM events)
		ON CONFLICT(name) DO NOTHING;`,

	// Schema 4: rotation checklists (rotations.go).
	rotationsSchema,

	// Schema 5: silences (silences.go).
	silencesSchema,

	// Schema 6: runs of identical observations (runs.go).
	runsSchema,

	// Schema 7: the runs as a rollup of the probes (probe_runs.go).
	probeRunsSchema,

	// Schema 8: state rows larger than 4 KiB may be stored packed
	// (statecodec.go). No table changes; the version tells an older
	// vendorwatch, which would take a packed row for damage, to ask for
	// an upgrade instead.
	`UPDATE state SET value = value WHERE 0`,
}

// SchemaVersion is the schema this vendorwatch writes.
var SchemaVersion = len(migrations)

// migrate applies the missing migrations in one transaction.
func (s *Store) migrate(ctx context.Context) error { return s.migrateOn(ctx, s.db) }

// migrateOn brings the schema of the database db opens up to date.
func (s *Store) migrateOn(ctx context.Context, db *sql.DB) error {
	v, err := s.version(ctx, db)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("%w: %s has schema %d, this vendorwatch knows %d; upgrade vendorwatch", ErrNewer, s.path, v, SchemaVersion)
	}
	if v == SchemaVersion {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("migrating", err)
	}
	defer tx.Rollback()
	if _, err := exec(ctx, tx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return s.wrap("migrating", err)
	}
	if v, err = s.version(ctx, tx); err != nil { // another process may have migrated meanwhile
		return err
	}
	for i := v; i < SchemaVersion; i++ {
		if _, err := exec(ctx, tx, migrations[i]); err != nil {
			return s.wrap(fmt.Sprintf("migrating to schema %d", i+1), err)
		}
	}
	if _, err := exec(ctx, tx, `DELETE FROM schema_version`); err != nil {
		return s.wrap("migrating", err)
	}
	if _, err := exec(ctx, tx, `INSERT INTO schema_version (version) VALUES (?)`, SchemaVersion); err != nil {
		return s.wrap("migrating", err)
	}
	return s.wrap("migrating", tx.Commit())
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// version reads the schema version; 0 for a new database.
func (s *Store) version(ctx context.Context, q querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).Scan(&n)
	if err != nil {
		return 0, s.wrap("reading the schema version", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v int
	err = q.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	return v, s.wrap("reading the schema version", err)
}

// inWAL reports whether the database file f is in WAL mode, as its header
// says: the file format's write and read versions (bytes 18 and 19) are 2
// in WAL mode, 1 in the rollback journal's. The mode is kept in the file,
// so a connection to a database already in WAL mode need not ask for it:
// the PRAGMA takes a lock and reads the file at every connection, a
// twentieth of a --once over 10 vendors. A new file, or one in another
// mode (set back by another program), gets journal_mode=WAL at connect.
func inWAL(f *os.File) bool {
	var h [20]byte
	if _, err := f.ReadAt(h[:], 0); err != nil {
		return false
	}
	return string(h[:16]) == "SQLite format 3\x00" && h[18] == 2 && h[19] == 2
}
