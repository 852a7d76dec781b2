package history

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/jsonarrays"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// State is what the last commit left: correlate's memory and the latest
// report (nil before the first commit).
type State struct {
	Memory correlate.Memory
	Report *correlate.Report
}

// The rows of the state table.
const (
	stateMemory   = "memory"
	stateReport   = "report"
	stateBaseline = "baseline"
	stateObserved = "observed" // when the report's observations were made (merge.go)
	stateSeed     = "seed"     // the report with its vendors' status pages left empty (LoadSeed)
	stateSums     = "sums"     // the stable sums of memory, baseline and report (quiet.go)
)

// Load returns the latest state. It only reads, so it never waits for a
// writer.
func (s *Store) Load(ctx context.Context) (State, error) {
	st, _, err := s.load(ctx, s.db, reportFull)
	return st, err
}

// LoadSeed is Load for a process that checks every vendor before it shows
// anything (--once, the tmux refresh): the report's vendors come without
// their status pages, which the check replaces anyway; the rest (keys and
// their streaks, reachability, inventories, findings) is whole. The status
// pages are most of a report (14 MB of 15 at 5,000 vendors), so they are
// neither read nor decoded: every write of the report writes the seed row
// beside it, the same report with the pages left empty. A seed row not
// written with the stored memory (an older vendorwatch wrote the state
// since) is passed over for the report itself.
func (s *Store) LoadSeed(ctx context.Context) (State, error) {
	st, _, err := s.load(ctx, s.db, reportSeed)
	return st, err
}

// LoadMemory is the stored memory alone (the streaks and the findings'
// episodes): what a check is assessed with when the commit that reads it
// itself could not run.
func (s *Store) LoadMemory(ctx context.Context) (correlate.Memory, error) {
	st, _, err := s.load(ctx, s.db, reportNone)
	return st.Memory, err
}

// How much of the stored report load decodes.
const (
	reportNone = iota // a commit needs only the memory and the baseline
	reportSeed        // all but the vendors' status pages
	reportFull
)

// seedReport decodes a stored report but for the vendors' status pages:
// the shallower Status field of seedVendor takes the "status" member, and
// skipJSON drops it unread.
type seedReport struct {
	correlate.Report
	Vendors []seedVendor `json:"vendors"`
}

type seedVendor struct {
	correlate.VendorReport
	Status skipJSON `json:"status"`
}

type skipJSON struct{}

func (*skipJSON) UnmarshalJSON([]byte) error { return nil }

type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// load reads the memory with the baseline (a commit's, reportNone) or with
// the report (a reader's, as much of it as report says), in one statement,
// so they are consistent with each other. The report is by far the largest
// row (every vendor's status page): a commit leaves it out, and a reader
// has no use for the baseline.
func (s *Store) load(ctx context.Context, q stateQuerier, report int) (State, baseline, error) {
	var st State
	var b baseline
	var seed seedReport
	stored, err := s.stateRows(ctx, q, report)
	if err != nil {
		return st, b, err
	}
	for _, name := range []string{stateMemory, stateBaseline, stateReport, stateSeed} {
		value, ok := stored[name]
		if !ok {
			continue
		}
		var target any
		seeded := false
		switch name {
		case stateMemory:
			target = &st.Memory
		case stateReport, stateSeed:
			if report == reportSeed {
				target, seeded = &seed, true
				break
			}
			st.Report = &correlate.Report{}
			target = st.Report
		case stateBaseline:
			target = &b
		}
		if err := json.Unmarshal(value, target); err != nil {
			return st, b, fmt.Errorf("%w: %s: the stored %s is not valid JSON (%v); the file was left as it is", ErrCorrupt, s.path, name, err)
		}
		if seeded {
			st.Report = &seed.Report
			st.Report.Vendors = make([]correlate.VendorReport, len(seed.Vendors))
			for i, v := range seed.Vendors {
				st.Report.Vendors[i] = v.VendorReport
			}
		}
	}
	return st, b, nil
}

type stateQuerier interface {
	rowsQuerier
	querier
}

// stateRows reads the state rows load needs in one statement, so they are
// consistent with each other: a commit's memory and baseline (reportNone),
// or a reader's memory and report (the seed row for reportSeed, when it is
// current). It takes them from the state a commit kept in memory
// (quiet.go) when that is newer.
func (s *Store) stateRows(ctx context.Context, q stateQuerier, report int) (map[string][]byte, error) {
	p, err := s.takePending(ctx, q)
	if err != nil {
		return nil, err
	}
	names := []string{stateMemory, stateBaseline}
	if report != reportNone {
		names = []string{stateMemory, stateReport}
	}
	if p != nil {
		out := map[string][]byte{}
		for _, n := range names {
			out[n] = p.rows[n]
		}
		return out, nil
	}
	if report == reportSeed {
		out, at, err := s.queryStates(ctx, q, stateMemory, stateSeed)
		if _, ok := out[stateSeed]; err != nil || (ok && at[stateSeed] == at[stateMemory]) {
			return out, err
		}
	}
	out, _, err := s.queryStates(ctx, q, names...)
	return out, err
}

// queryStates reads the named state rows in one statement: their values
// and when each was written (Unix milliseconds), by name. A row not stored
// is absent from both.
func (s *Store) queryStates(ctx context.Context, q stateQuerier, names ...string) (map[string][]byte, map[string]int64, error) {
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	rows, err := q.QueryContext(ctx, `SELECT name, value, updated_at FROM state WHERE name IN (?`+strings.Repeat(", ?", len(names)-1)+`)`, args...)
	if err != nil {
		return nil, nil, s.wrap("reading the state", err)
	}
	defer rows.Close()
	out, at := map[string][]byte{}, map[string]int64{}
	for rows.Next() {
		var name string
		var value []byte
		var updated int64
		if err := rows.Scan(&name, &value, &updated); err != nil {
			return nil, nil, s.wrap("reading the state", err)
		}
		if value, err = s.unpack(name, value); err != nil {
			return nil, nil, err
		}
		out[name], at[name] = value, updated
	}
	return out, at, s.wrap("reading the state", rows.Err())
}

// Commit records one check in a single transaction: it merges the check
// into the stored observations, assesses the result with the stored
// memory, then stores the new memory and report, records the transitions
// (vendor states, incidents, keys, reachability, findings) and replaces
// the snapshot file. Two processes committing at once are serialized, so
// neither loses the other's streaks.
//
// Observations are ordered by the time they were made, part by part (a
// vendor's status page, keyless request, each key, its key inventory and
// call records): an older one never replaces a newer one, so a slower
// process that finishes last neither turns the clock back nor records a
// transition twice. A check with nothing newer than the store holds
// writes nothing (Committed.Stale). The stored results of configured
// vendors the check left out (--only) are carried over and assessed with
// it, so they keep their levels, streaks and findings.
func (s *Store) Commit(ctx context.Context, c Check, assess AssessFunc) (Committed, error) {
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock now
	if err != nil {
		return Committed{}, s.wrap("starting a write", err)
	}
	defer tx.Rollback()
	prev, base, err := s.load(ctx, tx, reportNone)
	if err != nil {
		return Committed{}, err
	}
	idx, stored, err := s.loadObserved(ctx, tx)
	if err != nil {
		return Committed{}, err
	}
	if prev.Memory.Rotations, err = s.loadRotations(ctx, tx, c.Snapshot.GeneratedAt); err != nil {
		return Committed{}, err
	}
	fresh, needStored := plan(c, idx)
	if (needStored || !fresh) && stored == nil {
		if stored, err = s.loadReport(ctx, tx); err != nil {
			return Committed{}, err
		}
	}
	if !fresh && stored != nil {
		// The stored report with the silences of now: one added or
		// expired since it was stored shows at once.
		sls, err := activeSilences(ctx, s, tx, c.Snapshot.GeneratedAt)
		if err != nil {
			return Committed{}, err
		}
		return Committed{Report: correlate.ApplySilences(*stored, sls, c.Snapshot.GeneratedAt), Memory: prev.Memory, Stale: true}, nil
	}
	snap := merge(c, stored, idx)
	rep, mem := assess(snap, prev.Memory)
	if mem.Rotations, err = s.storeRotations(ctx, tx, prev.Memory.Rotations, mem.Rotations); err != nil {
		return Committed{}, err
	}
	rep.Rotations = rotationsOf(rep, mem.Rotations)
	// Silences mute what is reported, not what happened: the findings
	// and events below are recorded from rep as assessed, and the report
	// shown is muted. It is handed on before they are written, so that
	// --once prints it meanwhile: a first check of 5,000 vendors records
	// 1,500 events.
	sls, err := activeSilences(ctx, s, tx, rep.GeneratedAt)
	if err != nil {
		return Committed{}, err
	}
	shown := correlate.ApplySilences(rep, sls, rep.GeneratedAt)
	if c.Assessed != nil {
		c.Assessed(shown)
	}
	evs, nextBase := changes(base, rep)
	opened := map[string]time.Time{}
	for id, f := range prev.Memory.Open {
		opened[id] = f.Opened
	}
	evs = append(evs, findingEvents(rep, correlate.Changes(prev.Memory, mem), opened)...)
	sortEvents(evs)

	if err := s.recordFindings(ctx, tx, rep, prev.Memory, mem); err != nil {
		return Committed{}, err
	}
	for i := range evs {
		e := &evs[i]
		res, err := exec(ctx, tx, `INSERT INTO events (at, vendor, vendor_name, kind, subject, severity, text, detail, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.At.UnixMilli(), e.Vendor, e.VendorName, string(e.Kind), e.Subject, string(e.Severity), e.Text, e.Detail, e.URL)
		if err != nil {
			return Committed{}, s.wrap("recording events", err)
		}
		e.ID, _ = res.LastInsertId()
		if err := s.link(ctx, tx, tableEvents, e.ID, e.At); err != nil {
			return Committed{}, err
		}
	}
	if err := s.recordEvidence(ctx, tx, c, idx); err != nil {
		return Committed{}, err
	}
	rep = shown
	now := rep.GeneratedAt.UTC()
	repJSON, err := reportJSON(rep, cmp.Or(s.reportSize(), reportGuess*int64(len(rep.Vendors))))
	if err != nil {
		return Committed{}, err
	}
	s.reportLen.Store(int64(len(repJSON)))
	obs := observedOf(snap)
	obs.At = now
	p := &pendingState{at: now, rows: map[string][]byte{stateReport: repJSON}}
	for name, v := range map[string]any{stateMemory: mem, stateBaseline: nextBase, stateObserved: obs} {
		b, err := json.Marshal(v)
		if err != nil {
			return Committed{}, fmt.Errorf("history: encoding %s: %w", name, err)
		}
		p.rows[name] = b
	}
	if err := s.prune(ctx, tx, now); err != nil {
		return Committed{}, err
	}
	// A check that changed nothing but check times leaves the stored
	// state and the snapshot as they are (quiet.go), up to StateRefresh.
	if err := s.seedQuiet(ctx, tx); err != nil {
		return Committed{}, err
	}
	sums := sumsOf(p)
	at, err := storedAt(ctx, tx)
	if err != nil {
		return Committed{}, s.wrap("reading the state", err)
	}
	quietRound := len(evs) == 0 && s.unchanged(p, sums, at)
	if !quietRound {
		if p.rows[stateSeed], err = seedJSON(rep); err != nil {
			return Committed{}, err
		}
		if err := s.putStates(ctx, tx, p, sums); err != nil {
			return Committed{}, err
		}
	}
	// The snapshot file is replaced while the write lock is held, so
	// snapshots from concurrent writers land in commit order.
	if err := s.placeSnapshot(repJSON, c.Partial, !quietRound, now); err != nil {
		return Committed{}, err
	}
	// The line digest follows the snapshot, so it is never the newer of
	// the two unless it is whole. After a partial commit it is the newer
	// one: it describes the stored report, which the snapshot file gets
	// at the round's last commit. It is not synced: a digest lost in a
	// crash only sends the widget the slow way, to the snapshot.
	if s.opts.Digest != nil {
		if line, err := s.opts.Digest(rep); err == nil {
			writeDigest(filepath.Join(s.dir, statusline.DigestFile), line, now)
		}
	}
	if err := tx.Commit(); err != nil {
		return Committed{}, s.wrap("committing", err)
	}
	s.mu.Lock()
	if quietRound {
		s.quiet.pending = p
	} else {
		s.quiet = quiet{writtenAt: now.UnixMilli(), sums: sums}
	}
	s.mu.Unlock()
	return Committed{Report: rep, Memory: mem, Events: evs}, nil
}

func (s *Store) putState(ctx context.Context, tx *sql.Tx, name string, value []byte, now time.Time) error {
	_, err := exec(ctx, tx, `INSERT INTO state (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, packable(value), now.UnixMilli())
	return s.wrap("storing the "+name, err)
}

// reportJSON encodes a report as schema-1 JSON like output.WriteJSON (no
// HTML escaping, trailing newline) but compact: the snapshot file and the
// stored row are read by programs (the tmux widget, jq), and indenting a
// report with encoding/json costs several times what encoding it does.
// The snapshot file reads back with output.ReadJSON.
//
// The report writes itself (Report.WriteJSON) into one buffer of about
// sizeHint bytes, the size of the last report: encoding/json would check
// and copy the megabytes of a large report once more, and a buffer grown
// by doubling clears and copies them several times.
func reportJSON(r correlate.Report, sizeHint int64) ([]byte, error) {
	var buf bytes.Buffer
	if sizeHint > 0 && sizeHint < 1<<30 {
		buf.Grow(int(sizeHint + sizeHint/16))
	}
	if err := r.WriteJSON(&buf); err != nil {
		return nil, fmt.Errorf("history: encoding the report: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// seedJSON is the seed row of report r (LoadSeed): r with every vendor's
// status page left empty, a twentieth of its size.
func seedJSON(r correlate.Report) ([]byte, error) {
	vendors := make([]correlate.VendorReport, len(r.Vendors))
	for i, v := range r.Vendors {
		v.Status = seedStatus()
		vendors[i] = v
	}
	r.Vendors = vendors
	return reportJSON(r, 0)
}

// seedStatus is the empty status page of a vendor in the seed row, its
// lists empty rather than nil: the JSON encoder would otherwise copy
// every vendor to fill them (jsonarrays.Of), megabytes at 1,000 vendors.
// It is made on first use, not when the process starts: most processes
// never write a seed row.
var seedStatus = sync.OnceValue(func() observe.Status { return jsonarrays.Of(observe.Status{}) })

// reportGuess is about the size of one vendor's part of a report's JSON,
// for the first report of a state dir, when no earlier one says (a
// vendor of vwbench's fleet takes 2.8 KiB). Grown from nothing, the
// buffer of a 5,000-vendor report is copied a dozen times and cleared
// at every step: a quarter of a second of the first check's commit.
const reportGuess = 2 << 10

// reportSize is about the size of the next report's JSON: the last one
// this Store encoded, else the snapshot file's (the last one written); 0
// when neither is known.
func (s *Store) reportSize() int64 {
	if n := s.reportLen.Load(); n > 0 {
		return n
	}
	if fi, err := os.Stat(s.SnapshotPath()); err == nil {
		return fi.Size()
	}
	return 0
}

// recordFindings keeps the findings table in step with the memory: a row
// per finding occurrence, opened, updated to its latest text and worst
// severity, and closed.
func (s *Store) recordFindings(ctx context.Context, tx *sql.Tx, rep correlate.Report, prev, next correlate.Memory) error {
	now := rep.GeneratedAt.UTC().UnixMilli()
	// Pending findings are no episode yet: they are recorded once confirmed.
	was, is := prev.Episodes(), next.Episodes()
	for _, id := range sortedKeys(was) {
		if f, open := is[id]; open && !f.Reopened(was[id]) {
			continue
		}
		// A closing finding ended when its recovery was first seen.
		closed := now
		if p := was[id]; p.State == correlate.StateClosing && !p.Seen.IsZero() {
			closed = p.Seen.UTC().UnixMilli()
		}
		if _, err := exec(ctx, tx, `UPDATE findings SET closed_at = ? WHERE id = ? AND closed_at IS NULL`, closed, id); err != nil {
			return s.wrap("closing a finding", err)
		}
	}
	for _, id := range sortedKeys(is) {
		f := is[id]
		// A finding the last commit left as it is has its row as it is:
		// rewriting the same values would still write its pages.
		if p, open := was[id]; open && !f.Reopened(p) && sameRow(p, f) {
			continue
		}
		vendors, _ := json.Marshal(nonNil(f.Vendors))
		keys, _ := json.Marshal(nonNil(f.Keys))
		advice, _ := json.Marshal(nonNil(f.Advice))
		res, err := exec(ctx, tx, `UPDATE findings SET kind = ?, severity = ?,
				worst = CASE WHEN ? > (CASE worst WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END) THEN ? ELSE worst END,
				vendors = ?, keys = ?, title = ?, detail = ?, advice = ?, since = ?, lead_minutes = max(lead_minutes, ?)
			WHERE id = ? AND closed_at IS NULL`,
			string(f.Kind), string(f.Severity), f.Severity.Rank(), string(f.Severity), string(vendors), string(keys),
			f.Title, f.Detail, string(advice), f.Since.UnixMilli(), f.LeadMinutes, id)
		if err != nil {
			return s.wrap("updating a finding", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			continue
		}
		opened := f.Opened
		if opened.IsZero() {
			opened = rep.GeneratedAt
		}
		_, err = exec(ctx, tx, `INSERT INTO findings (id, kind, severity, worst, vendors, keys, title, detail, advice, since, lead_minutes, opened_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, string(f.Kind), string(f.Severity), string(f.Severity), string(vendors), string(keys), f.Title, f.Detail, string(advice),
			f.Since.UnixMilli(), f.LeadMinutes, opened.UTC().UnixMilli())
		if err != nil {
			return s.wrap("recording a finding", err)
		}
	}
	return nil
}

// sameRow reports whether two states of a finding give its row the same
// values.
func sameRow(a, b correlate.OpenFinding) bool {
	return a.Kind == b.Kind && a.Severity == b.Severity && slices.Equal(a.Vendors, b.Vendors) && slices.Equal(a.Keys, b.Keys) &&
		a.Title == b.Title && a.Detail == b.Detail && slices.Equal(a.Advice, b.Advice) && a.Since.Equal(b.Since) && a.LeadMinutes == b.LeadMinutes
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
