package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// The silences table keeps every silence (correlate's Silence): who
// added it, why, and until when. A silence is never deleted while it is
// kept: expiring one by hand sets expired_at, so "silence list --all"
// can say who muted what. Commit reads the active ones in its
// transaction and marks the report's findings they match. Times are Unix
// milliseconds.
const silencesSchema = `CREATE TABLE silences (
		id         INTEGER PRIMARY KEY,
		vendor     TEXT NOT NULL,
		kind       TEXT NOT NULL,
		key        TEXT NOT NULL,
		comment    TEXT NOT NULL,
		created_by TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		until      INTEGER NOT NULL,
		expired_at INTEGER
	);
	CREATE INDEX silences_until ON silences(until);`

// ErrNoSilence: no silence has the ID given.
var ErrNoSilence = errors.New("no such silence")

// AddSilence stores a new silence and returns it with its ID. The
// silence is validated first (correlate's Silence.Validate).
func (s *Store) AddSilence(ctx context.Context, sl correlate.Silence) (correlate.Silence, error) {
	if err := sl.Validate(); err != nil {
		return correlate.Silence{}, err
	}
	res, err := exec(ctx, s.db, `INSERT INTO silences (vendor, kind, key, comment, created_by, created_at, until) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		sl.Vendor, string(sl.Kind), sl.Key, sl.Comment, sl.By, sl.Created.UTC().UnixMilli(), sl.Until.UTC().UnixMilli())
	if err != nil {
		return correlate.Silence{}, s.wrap("recording a silence", err)
	}
	if sl.ID, err = res.LastInsertId(); err != nil {
		return correlate.Silence{}, s.wrap("recording a silence", err)
	}
	return sl, nil
}

// Silences returns the silences active at now, or with all every silence
// kept, newest first.
func (s *Store) Silences(ctx context.Context, now time.Time, all bool) ([]correlate.Silence, error) {
	if all {
		return s.querySilences(ctx, s.db, ``)
	}
	return activeSilences(ctx, s, s.db, now)
}

func activeSilences(ctx context.Context, s *Store, q rowsQuerier, now time.Time) ([]correlate.Silence, error) {
	ms := now.UTC().UnixMilli()
	return s.querySilences(ctx, q, `WHERE until > ? AND (expired_at IS NULL OR expired_at > ?)`, ms, ms)
}

// ExpireSilence ends the silence id at now, and returns it as stored. A
// silence already over is returned as it is.
func (s *Store) ExpireSilence(ctx context.Context, id int64, now time.Time) (correlate.Silence, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return correlate.Silence{}, s.wrap("starting a write", err)
	}
	defer tx.Rollback()
	got, err := s.querySilences(ctx, tx, `WHERE id = ?`, id)
	if err != nil {
		return correlate.Silence{}, err
	}
	if len(got) == 0 {
		return correlate.Silence{}, fmt.Errorf("%w: %d", ErrNoSilence, id)
	}
	sl := got[0]
	if !sl.Active(now) {
		return sl, nil
	}
	sl.Expired = now.UTC()
	if _, err := exec(ctx, tx, `UPDATE silences SET expired_at = ? WHERE id = ?`, sl.Expired.UnixMilli(), id); err != nil {
		return correlate.Silence{}, s.wrap("expiring a silence", err)
	}
	return sl, s.wrap("committing", tx.Commit())
}

func (s *Store) querySilences(ctx context.Context, q rowsQuerier, where string, args ...any) ([]correlate.Silence, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, vendor, kind, key, comment, created_by, created_at, until, expired_at FROM silences `+where+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") && s.readOnly {
			return nil, nil // an older database read as it is: it has none
		}
		return nil, s.wrap("reading silences", err)
	}
	defer rows.Close()
	var out []correlate.Silence
	for rows.Next() {
		var sl correlate.Silence
		var kind string
		var created, until int64
		var expired sql.NullInt64
		if err := rows.Scan(&sl.ID, &sl.Vendor, &kind, &sl.Key, &sl.Comment, &sl.By, &created, &until, &expired); err != nil {
			return nil, s.wrap("reading silences", err)
		}
		sl.Kind = correlate.Kind(kind)
		sl.Created, sl.Until = time.UnixMilli(created).UTC(), time.UnixMilli(until).UTC()
		if expired.Valid {
			sl.Expired = time.UnixMilli(expired.Int64).UTC()
		}
		out = append(out, sl)
	}
	return out, s.wrap("reading silences", rows.Err())
}
