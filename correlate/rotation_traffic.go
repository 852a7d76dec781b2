package correlate

import (
	"fmt"
	"strings"
)

// trafficEvidence closes a service holder (one of our services holding
// the rotated key) on our own traffic to the key's vendor. The signal is
// per vendor, not per service: Prometheus's query sums every service's
// requests to the vendor's host. So it can tell only that no service
// still sends the old key, and it closes every pending service holder of
// the rotation at once when:
//
//   - the old key was dead when it was replaced (rejected, deleted or
//     vanished), so a service still holding it would get 401/403;
//   - a traffic window lies wholly after the rotation (the rate window
//     ends after RotatedAt plus the window);
//   - that window has enough requests to judge (MinRate) and our auth
//     errors are below MinRatio.
//
// While our auth errors stay at or above MinRatio after the rotation,
// the holder's evidence says some service still sends the old key, but
// not which. A service that sent nothing since the rotation cannot be
// told from one that has the new key; a rotation of a key that still
// worked proves nothing either way. Those are closed by hand.
func trafficEvidence(a *assessment, r *Rotation, h *RotationHolder) {
	v, ok := a.vendor(r.Vendor)
	if !ok || v.Traffic == nil {
		return // no traffic signal: closed by hand
	}
	t, name := v.Traffic, a.name(r.Vendor)
	if !trafficRead(v) {
		// Prometheus does not answer now: what an earlier read showed
		// still stands.
		note := fmt.Sprintf("our traffic to %s cannot be read now", name)
		switch {
		case h.Evidence == "" || strings.HasPrefix(h.Evidence, "waiting"):
			h.Evidence = note
		case !strings.Contains(h.Evidence, "cannot be read now"):
			h.Evidence += "; " + note
		}
		return
	}
	th := thresholdsOf(t)
	if t.CheckedAt.IsZero() || t.CheckedAt.Add(-t.Window).Before(r.RotatedAt) {
		h.Evidence = fmt.Sprintf("waiting for %s of our traffic to %s wholly after the rotation", windowWords(t.Window), name)
		return
	}
	switch {
	case t.Rate < th.MinRate:
		h.Evidence = fmt.Sprintf("too little of our traffic goes to %s to tell (%s requests a second)", name, rateWords(t.Rate))
	case t.Errors.Auth >= th.MinRatio:
		h.Evidence = fmt.Sprintf("%s of our requests to %s still got 401/403 after the rotation (read at %s): a service of ours still sends the old key; the traffic is per vendor, so it cannot say which",
			percent(t.Errors.Auth), name, clock(t.CheckedAt, a.now))
	case !r.OldKeyDead:
		h.Evidence = fmt.Sprintf("our traffic to %s works, but the old key still worked when it was replaced, so that does not prove %s has the new one: mark it done once redeployed",
			name, a.holderLabel(h.Holder))
	default:
		h.State, h.How, h.At = HolderDone, DoneByTraffic, t.CheckedAt.UTC()
		h.Evidence = fmt.Sprintf("traffic recovered: our requests to %s (%s a second) got %s 401/403 in the %s to %s, after the rotation",
			name, rateWords(t.Rate), percent(t.Errors.Auth), windowWords(t.Window), clock(t.CheckedAt, a.now))
	}
}
