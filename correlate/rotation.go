package correlate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// A rotation is a key whose fingerprint changed: the same vendor and key
// name now resolve to another key. The rotation opens a checklist of the
// key's holders (config keys[].holders), and each holder closes on
// evidence that it has the new key, or by hand (vendorwatch rotation
// done). The checklist stays until every holder is done or it is
// dismissed with a reason.

// RotationState is where a rotation's checklist is.
type RotationState string

// The states of a rotation.
const (
	// RotationOpen: some holder has not been seen with the new key.
	RotationOpen RotationState = "open"
	// RotationDone: every holder has the new key.
	RotationDone RotationState = "done"
	// RotationDismissed: closed by hand with a reason.
	RotationDismissed RotationState = "dismissed"
	// RotationSuperseded: the key was rotated again before the checklist
	// closed; the newer rotation lists every holder again.
	RotationSuperseded RotationState = "superseded"
)

// HolderState is where one holder of a rotation is.
type HolderState string

// The states of a holder.
const (
	HolderPending HolderState = "pending"
	HolderDone    HolderState = "done"
)

// How a holder was closed.
const (
	// DoneByCalls: the holder's call records (VAPI) stopped failing on the
	// rotated key.
	DoneByCalls = "calls"
	// DoneByHand: vendorwatch rotation done.
	DoneByHand = "hand"
	// DoneByTraffic: our own traffic to the rotated key's vendor stopped
	// getting 401/403 after the rotation (rotation_traffic.go).
	DoneByTraffic = "traffic"
)

// RecentRotation is how long a closed rotation stays in reports after it
// closed, so the check that closed it, and the ones after, show how.
const RecentRotation = 24 * time.Hour

// Rotation is one key's rotation and its checklist. It holds
// fingerprints only, never a key.
type Rotation struct {
	// ID is the history's number for the rotation; 0 until it is stored.
	ID         int64  `json:"id,omitempty"`
	Vendor     string `json:"vendor"`
	VendorName string `json:"vendor_name,omitempty"`
	Key        string `json:"key"`
	// From and To are the fingerprints before and after.
	From string `json:"from"`
	To   string `json:"to"`
	// RotatedAt is when the new fingerprint was first seen.
	RotatedAt time.Time `json:"rotated_at"`
	// OldKeyDead is true when the old key was already dead when it was
	// replaced (rejected as invalid, deleted or vanished): a holder's
	// working calls then prove it has the new key. When the old key still
	// worked, they prove nothing.
	OldKeyDead bool          `json:"old_key_dead"`
	State      RotationState `json:"state"`
	ClosedAt   time.Time     `json:"closed_at,omitzero"`
	// Reason is why the rotation was dismissed.
	Reason  string           `json:"reason,omitempty"`
	Holders []RotationHolder `json:"holders"`
}

// RotationHolder is one holder on a rotation's checklist.
type RotationHolder struct {
	observe.Holder
	State HolderState `json:"state"`
	// How is how it was closed: calls, hand or traffic.
	How string `json:"how,omitempty"`
	// Evidence says what was seen: why it is done, or what it waits for.
	Evidence string `json:"evidence,omitempty"`
	// At is when it was closed.
	At time.Time `json:"at,omitzero"`
}

// Subject is "openai/prod", how commands name the rotated key.
func (r Rotation) Subject() string { return r.Vendor + "/" + r.Key }

// Open reports whether the checklist is still open.
func (r Rotation) Open() bool { return r.State == RotationOpen }

// Pending lists the holders still waiting for the new key.
func (r Rotation) Pending() []RotationHolder {
	var out []RotationHolder
	for _, h := range r.Holders {
		if h.State != HolderDone {
			out = append(out, h)
		}
	}
	return out
}

// HolderSpec is how a holder is written on the command line and in
// advice: "vendor:vapi", "service:voice-backend", "secret:gcp:openai-prod".
func HolderSpec(h observe.Holder) string { return h.Kind + ":" + h.Name }

// Holder finds a holder of the rotation by spec: "vendor:vapi",
// "service:voice-backend", "secret:gcp:openai-prod", or the bare name
// when only one holder has it.
func (r Rotation) Holder(spec string) (int, error) {
	spec = strings.TrimSpace(spec)
	var names []string
	for _, h := range r.Holders {
		names = append(names, HolderSpec(h.Holder))
	}
	if i := slices.Index(names, spec); i >= 0 {
		return i, nil
	}
	var hits []int
	for i, h := range r.Holders {
		if h.Name == spec {
			hits = append(hits, i)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return -1, fmt.Errorf("%s has no holder %q; its holders are %s", r.Subject(), spec, orNone(names))
	}
	var which []string
	for _, i := range hits {
		which = append(which, names[i])
	}
	return -1, fmt.Errorf("%q names several holders of %s: say which, %s", spec, r.Subject(), strings.Join(which, " or "))
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none (the key lists no holders:)"
	}
	return strings.Join(s, ", ")
}

// MarkDone closes a holder by hand at at, with an optional note, and
// closes the rotation when it was the last one pending.
func (r *Rotation) MarkDone(spec string, at time.Time, note string) error {
	if !r.Open() {
		return fmt.Errorf("the rotation of %s at %s is already %s", r.Subject(), r.RotatedAt.UTC().Format(time.RFC3339), r.State)
	}
	i, err := r.Holder(spec)
	if err != nil {
		return err
	}
	h := &r.Holders[i]
	if h.State == HolderDone {
		return fmt.Errorf("holder %s of %s is already done (%s at %s)", HolderSpec(h.Holder), r.Subject(), h.How, h.At.UTC().Format(time.RFC3339))
	}
	h.State, h.How, h.At = HolderDone, DoneByHand, at.UTC()
	h.Evidence = "marked done by hand"
	if note = strings.TrimSpace(note); note != "" {
		h.Evidence += ": " + note
	}
	r.closeIfDone(at)
	return nil
}

// Dismiss closes the rotation by hand with a reason, whatever its
// holders' states.
func (r *Rotation) Dismiss(reason string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fmt.Errorf("dismissing the rotation of %s needs a reason (--reason \"...\")", r.Subject())
	}
	if !r.Open() {
		return fmt.Errorf("the rotation of %s at %s is already %s", r.Subject(), r.RotatedAt.UTC().Format(time.RFC3339), r.State)
	}
	r.State, r.Reason, r.ClosedAt = RotationDismissed, reason, at.UTC()
	return nil
}

// closeIfDone closes an open rotation whose holders are all done.
func (r *Rotation) closeIfDone(at time.Time) {
	if r.Open() && len(r.Pending()) == 0 {
		r.State, r.ClosedAt = RotationDone, at.UTC()
	}
}

// KeySeen is the last fingerprint a key was seen with, and whether that
// key was dead at the time.
type KeySeen struct {
	Fingerprint string    `json:"fingerprint"`
	Dead        bool      `json:"dead,omitempty"`
	At          time.Time `json:"at,omitzero"`
}

// rotations opens a rotation for every key seen with a new fingerprint,
// gathers evidence for the pending holders of the open ones and drops
// closed ones older than RecentRotation. It runs before the rules, which
// read a.mem.Rotations to tell the same story.
func (a *assessment) rotations() {
	rots := slices.Clone(a.prev.Rotations)
	for i := range rots {
		rots[i].Holders = slices.Clone(rots[i].Holders)
	}
	seen := make(map[string]KeySeen, len(a.prev.Fingerprints))
	for k, s := range a.prev.Fingerprints {
		seen[k] = s
	}
	dead := a.deadKeys()
	for _, v := range a.snap.Vendors {
		for _, k := range v.Keys {
			if k.Fingerprint == "" {
				continue // no secret: not a rotation, and not a new key either
			}
			at := cmp.Or(k.CheckedAt.UTC(), a.now)
			id := v.ID + "/" + k.Name
			last, ok := seen[id]
			if !ok {
				// A memory from before fingerprints were kept: the streak's.
				if km, had := a.prev.Vendors[v.ID].Keys[k.Name]; had && km.Fingerprint != "" {
					last, ok = KeySeen{Fingerprint: km.Fingerprint, Dead: km.Result == observe.ResultInvalidKey}, true
				}
			}
			if ok && last.Fingerprint != k.Fingerprint && !at.Before(last.At) {
				rots = a.openRotation(rots, v, k, last, at)
			}
			if !ok || !at.Before(last.At) {
				seen[id] = KeySeen{Fingerprint: k.Fingerprint, At: at, Dead: keyDead(dead, v.ID, k)}
			}
		}
	}
	var keep []Rotation
	for _, r := range rots {
		if r.Open() {
			a.gather(&r)
			r.closeIfDone(a.now)
		}
		if r.Open() || a.now.Sub(r.ClosedAt) < RecentRotation {
			keep = append(keep, r)
		}
	}
	a.mem.Rotations, a.mem.Fingerprints = keep, seen
}

// keyDead reports whether a key is dead as seen now: rejected as invalid,
// or named by an open finding that says it was deleted or vanished.
func keyDead(dead map[string]bool, vendor string, k observe.KeyResult) bool {
	return k.Result == observe.ResultInvalidKey || dead[vendor+"/"+k.Name]
}

// deadKeys are the vendor/key names the previous check held a finding open
// for (or still confirming) that says the key is dead.
func (a *assessment) deadKeys() map[string]bool {
	dead := map[string]bool{}
	for _, f := range a.prev.Open {
		if !keyDeaths[f.Kind] || f.State == StateClosing {
			continue
		}
		for _, v := range f.Vendors {
			for _, k := range f.Keys {
				dead[v+"/"+k] = true
			}
		}
	}
	return dead
}

// openRotation adds the rotation of k, superseding an open one of the
// same key. A key that lists no holders gets no checklist.
func (a *assessment) openRotation(rots []Rotation, v observe.VendorResult, k observe.KeyResult, last KeySeen, at time.Time) []Rotation {
	for i := range rots {
		if rots[i].Open() && rots[i].Vendor == v.ID && rots[i].Key == k.Name {
			rots[i].State, rots[i].ClosedAt = RotationSuperseded, at
			rots[i].Reason = fmt.Sprintf("rotated again at %s (%s)", clock(at, a.now), k.Fingerprint)
		}
	}
	if len(k.Holders) == 0 {
		// Nothing to check off: the key's holders are not known.
		return rots
	}
	r := Rotation{Vendor: v.ID, VendorName: a.name(v.ID), Key: k.Name, From: last.Fingerprint, To: k.Fingerprint,
		RotatedAt: at, OldKeyDead: last.Dead, State: RotationOpen, Holders: []RotationHolder{}}
	for _, h := range k.Holders {
		r.Holders = append(r.Holders, RotationHolder{Holder: h, State: HolderPending})
	}
	return append(rots, r)
}

// evidenceFunc looks for evidence that a pending holder has the new key:
// it closes the holder, or says what it waits for.
type evidenceFunc func(a *assessment, r *Rotation, h *RotationHolder)

// holderEvidence holds the evidence each kind of holder can close on. A
// secret store entry has none vendorwatch can see: it is closed by hand.
var holderEvidence = map[string]evidenceFunc{
	"vendor":  callEvidence,
	"service": trafficEvidence,
}

// gather looks for evidence for every pending holder of r.
func (a *assessment) gather(r *Rotation) {
	for i := range r.Holders {
		h := &r.Holders[i]
		if h.State == HolderDone {
			continue
		}
		byHand := "waiting to be marked done: vendorwatch rotation done " + r.Subject() + " " + HolderSpec(h.Holder)
		fn, ok := holderEvidence[h.Kind]
		if !ok {
			h.Evidence = byHand
			continue
		}
		// fn sees what an earlier check found, which stands while nothing
		// new is seen (the call records unreadable while the vendor is
		// down).
		fn(a, r, h)
		if h.Evidence == "" {
			h.Evidence = byHand
		}
	}
}
