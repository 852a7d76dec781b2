package history

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// walLimit is the history's journal_size_limit: after a checkpoint the
// write-ahead log is cut back to this size, and to nothing when the last
// connection closes (keepLog).
const walLimit = 4 << 20

// keepLog opens the history's connections so that each keeps the
// write-ahead log and its shared-memory file when it closes: emptied (the
// log's frames are merged into the database first, as before), not
// deleted (SQLite's SQLITE_FCNTL_PERSIST_WAL). SQLite otherwise deletes
// both when the last connection closes, so every --once and tmux refresh
// created two files and removed them again, even in a round that wrote
// nothing: on ext4, a file's creation costs up to a millisecond of kernel
// time. An empty log is what a closed database without one holds, to
// SQLite and to the open's check (checkstamp.go).
type keepLog struct{ driver.Connector }

// Connect opens a connection that keeps the log.
func (k keepLog) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := k.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	fc, ok := c.(sqlite.FileControl)
	if !ok {
		return c, nil
	}
	if _, err := fc.FileControlPersistWAL("main", 1); err != nil {
		c.Close()
		return nil, fmt.Errorf("keeping the write-ahead log: %w", err)
	}
	return c, nil
}

// openKeepingLog opens a pool of at most conns connections to path, with
// the URI parameters query, whose connections keep the log.
func openKeepingLog(path, query string, conns int) (*sql.DB, error) {
	connector, err := sqlite.NewConnector(path + "?" + query)
	if err != nil {
		return nil, fmt.Errorf("history database %s: %w", path, err)
	}
	db := sql.OpenDB(keepLog{connector})
	db.SetMaxOpenConns(conns)
	return db, nil
}
