package history

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The tables whose rows the chain links.
const (
	tableEvents   = "events"
	tableEvidence = "evidence"
)

// ChainStartedState is the state row that says when the chain started:
// the migration to schema 3 of a database that held events, or else the
// first link. Rows recorded before it are not chained.
const ChainStartedState = "chain_started"

// Link is one link of the hash chain: the row it covers and its hashes.
type Link struct {
	Seq   int64     `json:"seq"`
	Table string    `json:"table"`
	Row   int64     `json:"row"`
	At    time.Time `json:"at"`
	// Prev is the previous link's hash ("" for the first link); Hash is
	// hex SHA-256 of Prev, a newline and the row's canonical content.
	Prev string `json:"prev"`
	Hash string `json:"hash"`
}

// linkHash is the hash of a link: SHA-256 over the previous hash, a
// newline and the row's canonical content.
func linkHash(prev string, content []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// errNoRow is a chained row that is not in its table any more.
var errNoRow = errors.New("the row is missing")

// canonical is a row's content as the chain hashes it: a JSON array of
// the table's name, the row's id and its columns, read back from the
// database (so what was hashed is what was stored, redaction included).
func canonical(ctx context.Context, q rowQuerier, table string, id int64) ([]byte, error) {
	var at int64
	var cols []any
	switch table {
	case tableEvents:
		var vendor, vendorName, kind, subject, severity, text, detail, url string
		err := q.QueryRowContext(ctx, `SELECT at, vendor, vendor_name, kind, subject, severity, text, detail, url FROM events WHERE id = ?`, id).
			Scan(&at, &vendor, &vendorName, &kind, &subject, &severity, &text, &detail, &url)
		if err != nil {
			return nil, rowErr(err)
		}
		cols = []any{vendor, vendorName, kind, subject, severity, text, detail, url}
	case tableEvidence:
		var vendor, key, kind, body string
		err := q.QueryRowContext(ctx, `SELECT at, vendor, key, kind, body FROM evidence WHERE id = ?`, id).Scan(&at, &vendor, &key, &kind, &body)
		if err != nil {
			return nil, rowErr(err)
		}
		cols = []any{vendor, key, kind, body}
	default:
		return nil, fmt.Errorf("the chain names an unknown table %q", table)
	}
	return json.Marshal(append([]any{table, id, at}, cols...))
}

func rowErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errNoRow
	}
	return err
}

// link adds the row just inserted to the chain, inside the transaction
// that inserted it (which holds the write lock, so links never fork).
// The first link of a database that had no rows before the chain existed
// starts the chain: the state row chain_started says when.
func (s *Store) link(ctx context.Context, tx *sql.Tx, table string, id int64, at time.Time) error {
	content, err := canonical(ctx, tx, table, id)
	if err != nil {
		return s.wrap("chaining a row", err)
	}
	var prev string
	err = tx.QueryRowContext(ctx, `SELECT hash FROM chain ORDER BY seq DESC LIMIT 1`).Scan(&prev)
	if errors.Is(err, sql.ErrNoRows) {
		now := time.Now().UnixMilli()
		_, err = exec(ctx, tx, `INSERT INTO state (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING`,
			ChainStartedState, strconv.FormatInt(now, 10), now)
	}
	if err != nil {
		return s.wrap("chaining a row", err)
	}
	_, err = exec(ctx, tx, `INSERT INTO chain (tbl, row, at, prev, hash) VALUES (?, ?, ?, ?, ?)`,
		table, id, at.UnixMilli(), prev, linkHash(prev, content))
	return s.wrap("chaining a row", err)
}

// ChainCheck is the verdict on a stretch of the chain.
type ChainCheck struct {
	// Links counts the links checked; First and Last are the stretch's
	// ends (zero when it is empty).
	Links       int  `json:"links"`
	First, Last Link `json:"-"`
	// Intact is true when every link's hash matches its row and its
	// predecessor; Break says where it first does not.
	Intact bool        `json:"intact"`
	Break  *ChainBreak `json:"break,omitempty"`
}

// ChainBreak is where a chain stops verifying, and why.
type ChainBreak struct {
	Link   Link   `json:"link"`
	Reason string `json:"reason"`
}

// Reasons a chain breaks.
const (
	BreakChanged = "the row was changed after it was recorded"
	BreakMissing = "the row was deleted after it was recorded"
	BreakLink    = "the link does not follow the previous one: a link was removed or edited"
)

// VerifyChain re-checks the links with seq in [from, to] (to 0: up to the
// last link) against the rows they cover: each link's hash must be the
// hash of its predecessor's hash and its row's current content, and
// each link must name its predecessor's hash. The first link of the
// stretch is taken as it stands (the links before it may have been
// pruned with their rows after the retention).
func (s *Store) VerifyChain(ctx context.Context, from, to int64) (ChainCheck, error) {
	if to <= 0 {
		to = 1 << 62
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, tbl, row, at, prev, hash FROM chain WHERE seq >= ? AND seq <= ? ORDER BY seq`, from, to)
	if err != nil {
		return ChainCheck{}, s.wrap("reading the hash chain", err)
	}
	var links []Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			rows.Close()
			return ChainCheck{}, s.wrap("reading the hash chain", err)
		}
		links = append(links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ChainCheck{}, s.wrap("reading the hash chain", err)
	}
	c := ChainCheck{Links: len(links), Intact: true}
	for i, l := range links {
		if i == 0 {
			c.First = l
		}
		c.Last = l
		if i > 0 && l.Prev != links[i-1].Hash {
			c.Intact, c.Break = false, &ChainBreak{Link: l, Reason: BreakLink}
			return c, nil
		}
		content, err := canonical(ctx, s.db, l.Table, l.Row)
		if errors.Is(err, errNoRow) {
			c.Intact, c.Break = false, &ChainBreak{Link: l, Reason: BreakMissing}
			return c, nil
		}
		if err != nil {
			return c, s.wrap("verifying the hash chain", err)
		}
		if linkHash(l.Prev, content) != l.Hash {
			c.Intact, c.Break = false, &ChainBreak{Link: l, Reason: BreakChanged}
			return c, nil
		}
	}
	return c, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanLink(r scanner) (Link, error) {
	var l Link
	var at int64
	err := r.Scan(&l.Seq, &l.Table, &l.Row, &at, &l.Prev, &l.Hash)
	l.At = time.UnixMilli(at).UTC()
	return l, err
}

// ChainStarted is when the chain started (ChainStartedState); zero for a
// database that has no chain yet.
func (s *Store) ChainStarted(ctx context.Context) (time.Time, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT updated_at FROM state WHERE name = ?`, ChainStartedState).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, s.wrap("reading when the hash chain started", err)
	}
	return time.UnixMilli(v).UTC(), nil
}
