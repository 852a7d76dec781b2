package history

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vendorwatch/vendorwatch/observe"
)

// runKey names the run of one kind of observation of one vendor (and key).
type runKey struct{ vendor, key, kind string }

// fill counts the quiet rounds [from, to) into the evidence as Commit
// would: every vendor shows what it showed at the round before, so each
// probe and status page extends its run, or opens a new row and run
// where the run ends (runMax). It is one transaction; the runs are kept
// in memory and written once at its end. The stored state is left as
// the last commit wrote it, as a quiet Commit leaves it.
func (w *world) fill(ctx context.Context, s *Store, from, to int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("starting a write", err)
	}
	defer tx.Rollback()
	runs, err := s.lastRuns(ctx, tx)
	if err != nil {
		return err
	}
	type obs struct {
		k   runKey
		v   int
		key int // the key's index, -1 for the status page
		sum [32]byte
	}
	// What every vendor shows through the stretch, and its stable sum.
	var all []obs
	for i := range w.vendors {
		vr := w.vendorAt(i, from)
		for k, kr := range vr.Keys {
			b, err := json.Marshal(kr)
			if err != nil {
				return fmt.Errorf("history: encoding probe evidence: %w", err)
			}
			sum, err := observationSum(kr, b)
			if err != nil {
				return err
			}
			all = append(all, obs{k: runKey{vr.ID, kr.Name, EvidenceProbe}, v: i, key: k, sum: sum})
		}
		seen := statusSeen(vr.Status)
		b, err := json.Marshal(seen)
		if err != nil {
			return fmt.Errorf("history: encoding status evidence: %w", err)
		}
		sum, err := observationSum(seen, b)
		if err != nil {
			return err
		}
		all = append(all, obs{k: runKey{vr.ID, "", EvidenceStatus}, v: i, key: -1, sum: sum})
	}
	// The runs extended since they opened (or since the stretch began):
	// each was extended by every round since, up to the one before
	// where it ends, and is written then.
	touched := map[runKey]bool{}
	save := func(o obs, last int) error {
		run, req := runs[o.k], ""
		if o.key >= 0 {
			req = w.vendorAt(o.v, last).Keys[o.key].RequestID
		}
		_, err := exec(ctx, tx, `UPDATE evidence_runs SET last_at = ?, count = ?, spacing = ?, last_request = ? WHERE row = ?`,
			run.lastAt, run.count, run.spacing, req, run.row)
		return s.wrap("extending an evidence run", err)
	}
	for r := from; r < to; r++ {
		t := w.at(r)
		var vr *observe.VendorResult
		vri := -1
		for _, o := range all {
			run := runs[o.k]
			if run != nil && run.extend(t.UnixMilli(), o.sum[:]) {
				touched[o.k] = true
				continue
			}
			if touched[o.k] {
				if err := save(o, r-1); err != nil {
					return err
				}
				delete(touched, o.k)
			}
			// A new row and run, with the body this round's check would
			// have recorded.
			if vri != o.v {
				v := w.vendorAt(o.v, r)
				vr, vri = &v, o.v
			}
			var body any = statusSeen(vr.Status)
			reqID := ""
			if o.key >= 0 {
				body, reqID = vr.Keys[o.key], vr.Keys[o.key].RequestID
			}
			b, err := json.Marshal(body)
			if err != nil {
				return fmt.Errorf("history: encoding %s evidence: %w", o.k.kind, err)
			}
			id, err := s.insertEvidence(ctx, tx, t.UTC(), o.k.vendor, o.k.key, o.k.kind, b)
			if err != nil {
				return err
			}
			if err := s.openRun(ctx, tx, id, t.UTC(), o.k.vendor, o.k.key, o.k.kind, o.sum, reqID, body); err != nil {
				return err
			}
			runs[o.k] = &runState{row: id, sum: o.sum[:], firstAt: t.UnixMilli(), lastAt: t.UnixMilli(), count: 1}
		}
	}
	for _, o := range all {
		if touched[o.k] {
			if err := save(o, to-1); err != nil {
				return err
			}
		}
	}
	return s.wrap("committing", tx.Commit())
}

// lastRuns reads the latest run of every vendor, key and kind.
func (s *Store) lastRuns(ctx context.Context, tx rowsQuerier) (map[runKey]*runState, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.vendor, r.key, r.kind, r.row, r.sum, r.last_at, r.count, r.spacing, r.first_at
		FROM evidence_runs r
		WHERE r.row = (SELECT max(row) FROM evidence_runs x WHERE x.vendor = r.vendor AND x.key = r.key AND x.kind = r.kind)`)
	if err != nil {
		return nil, s.wrap("reading the evidence runs", err)
	}
	defer rows.Close()
	out := map[runKey]*runState{}
	for rows.Next() {
		var k runKey
		var r runState
		if err := rows.Scan(&k.vendor, &k.key, &k.kind, &r.row, &r.sum, &r.lastAt, &r.count, &r.spacing, &r.firstAt); err != nil {
			return nil, s.wrap("reading the evidence runs", err)
		}
		out[k] = &r
	}
	return out, s.wrap("reading the evidence runs", rows.Err())
}
