package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Check is one check to record.
type Check struct {
	// Snapshot is what the check saw.
	Snapshot observe.Snapshot
	// Configured lists every vendor of the config, in its order. The
	// stored results of configured vendors the check left out (--only) are
	// carried over; a stored vendor that is not configured any more is
	// dropped. Nil means the check covered the whole config.
	Configured []string
	// Identity is what the config says of each configured vendor (its
	// name, the vendors it depends on, the components watched, its links,
	// and its keys by name: providers.Identity), by id. A vendor carried
	// over takes it in place of what was stored, and keeps the results of
	// the keys it names only (nil Keys: every stored one), so a config
	// edited since its last check (a vendor renamed, a dependency or a key
	// removed) is assessed as it reads now. A vendor it lacks keeps what
	// was stored.
	Identity map[string]observe.VendorResult
	// Assessed, if set, is handed the report as soon as it is assessed,
	// with its silences, while the commit still records its findings,
	// events and evidence and writes it: the same
	// report Commit returns when it succeeds. It is not called when the
	// check saw nothing newer than the store holds (Committed.Stale) or
	// the commit failed before the assessment; a commit that fails after
	// it still returns its error.
	// It must only read the report, which the commit goes on reading: a
	// caller may print it meanwhile.
	Assessed func(correlate.Report)
	// Partial says more checks of the same round are still running, to be
	// committed within seconds: the commit records everything but leaves
	// the snapshot file to the round's last commit (placeSnapshot).
	Partial bool
}

// AssessFunc turns a snapshot and the stored memory into the report and
// the next memory: correlate.Assess. It runs inside the write
// transaction, so it must be quick and pure.
type AssessFunc func(observe.Snapshot, correlate.Memory) (correlate.Report, correlate.Memory)

// Committed is what a commit left in the store.
type Committed struct {
	// Report is the stored report: the newest observations of every
	// configured vendor, assessed together. Narrow it to the vendors the
	// check covered before showing it (correlate.Narrow).
	Report correlate.Report
	// Memory is the stored memory.
	Memory correlate.Memory
	// Events are the transitions recorded, oldest first.
	Events []correlate.Event
	// Stale is true when the check saw nothing newer than the store holds
	// (a slower process finished after a faster one): nothing was written,
	// and Report and Memory are the stored ones.
	Stale bool
}

// observed says when each part of the stored report was observed, so a
// commit can tell a newer check from an older one without decoding the
// stored report, which holds every vendor's status page. It is a row of
// its own, written with the report.
type observed struct {
	// At is the stored report's GeneratedAt.
	At time.Time `json:"at"`
	// Vendors holds each vendor's parts (see parts) by vendor id.
	Vendors map[string]map[string]time.Time `json:"vendors"`
}

// parts says when each part of a vendor's result was observed: "status",
// "reach", "inventory", "calls", and "key:NAME" for each key. A part the
// result lacks is not listed; a zero time is a part not observed yet (a
// vendor whose first check has not ended).
func parts(v observe.VendorResult) map[string]time.Time {
	p := map[string]time.Time{"status": v.Status.CheckedAt}
	if v.Reachability != nil {
		p["reach"] = v.Reachability.CheckedAt
	}
	for _, k := range v.Keys {
		p["key:"+k.Name] = k.CheckedAt
	}
	if v.Inventory != nil {
		p["inventory"] = v.Inventory.CheckedAt
	}
	if v.Calls != nil {
		p["calls"] = v.Calls.CheckedAt
	}
	return p
}

// observedOf indexes a snapshot's observation times.
func observedOf(s observe.Snapshot) observed {
	o := observed{At: s.GeneratedAt.UTC(), Vendors: make(map[string]map[string]time.Time, len(s.Vendors))}
	for _, v := range s.Vendors {
		o.Vendors[v.ID] = parts(v)
	}
	return o
}

// order decides between an observation of the check and the stored one of
// the same part.
type order struct{ gen, storedGen time.Time }

// clockSlack is how far past a check's end a stored observation can
// legitimately be: another process observed and committed while this one
// waited for the write lock. A stored observation further in the future
// was made before the clock was set back, and loses; else nothing would
// be recorded until the clock caught up.
const clockSlack = 10 * time.Minute

// wins reports whether the check's observation, made at t, replaces the
// stored one, made at st: the later observation does. When the two times
// cannot tell (equal, or both unknown), the later check does, and the
// check being recorded when the checks' times are equal too.
func (o order) wins(t, st time.Time) bool {
	if st.After(o.gen.Add(clockSlack)) {
		return true
	}
	if !t.Equal(st) {
		return t.After(st)
	}
	return !o.gen.Before(o.storedGen)
}

// plan compares a check with the stored observation times. fresh is true
// when some part of the check is newer than the stored one, or one the
// store lacks: then the check is recorded. needStored is true when the
// merge needs the stored report: one of its parts is newer than the
// check's, or it holds a configured vendor the check left out.
func plan(c Check, idx observed) (fresh, needStored bool) {
	o := order{gen: c.Snapshot.GeneratedAt, storedGen: idx.At}
	checked := make(map[string]bool, len(c.Snapshot.Vendors))
	for _, v := range c.Snapshot.Vendors {
		checked[v.ID] = true
		stored, ok := idx.Vendors[v.ID]
		for part, t := range parts(v) {
			st, had := stored[part]
			if !ok || !had || o.wins(t, st) {
				fresh = true
			} else {
				needStored = true
			}
		}
	}
	if len(c.Snapshot.Vendors) == 0 && !c.Snapshot.GeneratedAt.Before(idx.At) {
		fresh = true // a config without vendors: nothing to compare
	}
	for _, id := range c.Configured {
		if _, ok := idx.Vendors[id]; ok && !checked[id] {
			needStored = true
		}
	}
	return fresh, needStored
}

// merge is the snapshot to assess: each vendor of the check with every
// part the newer of the check's and the stored one, and the configured
// vendors the check left out as the store holds them, with what the
// config says of them now (Check.Identity), in config order. Its
// time is the later of the check's and the stored report's, so an
// assessment never runs backwards. stored may be nil when plan did not ask
// for it.
func merge(c Check, stored *correlate.Report, idx observed) observe.Snapshot {
	o := order{gen: c.Snapshot.GeneratedAt, storedGen: idx.At}
	// Every vendor checked or configured is in the result, most of them
	// both: room for the larger of the two lists, so that a check of
	// thousands of vendors does not copy them all a dozen times growing it.
	out := observe.Snapshot{GeneratedAt: c.Snapshot.GeneratedAt, Vendors: make([]observe.VendorResult, 0, max(len(c.Configured), len(c.Snapshot.Vendors)))}
	if idx.At.After(out.GeneratedAt) && !idx.At.After(out.GeneratedAt.Add(clockSlack)) {
		out.GeneratedAt = idx.At
	}
	// Vendors by id, the first of each as a lookup by id finds it: a
	// check of thousands of vendors looks each one up.
	stores := map[string]int{}
	if stored != nil {
		for i := len(stored.Vendors) - 1; i >= 0; i-- {
			stores[stored.Vendors[i].ID] = i
		}
	}
	checked := c.Snapshot.Index()
	storedVendor := func(id string) (observe.VendorResult, bool) {
		i, ok := stores[id]
		if !ok {
			return observe.VendorResult{}, false
		}
		return stored.Vendors[i].VendorResult, true
	}
	add := func(v observe.VendorResult) {
		if sv, ok := storedVendor(v.ID); ok {
			v = mergeVendor(v, sv, o)
		}
		out.Vendors = append(out.Vendors, v)
	}
	configured := make(map[string]bool, len(c.Configured))
	for _, id := range c.Configured {
		configured[id] = true
		if i, ok := checked[id]; ok {
			add(c.Snapshot.Vendors[i])
		} else if sv, ok := storedVendor(id); ok {
			if cfg, ok := c.Identity[id]; ok {
				sv = asConfigured(sv, cfg)
			}
			out.Vendors = append(out.Vendors, sv)
		}
	}
	for _, v := range c.Snapshot.Vendors {
		if !configured[v.ID] {
			add(v)
		}
	}
	return out
}

// asConfigured is the stored result sv of a vendor with what the config
// says of it now (cfg, Check.Identity).
func asConfigured(sv, cfg observe.VendorResult) observe.VendorResult {
	sv.SetIdentity(cfg)
	if cfg.Keys != nil {
		sv.Keys = slices.DeleteFunc(slices.Clone(sv.Keys), func(k observe.KeyResult) bool {
			return !slices.ContainsFunc(cfg.Keys, func(c observe.KeyResult) bool { return c.Name == k.Name })
		})
	}
	return sv
}

// mergeVendor is the check's result for a vendor with every part the
// stored result holds newer taken from it. Which parts and keys there are
// is the check's to say: its config may have dropped a key or an admin
// API.
func mergeVendor(v, sv observe.VendorResult, o order) observe.VendorResult {
	if !o.wins(v.Status.CheckedAt, sv.Status.CheckedAt) {
		v.Status = sv.Status
	}
	if v.Reachability != nil && sv.Reachability != nil && !o.wins(v.Reachability.CheckedAt, sv.Reachability.CheckedAt) {
		v.Reachability = sv.Reachability
	}
	keys := slices.Clone(v.Keys)
	for i, k := range keys {
		j := slices.IndexFunc(sv.Keys, func(s observe.KeyResult) bool { return s.Name == k.Name })
		if j >= 0 && !o.wins(k.CheckedAt, sv.Keys[j].CheckedAt) {
			keys[i] = sv.Keys[j]
		}
	}
	v.Keys = keys
	if v.Inventory != nil && sv.Inventory != nil && !o.wins(v.Inventory.CheckedAt, sv.Inventory.CheckedAt) {
		v.Inventory = sv.Inventory
	}
	if v.Calls != nil && sv.Calls != nil && !o.wins(v.Calls.CheckedAt, sv.Calls.CheckedAt) {
		v.Calls = sv.Calls
	}
	return v
}

// loadObserved reads the stored observation times. When the row is
// missing or was not written with the stored report (a vendorwatch from
// before it wrote the row has committed since), the times are taken from
// the stored report itself, which is then returned too. The report is
// written with the memory, at the same time: the memory row's time says
// when, without reading past the report's megabytes to its own.
func (s *Store) loadObserved(ctx context.Context, tx *sql.Tx) (observed, *correlate.Report, error) {
	if p, err := s.takePending(ctx, tx); err != nil || p != nil {
		var idx observed
		if err == nil {
			err = json.Unmarshal(p.rows[stateObserved], &idx)
		}
		return idx, nil, err
	}
	var value []byte
	var at, writtenAt sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT o.value, o.updated_at, m.updated_at FROM (SELECT 1)
		LEFT JOIN state o ON o.name = ? LEFT JOIN state m ON m.name = ?`, stateObserved, stateMemory).Scan(&value, &at, &writtenAt)
	if err != nil {
		return observed{}, nil, s.wrap("reading the state", err)
	}
	if !writtenAt.Valid {
		return observed{}, nil, nil // nothing stored yet
	}
	if value != nil && at == writtenAt {
		var idx observed
		value, err := s.unpack(stateObserved, value)
		if err != nil {
			return observed{}, nil, err
		}
		if err := json.Unmarshal(value, &idx); err != nil {
			return observed{}, nil, fmt.Errorf("%w: %s: the stored %s is not valid JSON (%v); the file was left as it is", ErrCorrupt, s.path, stateObserved, err)
		}
		return idx, nil, nil
	}
	rep, err := s.loadReport(ctx, tx)
	if err != nil || rep == nil {
		return observed{}, rep, err
	}
	return observedOf(correlate.SnapshotOf(*rep)), rep, nil
}

// loadReport reads the whole stored report, or nil when there is none.
func (s *Store) loadReport(ctx context.Context, tx *sql.Tx) (*correlate.Report, error) {
	var value []byte
	p, err := s.takePending(ctx, tx)
	if err != nil {
		return nil, err
	}
	if p != nil {
		value = p.rows[stateReport]
	} else {
		err = tx.QueryRowContext(ctx, `SELECT value FROM state WHERE name = ?`, stateReport).Scan(&value)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap("reading the state", err)
	}
	if value, err = s.unpack(stateReport, value); err != nil {
		return nil, err
	}
	rep := &correlate.Report{}
	if err := json.Unmarshal(value, rep); err != nil {
		return nil, fmt.Errorf("%w: %s: the stored %s is not valid JSON (%v); the file was left as it is", ErrCorrupt, s.path, stateReport, err)
	}
	return rep, nil
}
