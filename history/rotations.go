package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// The rotations table keeps every rotation checklist (correlate's
// Rotation, as JSON in value, with the columns a query needs beside it).
// Commit reads the open and recent ones into the memory it assesses with,
// and writes back what the assessment changed, in its transaction; the
// rotation commands change one checklist in a transaction of their own.
// Both take the write lock first, so neither loses the other's change.
const rotationsSchema = `CREATE TABLE rotations (
		id         INTEGER PRIMARY KEY,
		vendor     TEXT NOT NULL,
		key        TEXT NOT NULL,
		state      TEXT NOT NULL,
		rotated_at INTEGER NOT NULL,
		closed_at  INTEGER,
		value      TEXT NOT NULL
	);
	CREATE INDEX rotations_open ON rotations(vendor, key) WHERE closed_at IS NULL;
	CREATE INDEX rotations_closed ON rotations(closed_at);`

// ErrNoRotation: no rotation of the key is open.
var ErrNoRotation = errors.New("no open rotation")

// loadRotations reads the rotations open at now or closed in the
// RecentRotation before it, oldest first.
func (s *Store) loadRotations(ctx context.Context, q rowsQuerier, now time.Time) ([]correlate.Rotation, error) {
	return s.queryRotations(ctx, q, `WHERE closed_at IS NULL OR closed_at >= ?`, now.Add(-correlate.RecentRotation).UnixMilli())
}

func (s *Store) queryRotations(ctx context.Context, q rowsQuerier, where string, args ...any) ([]correlate.Rotation, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, value FROM rotations `+where+` ORDER BY rotated_at, id`, args...)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") && s.readOnly {
			return nil, nil // an older database read as it is: it has none
		}
		return nil, s.wrap("reading rotations", err)
	}
	defer rows.Close()
	var out []correlate.Rotation
	for rows.Next() {
		var id int64
		var value []byte
		if err := rows.Scan(&id, &value); err != nil {
			return nil, s.wrap("reading rotations", err)
		}
		var r correlate.Rotation
		if err := json.Unmarshal(value, &r); err != nil {
			return nil, fmt.Errorf("%w: %s: rotation %d is not valid JSON (%v); the file was left as it is", ErrCorrupt, s.path, id, err)
		}
		r.ID = id
		out = append(out, r)
	}
	return out, s.wrap("reading rotations", rows.Err())
}

// storeRotations writes the rotations of an assessment: new ones are
// inserted, changed ones updated. A rotation another transaction closed
// meanwhile cannot be, as both hold the write lock.
func (s *Store) storeRotations(ctx context.Context, tx *sql.Tx, before, after []correlate.Rotation) ([]correlate.Rotation, error) {
	out := slices.Clone(after)
	for i := range out {
		r := &out[i]
		if r.ID != 0 {
			j := slices.IndexFunc(before, func(b correlate.Rotation) bool { return b.ID == r.ID })
			if j >= 0 && rotationEqual(before[j], *r) {
				continue
			}
		}
		id, err := s.putRotation(ctx, tx, *r)
		if err != nil {
			return nil, err
		}
		r.ID = id
	}
	return out, nil
}

func rotationEqual(a, b correlate.Rotation) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// putRotation inserts r (ID 0) or updates it, and returns its ID.
func (s *Store) putRotation(ctx context.Context, tx execer, r correlate.Rotation) (int64, error) {
	id := r.ID
	r.ID = 0 // the column holds it
	value, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("history: encoding a rotation: %w", err)
	}
	var closed any
	if !r.ClosedAt.IsZero() {
		closed = r.ClosedAt.UTC().UnixMilli()
	}
	if id == 0 {
		res, err := exec(ctx, tx, `INSERT INTO rotations (vendor, key, state, rotated_at, closed_at, value) VALUES (?, ?, ?, ?, ?, ?)`,
			r.Vendor, r.Key, string(r.State), r.RotatedAt.UTC().UnixMilli(), closed, string(value))
		if err != nil {
			return 0, s.wrap("recording a rotation", err)
		}
		return res.LastInsertId()
	}
	_, err = exec(ctx, tx, `UPDATE rotations SET state = ?, closed_at = ?, value = ? WHERE id = ?`, string(r.State), closed, string(value), id)
	return id, s.wrap("updating a rotation", err)
}

// Rotations returns the rotations that are open, and those closed since
// since, oldest first.
func (s *Store) Rotations(ctx context.Context, since time.Time) ([]correlate.Rotation, error) {
	return s.queryRotations(ctx, s.db, `WHERE closed_at IS NULL OR closed_at >= ?`, since.UnixMilli())
}

// RotationsIn returns the rotations open at any time in [since, until),
// oldest first: for the incident report.
func (s *Store) RotationsIn(ctx context.Context, since, until time.Time) ([]correlate.Rotation, error) {
	return s.queryRotations(ctx, s.db, `WHERE rotated_at < ? AND (closed_at IS NULL OR closed_at >= ?)`, until.UnixMilli(), since.UnixMilli())
}

// UpdateRotation changes the open rotation of vendor/key with fn (MarkDone
// or Dismiss) in one transaction, and returns it as stored. It is
// ErrNoRotation when the key has no open rotation.
func (s *Store) UpdateRotation(ctx context.Context, vendor, key string, fn func(*correlate.Rotation) error) (correlate.Rotation, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return correlate.Rotation{}, s.wrap("starting a write", err)
	}
	defer tx.Rollback()
	open, err := s.queryRotations(ctx, tx, `WHERE closed_at IS NULL AND vendor = ? AND key = ?`, vendor, key)
	if err != nil {
		return correlate.Rotation{}, err
	}
	if len(open) == 0 {
		return correlate.Rotation{}, fmt.Errorf("%w of %s/%s", ErrNoRotation, vendor, key)
	}
	r := open[len(open)-1]
	if err := fn(&r); err != nil {
		return correlate.Rotation{}, err
	}
	if _, err := s.putRotation(ctx, tx, r); err != nil {
		return correlate.Rotation{}, err
	}
	return r, s.wrap("committing", tx.Commit())
}

// rotationsOf is the report's rotations numbered as stored: the
// assessment's with the IDs the store gave them.
func rotationsOf(rep correlate.Report, stored []correlate.Rotation) []correlate.Rotation {
	if len(rep.Rotations) == 0 {
		return rep.Rotations
	}
	return slices.Clone(stored)
}
