package correlate

import (
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// InventoryMemory is what the key-inventory rules keep of a vendor between
// assessments: the keys that left its key list and are still reported,
// and each canary's last_used_at as the list last showed it.
//
// The inventory itself is not kept here. It travels in the snapshot
// (VendorResult.Inventory), so the stored report carries it to the next
// run, where the poller is seeded with it and compares the new list with
// it (the comparison needs the network: the audit log is asked about every
// key that left). The memory keeps only the few vanished keys, because a
// key that left the list is missing from every later diff: without memory
// its finding would close one check after it opened.
type InventoryMemory struct {
	// Gone holds the vanished keys by key id.
	Gone map[string]observe.GoneKey `json:"gone,omitempty"`
	// Canaries holds, by configured key name, what the key list said of
	// each canary (rule_canary.go).
	Canaries map[string]CanaryMemory `json:"canaries,omitempty"`
}

// CanaryMemory is a canary as the key list last showed it, and, once its
// last_used_at moved, when: from then on someone else has it.
type CanaryMemory struct {
	// Fingerprint is the canary's: a new one (the canary replaced) starts
	// its memory over.
	Fingerprint string `json:"fingerprint"`
	// KeyID is its row's id in the vendor's list.
	KeyID string `json:"key_id,omitempty"`
	// LastUsedAt is the row's last_used_at (zero: never used) as of SeenAt.
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	SeenAt     time.Time `json:"seen_at"`
	// UsedBefore is the last_used_at remembered before it moved, UsedAt
	// the first moved value and NoticedAt the check that saw it; all zero
	// while the canary is unused.
	UsedBefore time.Time `json:"used_before,omitzero"`
	UsedAt     time.Time `json:"used_at,omitzero"`
	NoticedAt  time.Time `json:"noticed_at,omitzero"`
}

// used reports whether the canary's last_used_at has moved.
func (c CanaryMemory) used() bool { return !c.UsedAt.IsZero() }

// goneHold is how long a vanished key that is none of ours (no configured
// key matches it) stays reported. One of ours stays until the key is
// rotated (its fingerprint changes) or leaves the config.
const goneHold = 24 * time.Hour

func (m Memory) cloneInventory() map[string]InventoryMemory {
	if m.Inventory == nil {
		return nil
	}
	out := make(map[string]InventoryMemory, len(m.Inventory))
	for id, im := range m.Inventory {
		gone := make(map[string]observe.GoneKey, len(im.Gone))
		for k, g := range im.Gone {
			if g.Audit != nil {
				e := *g.Audit
				g.Audit = &e
			}
			gone[k] = g
		}
		var canaries map[string]CanaryMemory
		if im.Canaries != nil {
			canaries = make(map[string]CanaryMemory, len(im.Canaries))
			for k, c := range im.Canaries {
				canaries[k] = c
			}
		}
		out[id] = InventoryMemory{Gone: gone, Canaries: canaries}
	}
	return out
}

// mergeGone folds a check's report on a vanished key into what was known:
// the first sighting stays, an audit event once found stays, the latest
// lookup's state and the configured key's identity are taken when given.
func mergeGone(old, cur observe.GoneKey) observe.GoneKey {
	if !old.NoticedAt.IsZero() && old.NoticedAt.Before(cur.NoticedAt) {
		cur.NoticedAt = old.NoticedAt
	}
	if !old.LastSeen.IsZero() && (cur.LastSeen.IsZero() || old.LastSeen.Before(cur.LastSeen)) {
		cur.LastSeen = old.LastSeen
	}
	if cur.Audit == nil && old.Audit != nil {
		cur.Audit = old.Audit
	}
	cur.AuditChecked = cur.AuditChecked || old.AuditChecked
	cur.Lookups = max(cur.Lookups, old.Lookups)
	if cur.Key == "" {
		cur.Key, cur.Fingerprint, cur.Canary = old.Key, old.Fingerprint, old.Canary
	}
	return cur
}
