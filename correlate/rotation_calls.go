package correlate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// callEvidence closes a vendor holder (VAPI holding our OpenAI key) on its
// call records. The holder is done when a read of the records made after
// the rotation shows a call that ended normally after the last call that
// ended in the rotated vendor's 401 (a BYOK invalid-key failure such as
// pipeline-error-openai-401-incorrect-api-key), or after the rotation when
// none failed since: the calls stopped failing. Until then each such 401
// after the rotation says the holder still has the old key. Working calls
// prove the new key only when the old one was already dead at the
// rotation: otherwise the holder may still be using the old key, and is
// closed by hand. A vendor without call records is closed by hand.
func callEvidence(a *assessment, r *Rotation, h *RotationHolder) {
	v, ok := a.vendor(h.Name)
	if !ok || v.Calls == nil {
		return
	}
	cs, name := v.Calls, a.name(h.Name)
	if cs.Result.Failed() {
		// The records cannot be read now (the vendor is down, as VAPI was
		// from 12:35): what an earlier read showed still stands.
		note := fmt.Sprintf("%s's call records cannot be read now", name)
		if cs.HTTPStatus != 0 {
			note += fmt.Sprintf(" (HTTP %d)", cs.HTTPStatus)
		}
		switch {
		case h.Evidence == "" || strings.HasPrefix(h.Evidence, "waiting for a read"):
			h.Evidence = note
		case !strings.Contains(h.Evidence, "cannot be read now"):
			h.Evidence += "; " + note
		}
		return
	}
	if cs.CountedAt.Before(r.RotatedAt) {
		h.Evidence = fmt.Sprintf("waiting for a read of %s's call records made after the rotation", name)
		return
	}
	failed, last := rotatedFailures(cs, r)
	from := r.RotatedAt
	if failed > 0 {
		from = last
	}
	worked := 0
	for _, rc := range cs.Reasons {
		if rc.Fault == "" && rc.Last.After(from) {
			worked += rc.Count
		}
	}
	since := "the rotation"
	if failed > 0 {
		since = fmt.Sprintf("the last %s 401 at %s", r.VendorName, clock(last, a.now))
	}
	switch {
	case worked > 0 && r.OldKeyDead:
		h.State, h.How, h.At = HolderDone, DoneByCalls, cs.CountedAt.UTC()
		h.Evidence = fmt.Sprintf("calls recovered: %s calls ended normally after %s (read at %s)", name, since, clock(cs.CountedAt, a.now))
	case failed > 0:
		h.Evidence = fmt.Sprintf("%d %s calls ended in %s 401 after the rotation (last %s): %s still holds the old %s key",
			failed, name, r.VendorName, clock(last, a.now), name, r.VendorName)
	case worked == 0:
		h.Evidence = fmt.Sprintf("no %s call has ended since the rotation yet", name)
	default:
		h.Evidence = fmt.Sprintf("%s calls end normally, but the old key still worked when it was replaced, so that does not prove %s has the new one: mark it done once updated",
			name, name)
	}
}

// rotatedFailures counts the calls that ended in r's vendor's 401 after
// the rotation, and when the last of them ended.
func rotatedFailures(cs *observe.CallSummary, r *Rotation) (int, time.Time) {
	n := 0
	var last time.Time
	for _, rc := range cs.Reasons {
		if byokKeyFailure(rc, r.Vendor) && rc.Last.After(r.RotatedAt) {
			n += rc.Count
			if rc.Last.After(last) {
				last = rc.Last
			}
		}
	}
	return n, last
}

// byokKeyFailure reports whether a call ended because the key of vendor
// that the caller holds was rejected.
func byokKeyFailure(rc observe.ReasonCount, vendor string) bool {
	return rc.Fault == observe.FaultBYOK && (rc.Vendor == vendor || rc.Vendor == "" && rc.Provider == vendor) &&
		(rc.Class == observe.ResultInvalidKey || rc.HTTPStatus == 401)
}

// holderRotation is the newest open or recent rotation of a key of
// upstream that lists holder as a vendor holder, and the holder's entry.
func (a *assessment) holderRotation(upstream, holder string) (*Rotation, *RotationHolder) {
	for i := len(a.mem.Rotations) - 1; i >= 0; i-- {
		r := &a.mem.Rotations[i]
		if r.Vendor != upstream || r.State == RotationSuperseded || r.State == RotationDismissed {
			continue
		}
		j := slices.IndexFunc(r.Holders, func(h RotationHolder) bool { return h.Kind == "vendor" && h.Name == holder })
		if j >= 0 {
			return r, &r.Holders[j]
		}
	}
	return nil, nil
}

// rotationStory makes an upstream_impact drawn from a holder's calls tell
// the checklist's story. Failures that all ended before the holder was
// done on the checklist belong to the old key: the finding is dropped (ok
// false). Otherwise the advice names the rotation and what the checklist
// says, in place of the guess that the holder "may still hold an old
// one".
func (a *assessment) rotationStory(v observe.VendorResult, g *callGroup, f Finding) (Finding, bool) {
	if !g.byok {
		return f, true
	}
	r, h := a.holderRotation(g.key, v.ID)
	if r == nil {
		return f, true
	}
	cutoff := r.RotatedAt
	if h.State == HolderDone {
		cutoff = h.At
	}
	after := 0
	for _, rc := range g.reasons {
		if rc.Last.IsZero() || rc.Last.After(cutoff) || !byokKeyFailure(rc, r.Vendor) {
			after += rc.Count
		}
	}
	name := a.name(v.ID)
	if h.State == HolderDone && after == 0 {
		return f, false
	}
	note := fmt.Sprintf("%s key %s was rotated at %s (%s → %s);", r.VendorName, r.Key, clock(r.RotatedAt, a.now), r.From, r.To)
	var say string
	switch {
	case h.State == HolderDone:
		say = fmt.Sprintf("%s the rotation checklist has %s done (%s at %s), but %d calls failed after that: check the %s key %s holds again.",
			note, name, h.How, clock(h.At, a.now), after, r.VendorName, name)
	case after == 0:
		// Every failure predates the rotation: the old key explains them,
		// and nothing says the key the vendor holds now is dead. The
		// checklist waits for its calls; the finding informs and leads
		// nothing (a vendor's own outage then gets the verdict).
		f.Severity, f.Word = SeverityInfo, ""
		say = fmt.Sprintf("%s these calls failed before it. %s stays pending on the rotation checklist until its calls end normally (or: vendorwatch rotation done %s vendor:%s).",
			note, name, r.Subject(), v.ID)
	default:
		say = fmt.Sprintf("%s %s still fails with the old key: update the %s key in %s; its calls then close it on the rotation checklist (or: vendorwatch rotation done %s vendor:%s).",
			note, name, r.VendorName, name, r.Subject(), v.ID)
	}
	f.Advice = append([]string{say}, dropGuess(f.Advice)...)
	return f, true
}

// dropGuess removes the advice that guesses at an old key, which the
// rotation checklist answers.
func dropGuess(advice []string) []string {
	return slices.DeleteFunc(slices.Clone(advice), func(s string) bool { return guessesOldKey(s) })
}

// rotationRecovering brings recovering findings in line with the
// checklist. A dead key's finding recovers because the key was replaced:
// its advice (rotate, put the new key into every holder) becomes the
// checklist's pending holders. A recovering upstream_impact (its calls no
// longer fail, the episode confirming the recovery) in line with the
// checklist: it keeps the text of its last open check, whose advice may
// still call the holder pending, so once the holder is done the advice
// says so instead.
func (a *assessment) rotationRecovering(fs []Finding) {
	for i := range fs {
		f := &fs[i]
		if f.State == StateClosing && keyDeaths[f.Kind] {
			a.rotatedKeyRecovering(f)
			continue
		}
		if f.Kind != KindUpstreamImpact || f.State != StateClosing {
			continue
		}
		parts := strings.Split(f.ID, ":")
		if len(parts) < 2 {
			continue
		}
		holder, upstream, ok := strings.Cut(parts[1], ",")
		if !ok {
			continue
		}
		r, h := a.holderRotation(upstream, holder)
		if r == nil || h.State != HolderDone {
			continue
		}
		f.Advice = []string{fmt.Sprintf("%s key %s was rotated at %s; the rotation checklist has %s done (%s at %s): these failures came from the old key.",
			r.VendorName, r.Key, clock(r.RotatedAt, a.now), a.name(holder), h.How, clock(h.At, a.now))}
	}
}

// rotatedKeyRecovering points a recovering dead-key finding at the open
// rotation of its key, naming the holders still waiting for the new key.
func (a *assessment) rotatedKeyRecovering(f *Finding) {
	for i := len(a.mem.Rotations) - 1; i >= 0; i-- {
		r := a.mem.Rotations[i]
		if !r.Open() || !slices.Contains(f.Vendors, r.Vendor) || !slices.Contains(f.Keys, r.Key) {
			continue
		}
		var waiting []string
		for _, h := range r.Pending() {
			waiting = append(waiting, HolderSpec(h.Holder))
		}
		f.Advice = []string{fmt.Sprintf("%s key %s was rotated at %s (%s → %s); the rotation checklist waits for %s to have the new key (vendorwatch rotation list).",
			r.VendorName, r.Key, clock(r.RotatedAt, a.now), r.From, r.To, strings.Join(waiting, ", "))}
		return
	}
}
