package correlate

import (
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Memory is what one assessment leaves for the next: streaks that span
// checks, the findings that are open and since when, and the detection
// lead of an outage we saw before the vendor did. It is plain data, so the
// history store can keep it between separate --once runs. Its zero value
// is an empty memory.
type Memory struct {
	// At is the snapshot time of the assessment that wrote it.
	At time.Time `json:"at,omitzero"`
	// Vendors holds per-vendor streaks by vendor id.
	Vendors map[string]VendorMemory `json:"vendors,omitempty"`
	// Open holds the open findings by ID.
	Open map[string]OpenFinding `json:"open,omitempty"`
	// Inventory holds, by vendor id, the keys that left the vendor's key
	// list and are still reported (rule_inventory.go).
	Inventory map[string]InventoryMemory `json:"inventory,omitempty"`
	// Fingerprints holds the last fingerprint each key was seen with, by
	// "vendor/key", so a rotation is seen even when the secret did not
	// resolve for a while in between (rotation.go).
	Fingerprints map[string]KeySeen `json:"fingerprints,omitempty"`
	// Rotations are the open rotations and those closed in the last
	// RecentRotation. The history keeps them in a table of their own,
	// where vendorwatch rotation done changes them, and puts them here
	// before each assessment; they are not part of the stored memory.
	Rotations []Rotation `json:"-"`
}

// VendorMemory is a vendor's streaks.
type VendorMemory struct {
	// ProbeAt is the time of the latest probe check seen (keys and keyless
	// reachability), so one check is never counted twice.
	ProbeAt time.Time `json:"probe_at,omitzero"`
	// ProbeGap is the time between the last two probe checks: one interval.
	ProbeGap time.Duration `json:"probe_gap,omitempty"`
	// FailStreak counts consecutive probe checks in which the vendor could
	// not serve us (vendor_error, timeout, network_error on every probe).
	FailStreak int `json:"fail_streak,omitempty"`
	// FirstFailure is when the current failure streak began.
	FirstFailure time.Time `json:"first_failure,omitzero"`
	// Keys holds each key's streak by key name.
	Keys map[string]KeyMemory `json:"keys,omitempty"`
	// Unreported is set while we see an outage the vendor has not posted.
	Unreported *Unreported `json:"unreported,omitempty"`
	// TrafficHealthy is when our traffic to the vendor was last read
	// healthy, zero once it is read otherwise: while Prometheus cannot be
	// read for a short while, "not affecting us" stands (rule_traffic.go).
	TrafficHealthy time.Time `json:"traffic_healthy,omitzero"`
}

// KeyMemory is one key's current result and how long it has lasted.
type KeyMemory struct {
	Result      observe.Result `json:"result"`
	Fingerprint string         `json:"fingerprint,omitempty"`
	Streak      int            `json:"streak"`
	Since       time.Time      `json:"since,omitzero"`
	CheckedAt   time.Time      `json:"checked_at,omitzero"`
}

// Unreported records an outage our probes saw while the vendor's status
// page was silent, and, once the vendor posts, how far ahead we were.
type Unreported struct {
	// FirstFailure is when our probes first failed.
	FirstFailure time.Time `json:"first_failure"`
	// Flagged is when vendor_outage_unreported opened.
	Flagged time.Time `json:"flagged"`
	// Posted is when the vendor's status page first reported it (zero until
	// then).
	Posted time.Time `json:"posted,omitzero"`
}

// LeadMinutes is how many whole minutes our first failed probe came before
// the vendor's post; 0 when the vendor has not posted or was first.
func (u *Unreported) LeadMinutes() int {
	if u == nil || u.Posted.IsZero() || !u.Posted.After(u.FirstFailure) {
		return 0
	}
	return int(u.Posted.Sub(u.FirstFailure).Round(time.Minute) / time.Minute)
}

// OpenFinding is a finding that is open, with when it opened.
type OpenFinding struct {
	Finding
	// Opened is the check time at which the finding first appeared.
	Opened time.Time `json:"opened"`
	// Seen is the last check that assessed the finding's vendors.
	Seen time.Time `json:"seen,omitzero"`
	// Observed is when the evidence was last observed as the finding
	// entered its current state (pending or closing): only a later
	// observation can confirm it.
	Observed time.Time `json:"observed,omitzero"`
}

// clone returns a deep copy, so an assessment never writes into the
// memory it was given.
func (m Memory) clone() Memory {
	out := Memory{At: m.At, Vendors: make(map[string]VendorMemory, len(m.Vendors)), Open: make(map[string]OpenFinding, len(m.Open))}
	for id, vm := range m.Vendors {
		keys := make(map[string]KeyMemory, len(vm.Keys))
		for k, km := range vm.Keys {
			keys[k] = km
		}
		vm.Keys = keys
		if vm.Unreported != nil {
			u := *vm.Unreported
			vm.Unreported = &u
		}
		out.Vendors[id] = vm
	}
	for id, f := range m.Open {
		out.Open[id] = f
	}
	out.Inventory = m.cloneInventory()
	out.Fingerprints = m.Fingerprints
	out.Rotations = m.Rotations
	return out
}

// ChangeKind says what happened to a finding between two assessments.
type ChangeKind string

// The transitions of a finding.
const (
	ChangeOpened    ChangeKind = "opened"
	ChangeEscalated ChangeKind = "escalated"
	ChangeEased     ChangeKind = "eased"
	// ChangeUpdated: the same root cause, now of another kind at the same
	// severity (a vendor failing for us has posted its outage, say).
	ChangeUpdated ChangeKind = "updated"
	ChangeClosed  ChangeKind = "closed"
)

// Change is one finding transition. For a closed finding, Finding is the
// last version that was open.
type Change struct {
	Kind    ChangeKind
	Finding Finding
	// From is the previous severity (escalated and eased only).
	From Severity
	// Ended is when a closed finding's recovery was first seen: the check
	// that put it in closing, one check before the one that confirmed it.
	// Zero when it closed without a closing check.
	Ended time.Time
	// FirstSeen is when an opened finding was first seen, pending, before
	// the check that confirmed it. Zero when it opened at first sight.
	FirstSeen time.Time
}

// Changes lists the episode transitions from prev to next: opened (a
// finding confirmed), escalated or eased (its severity changed), updated
// (its kind changed at the same severity), closed (its recovery
// confirmed). Pending findings and closing ones are no transition yet;
// detail that merely counts on ("three times since 10:57") is none either.
// The order is stable: closed first, then opened and changed, each by ID.
func Changes(prev, next Memory) []Change {
	was, is := prev.Episodes(), next.Episodes()
	var out []Change
	for _, id := range sortedIDs(was) {
		if f, ok := is[id]; !ok || f.Reopened(was[id]) {
			c := Change{Kind: ChangeClosed, Finding: was[id].Finding}
			if p := was[id]; p.State == StateClosing {
				c.Ended = p.Seen
			}
			out = append(out, c)
		}
	}
	for _, id := range sortedIDs(is) {
		f := is[id]
		p, ok := was[id]
		switch {
		case !ok || f.Reopened(p):
			c := Change{Kind: ChangeOpened, Finding: f.Finding}
			if pp, was := prev.Open[id]; was && pp.State == StatePending {
				c.FirstSeen = pp.Opened
			}
			out = append(out, c)
		case f.Severity.Rank() > p.Severity.Rank():
			out = append(out, Change{Kind: ChangeEscalated, Finding: f.Finding, From: p.Severity})
		case f.Severity.Rank() < p.Severity.Rank():
			out = append(out, Change{Kind: ChangeEased, Finding: f.Finding, From: p.Severity})
		case f.Kind != p.Kind && f.State != StateClosing && p.State != StateClosing:
			out = append(out, Change{Kind: ChangeUpdated, Finding: f.Finding, From: p.Severity})
		}
	}
	return out
}

// Reopened reports whether f is a new episode of the same finding as p,
// which closed in between (seen again long after it started closing).
func (f OpenFinding) Reopened(p OpenFinding) bool { return f.Opened.After(p.Opened) }

// Episodes are the findings of the memory whose episode has opened: open
// ones and closing ones, not those still pending.
func (m Memory) Episodes() map[string]OpenFinding {
	out := make(map[string]OpenFinding, len(m.Open))
	for id, f := range m.Open {
		if f.State != StatePending {
			out[id] = f
		}
	}
	return out
}

func sortedIDs(m map[string]OpenFinding) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
