package correlate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// upstreamCauses are the findings on a vendor that hurt the vendors that
// depend on it: its outage, or a key of ours for it that does not work
// (VAPI holds our OpenAI key).
var upstreamCauses = map[Kind]bool{
	KindVendorOutage: true, KindVendorOutageUnreported: true,
	KindKeyRevoked: true, KindKeyLeakSuspected: true, KindAccountKeysRevoked: true,
	KindAccountDisabled: true, KindQuotaExceeded: true, KindKeyRejectedDuringIncident: true,
	KindKeyDeleted: true, KindKeyVanished: true,
}

// upstreamFindings is upstream_impact: for a vendor with depends_on, each
// upstream with an outage or a key failure gives one finding on the
// dependent that names the upstream cause.
func (a *assessment) upstreamFindings(fs []Finding) []Finding {
	var out []Finding
	var candidates []Finding
	for _, f := range fs {
		if upstreamCauses[f.Kind] && f.Severity.Rank() >= SeverityWarning.Rank() {
			candidates = append(candidates, f)
		}
	}
	byVendor := findingsByVendor(candidates)
	for _, v := range a.snap.Vendors {
		for _, up := range v.DependsOn {
			if causes := byVendor[up]; len(causes) > 0 {
				f := a.upstreamImpact(v.ID, up, causes)
				// It opens when its cause does: pending while every cause is.
				f.tentative = !slices.ContainsFunc(causes, func(c Finding) bool { return !a.startsPending(c) })
				out = append(out, f)
			}
		}
	}
	return out
}

func (a *assessment) upstreamImpact(id, up string, causes []Finding) Finding {
	name, upName := a.name(id), a.name(up)
	var titles []string
	var since time.Time
	dead, outage, quota, disabled, waiting := false, false, false, false, false
	for _, c := range causes {
		titles = append(titles, c.Title+sinceClause(c.Since, a.now))
		if !c.Since.IsZero() && (since.IsZero() || c.Since.Before(since)) {
			since = c.Since
		}
		switch c.Kind {
		case KindVendorOutage, KindVendorOutageUnreported:
			outage = true
		case KindQuotaExceeded:
			quota = true
		case KindAccountDisabled:
			disabled = true
		case KindKeyRejectedDuringIncident:
			waiting = true
		default:
			dead = true // the key is revoked, leaked, deleted or gone
		}
	}
	f := Finding{
		ID: findingID(KindUpstreamImpact, []string{id, up}, nil), Kind: KindUpstreamImpact, Severity: SeverityWarning,
		Vendors: []string{id}, Keys: []string{}, Since: since,
		Title:  fmt.Sprintf("%s may be hit by %s: %s", name, upName, causes[0].Title),
		Detail: fmt.Sprintf("%s depends on %s (depends_on), and %s has trouble: %s.", name, upName, upName, strings.Join(titles, "; ")),
	}
	// Whose trouble it is follows the cause: a dead key of ours the
	// dependent holds is KEY, an account of ours blocked or out of quota
	// US; an outage, or a key rejected during one, stays THEM.
	switch {
	case dead:
		f.Word = WordKey
	case quota || disabled:
		f.Word = WordUs
	}
	if held := a.heldKeys(id, up, causes); dead && len(held) > 0 {
		f.Detail += fmt.Sprintf(" %s holds %s key %s (the config lists it as a holder).", name, upName, strings.Join(held, ", "))
		f.Advice = append(f.Advice,
			fmt.Sprintf("%s holds the dead %s key: put the new key into %s as well once you rotate; until then %s's requests that use %s fail.", name, upName, name, name, upName))
	} else if dead {
		f.Advice = append(f.Advice,
			fmt.Sprintf("If %s holds your %s key, put the new key into %s as well once you rotate; until then %s's requests that use %s fail.", name, upName, name, name, upName))
	}
	if quota {
		f.Advice = append(f.Advice,
			fmt.Sprintf("%s's account is out of quota: %s's requests through it fail until its billing is fixed; no key needs rotating.", upName, name))
	}
	if disabled {
		f.Advice = append(f.Advice,
			fmt.Sprintf("%s disabled the account behind the key %s holds: contact %s's support; new keys will not help.", upName, name, upName))
	}
	if waiting {
		f.Advice = append(f.Advice,
			fmt.Sprintf("%s rejects the key during its own incident: wait for %s to resolve it before rotating the key %s holds.", upName, upName, name))
	}
	if outage {
		f.Advice = append(f.Advice,
			fmt.Sprintf("%s's trouble may be %s's outage: follow %s's status page, and fail over to another provider inside %s if you can.", name, upName, upName, name))
	}
	return f
}

// upstreamNotes adds to each outage of a vendor with depends_on whether its
// upstreams look healthy, so nobody has to guess whether the two are linked.
func (a *assessment) upstreamNotes(fs []Finding) {
	for i := range fs {
		f := &fs[i]
		if f.Kind != KindVendorOutage && f.Kind != KindVendorOutageUnreported {
			continue
		}
		v, ok := a.vendor(f.Vendors[0])
		if !ok || len(v.DependsOn) == 0 {
			continue
		}
		var healthy, troubled []string
		for _, up := range v.DependsOn {
			if slices.ContainsFunc(fs, func(g Finding) bool {
				return upstreamCauses[g.Kind] && g.Severity.Rank() >= SeverityWarning.Rank() && slices.Contains(g.Vendors, up)
			}) {
				troubled = append(troubled, a.name(up))
			} else if u, ok := a.vendor(up); ok && u.Status.State == observe.Operational && len(u.Status.Open()) == 0 {
				switch probeStateOf(u) {
				case probesWorking:
					healthy = append(healthy, a.name(up)+" (status page operational, our keys work)")
				case probesNone, probesReachable:
					healthy = append(healthy, a.name(up)+" (status page operational)")
				}
			}
		}
		if len(troubled) > 0 {
			f.Detail += fmt.Sprintf(" Its upstream %s has trouble too: see the upstream_impact finding.", strings.Join(troubled, ", "))
		} else if len(healthy) > 0 {
			f.Detail += fmt.Sprintf(" Its upstream %s looks healthy, so this is %s's own trouble.", strings.Join(healthy, " and "), a.name(v.ID))
		}
	}
}

// heldKeys names the keys of up, among those the causes are about, that
// list vendor id as a holder: the keys id holds for certain.
func (a *assessment) heldKeys(id, up string, causes []Finding) []string {
	u, ok := a.vendor(up)
	if !ok {
		return nil
	}
	var out []string
	for _, c := range causes {
		for _, k := range u.Keys {
			if slices.Contains(c.Keys, k.Name) && !slices.Contains(out, k.Name) &&
				slices.Contains(k.Holders, observe.Holder{Kind: holderVendor, Name: id}) {
				out = append(out, k.Name)
			}
		}
	}
	return out
}
