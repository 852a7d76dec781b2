package correlate

import (
	"cmp"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// uncoveredFor is how long a finding about vendors no check covers (a run
// with --only) stays open; after that the vendor is taken to be gone from
// the config and the finding closes.
const uncoveredFor = 24 * time.Hour

// confirmKinds need a second check in a row before they open: what one
// check of ours saw may pass (a status page that failed to load once, a
// throttled key, a vendor failing once, a rejection during an incident),
// and so may what follows from it (upstream_impact), or a Prometheus that
// failed to answer once (traffic_source_down). The findings drawn from our
// traffic wait too (tentative) unless their evidence is strong
// (rule_traffic.go). The other kinds rest
// on the vendor's own statement or on evidence their rule already
// confirmed (a streak, a revocation marker).
var confirmKinds = map[Kind]bool{
	KindStatusSourceDown: true, KindRateLimited: true, KindKeyRejectedDuringIncident: true,
	KindVendorOutageUnreported: true, KindDashboardDown: true, KindInventoryUnreadable: true,
	KindTrafficSourceDown: true,
}

// reopenWithin is how soon a closing finding must be seen again to be the
// same episode back; later, the old episode closes and a new one opens.
const reopenWithin = 10 * time.Minute

// startsPending reports whether a finding seen for the first time waits
// for a second check before it opens.
func (a *assessment) startsPending(f Finding) bool {
	if _, had := a.prev.Open[f.Key()]; had {
		return false
	}
	return confirmKinds[f.Kind] || f.tentative
}

// lifecycle moves each finding's episode on against the memory (DESIGN
// §3). A finding seen for the first time opens, or, for the kinds that
// need confirming, is pending until the next check sees it too. A finding
// that was open (the same Key) keeps its ID, its opening time and its
// earliest since, whatever its kind or severity now: a change of kind
// within one outage is an update, not a close and an open. A finding no
// longer seen is closing for one check and closes when the next check
// does not see it either; a pending one that is not seen again is
// forgotten. "The next check" is one that observed the finding's vendors
// anew (observed): in the dashboard and serve, every vendor's finished
// check is assessed, and a second assessment of the same observations
// confirms nothing. Findings about vendors this snapshot does not cover
// (a run with --only) stay as they were for a day; key findings whose
// keys got no verdict this time (a timeout says nothing about a revoked
// key), and every vendor finding while network_local holds, stay as they
// were.
func (a *assessment) lifecycle(fs []Finding) []Finding {
	next := make(map[string]OpenFinding, len(fs))
	a.successors(fs)
	for i := range fs {
		f := &fs[i]
		f.ID = f.Key()
		p, had := a.prev.Open[f.ID]
		if had && p.State == StateClosing && a.now.Sub(p.Seen) > reopenWithin {
			had = false // long gone: a new episode, not the old one back
		}
		obs := a.observed(*f)
		switch {
		case had && p.State == StatePending && !obs.After(p.Observed):
			// Assessed again before anything was observed anew (another
			// vendor's check finished): the same sighting, not a second one.
			f.State, f.Since = StatePending, cmp.Or(p.Since, f.Since)
			next[f.ID] = OpenFinding{Finding: *f, Opened: p.Opened, Seen: a.now, Observed: p.Observed}
			continue
		case had:
			if !p.Since.IsZero() && (f.Since.IsZero() || p.Since.Before(f.Since)) {
				f.Since = p.Since
			}
			f.State = StateOpen // confirmed, continuing, or back before it closed
			next[f.ID] = OpenFinding{Finding: *f, Opened: p.Opened, Seen: a.now, Observed: obs}
			continue
		case confirmKinds[f.Kind] || f.tentative:
			f.State = StatePending
		default:
			f.State = StateOpen
		}
		if f.Since.IsZero() {
			f.Since = a.now
		}
		next[f.ID] = OpenFinding{Finding: *f, Opened: a.now, Seen: a.now, Observed: obs}
	}
	for _, id := range sortedIDs(a.prev.Open) {
		p := a.prev.Open[id]
		if _, ok := next[id]; ok {
			continue
		}
		switch {
		case !a.covers(p.Finding):
			seen := p.Seen
			if seen.IsZero() {
				seen = p.Opened
			}
			if a.now.Sub(seen) < uncoveredFor {
				next[id] = p
			}
		case a.undecided(p.Finding), a.network && len(p.Vendors) > 0 && p.State != StatePending:
			// Nothing was learnt about it: its keys got no answer, or our
			// own network is down and no vendor can be seen. It stays as it
			// was (a close now would be a false all-clear).
			p.Seen = a.now
			next[id] = p
			fs = append(fs, p.Finding)
		case p.Counts():
			p.State, p.Seen, p.Observed = StateClosing, a.now, a.observed(p.Finding)
			next[id] = p
			fs = append(fs, p.Finding)
		case p.State == StateClosing && !a.observed(p.Finding).After(p.Observed):
			// Recovery seen once, and nothing observed anew since.
			next[id] = p
			fs = append(fs, p.Finding)
		}
	}
	a.mem.Open = next
	return fs
}

// keyEpisode reports whether findings of kind k tell the life of a key of
// ours that does not work: dead (keyDeaths), or rejected while the
// vendor's incident may explain it.
func keyEpisode(k Kind) bool { return keyDeaths[k] || k == KindKeyRejectedDuringIncident }

// successors keep one episode for one root cause when the conclusion about
// it changes: a key rejected during an incident, then found revoked once
// the incident no longer excuses it, then leaked, then part of an
// account-wide revocation, or explained by a deletion in the audit log, is
// the same dead key throughout; so is a key found revoked whose vendor
// then posts an incident that may explain it (eased). A new finding about
// a vendor's key takes over the episode (the ID) of an earlier one about
// the same vendor and some of the same keys that this check no longer
// reports, so the change is an update (escalated, eased), not a close and
// an open: a close would be a false all-clear ("recovering" while the key
// is still rejected), or leave "do not rotate yet" beside the key found
// revoked. Our traffic's 401s (traffic_auth_errors) may come first: the
// dead key found next explains them and takes over their episode, and
// when the key is replaced while our 401s go on, they continue it.
func (a *assessment) successors(fs []Finding) {
	ids := make(map[string]bool, len(fs))
	for i := range fs {
		ids[fs[i].Key()] = true
	}
	taken := map[string]bool{}
	for i := range fs {
		f := &fs[i]
		if _, had := a.prev.Open[f.Key()]; had || !keyEpisode(f.Kind) || len(f.Vendors) == 0 {
			continue
		}
		for _, id := range sortedIDs(a.prev.Open) {
			p := a.prev.Open[id]
			if ids[id] || taken[id] || !keyEpisode(p.Kind) && p.Kind != KindTrafficAuthErrors || len(p.Vendors) == 0 || p.Vendors[0] != f.Vendors[0] ||
				!slices.ContainsFunc(p.Keys, func(k string) bool { return slices.Contains(f.Keys, k) }) {
				continue
			}
			f.ID, taken[id] = id, true
			break
		}
	}
}

// covers reports whether the snapshot includes any vendor of f; a finding
// about no vendor (network_local) is always covered.
func (a *assessment) covers(f Finding) bool {
	if len(f.Vendors) == 0 {
		return true
	}
	for _, id := range f.Vendors {
		if _, ok := a.vendor(id); ok {
			return true
		}
	}
	return false
}

// undecided reports whether nothing was learnt about f in this check:
// every key it names failed to reach the vendor, or it rests on call
// records, or our traffic, that could not be read.
func (a *assessment) undecided(f Finding) bool {
	if a.trafficUnread(f) {
		return true
	}
	if f.Kind == KindUpstreamImpact && len(f.Vendors) > 0 {
		// Drawn from call records that cannot be read now, and too old to
		// keep: nothing was learnt about the calls (VAPI down, its records
		// with it), so what they last showed stands.
		if v, ok := a.vendor(f.Vendors[0]); ok && v.Calls != nil && v.Calls.Result.Failed() && v.Calls.Ended == 0 {
			return true
		}
	}
	if len(f.Vendors) == 0 {
		return false
	}
	v, ok := a.vendor(f.Vendors[0])
	if !ok {
		return false
	}
	if f.Kind == KindStatusSourceDown && len(v.Status.Sources) > 0 &&
		!slices.ContainsFunc(v.Status.Sources, func(s observe.Source) bool { return !sourceNotChecked(s.Error) }) {
		return true // no source was asked this time
	}
	if len(f.Vendors) == 1 && notChecked(v) {
		// Its requests found no slot this time: the vendor was not asked,
		// so what it last showed stands, pending or open.
		return true
	}
	if !keyKinds[f.Kind] || len(f.Keys) == 0 {
		return false
	}
	for _, name := range f.Keys {
		i := slices.IndexFunc(v.Keys, func(k observe.KeyResult) bool { return k.Name == name })
		if i >= 0 && !v.Keys[i].Result.Failed() {
			return false
		}
	}
	return true
}

// observed is when the evidence behind f was last observed: the status
// fetch for an unreadable page, the probes of its keys for a finding about
// keys, and otherwise the latest observation of any of its vendors. A
// snapshot without observation times (built by hand) counts as observed
// at its own time.
func (a *assessment) observed(f Finding) time.Time {
	var t time.Time
	later := func(u time.Time) {
		if u.After(t) {
			t = u
		}
	}
	if f.Kind == KindTrafficSourceDown && len(f.Vendors) == 0 {
		return a.trafficObserved(f) // our Prometheus, for every vendor
	}
	for _, id := range f.Vendors {
		v, ok := a.vendor(id)
		if !ok {
			continue
		}
		if f.Kind == KindStatusSourceDown {
			later(v.Status.CheckedAt)
			continue
		}
		if trafficKinds[f.Kind] {
			later(a.trafficObserved(f))
			continue
		}
		keyed := false
		for _, k := range v.Keys {
			if slices.Contains(f.Keys, k.Name) && !k.CheckedAt.IsZero() {
				later(k.CheckedAt)
				keyed = true
			}
		}
		if keyed {
			continue
		}
		later(v.Status.CheckedAt)
		if v.Reachability != nil {
			later(v.Reachability.CheckedAt)
		}
		for _, k := range v.Keys {
			later(k.CheckedAt)
		}
	}
	if t.IsZero() {
		return a.now
	}
	return t
}
