package correlate

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Assess turns a snapshot into a Report: findings ranked by severity, a
// level per vendor and the overall level. mem is what the previous
// assessment left (the zero Memory at first); the returned Memory carries
// the streaks and open findings on to the next one. Assess is pure: it
// neither reads a clock nor does I/O, and it never changes mem. "Now" is
// the snapshot's GeneratedAt.
//
// The rules, one file each, are described in the findings table of docs/findings.md.
func Assess(snap observe.Snapshot, mem Memory) (Report, Memory) {
	a := &assessment{snap: snap, now: snap.GeneratedAt.UTC(), prev: mem, mem: mem.clone()}
	a.mem.At = a.now
	a.index()

	var fs []Finding
	if f, ok := a.networkLocal(); ok {
		a.network = true
		fs = append(fs, f)
	}
	for _, v := range snap.Vendors {
		a.track(v)
	}
	a.rotations()
	for _, v := range snap.Vendors {
		fs = append(fs, a.sourceFindings(v)...)
		fs = append(fs, a.dashboardFindings(v, a.vendorFindings(v))...)
		fs = append(fs, a.inventoryFindings(v, a.keyFindings(v))...)
		fs = a.trafficFindings(v, fs)
	}
	fs = a.trafficSourceDown(fs)
	fs = append(fs, a.upstreamFindings(fs)...)
	fs = a.adminFindings(fs)
	a.upstreamNotes(fs)
	a.custody(fs)
	consistentAdvice(fs)
	fs = a.lifecycle(fs)
	a.rotationRecovering(fs)
	sortFindings(fs)

	r := Report{SchemaVersion: SchemaVersion, GeneratedAt: snap.GeneratedAt, Findings: fs, Rotations: slices.Clone(a.mem.Rotations)}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	byVendor := findingsByVendor(r.Findings)
	r.Vendors = make([]VendorReport, 0, len(snap.Vendors))
	for _, v := range snap.Vendors {
		r.Vendors = append(r.Vendors, VendorReport{VendorResult: a.withStreaks(v), Level: vendorLevel(v, byVendor[v.ID])})
	}
	r.Overall = overallLevel(r.Vendors, r.Findings)
	r.Verdict = VerdictOf(r)
	return r, a.mem
}

// assessment is the working state of one Assess call.
type assessment struct {
	snap observe.Snapshot
	now  time.Time
	prev Memory
	mem  Memory
	// network is true when network_local holds: our own network is broken,
	// so no vendor is blamed for failing requests.
	network bool
	// dependents maps a vendor id to the names of the vendors that depend
	// on it.
	dependents map[string][]string
	names      map[string]string
	// slowMS is the latency from which an answered status page is slow
	// in this check (slowBar).
	slowMS int64
	// at is each vendor's place in snap.Vendors, by id.
	at map[string]int
}

// vendor returns the snapshot's result for a vendor id.
func (a *assessment) vendor(id string) (observe.VendorResult, bool) {
	i, ok := a.at[id]
	if !ok {
		return observe.VendorResult{}, false
	}
	return a.snap.Vendors[i], true
}

func (a *assessment) index() {
	a.slowMS = slowBar(a.snap)
	a.dependents = map[string][]string{}
	a.names = map[string]string{}
	a.at = a.snap.Index()
	for _, v := range a.snap.Vendors {
		a.names[v.ID] = cmp.Or(v.Name, v.ID)
	}
	for _, v := range a.snap.Vendors {
		for _, up := range v.DependsOn {
			a.dependents[up] = append(a.dependents[up], a.names[v.ID])
		}
	}
}

// keyDeaths are the findings that say a key of the vendor is dead.
var keyDeaths = map[Kind]bool{KindKeyRevoked: true, KindKeyLeakSuspected: true, KindAccountKeysRevoked: true, KindKeyDeleted: true, KindKeyVanished: true}

// consistentAdvice keeps the advice of a check from contradicting itself:
// where a finding says a key of a vendor is dead (critical), no finding
// about the vendor as a whole, or about that key, may say not to rotate.
func consistentAdvice(fs []Finding) {
	dead := map[string][]string{} // vendor -> its dead keys
	for _, f := range fs {
		if keyDeaths[f.Kind] && f.Severity == SeverityCritical && len(f.Vendors) > 0 {
			dead[f.Vendors[0]] = append(dead[f.Vendors[0]], f.Keys...)
		}
	}
	for i := range fs {
		f := &fs[i]
		if len(f.Vendors) == 0 || keyDeaths[f.Kind] {
			continue
		}
		keys, ok := dead[f.Vendors[0]]
		if !ok || len(f.Keys) > 0 && !slices.ContainsFunc(f.Keys, func(k string) bool { return slices.Contains(keys, k) }) {
			continue
		}
		f.Advice = slices.DeleteFunc(slices.Clone(f.Advice), func(s string) bool {
			return strings.Contains(strings.ToLower(s), "do not rotate")
		})
	}
}

func (a *assessment) name(id string) string { return cmp.Or(a.names[id], id) }

// track updates a vendor's streaks from its latest probe results. A probe
// check is counted once, however many times the snapshot is assessed: a
// result counts again only when its CheckedAt moved on.
func (a *assessment) track(v observe.VendorResult) {
	if a.mem.Vendors == nil {
		a.mem.Vendors = map[string]VendorMemory{}
	}
	vm := a.mem.Vendors[v.ID]
	keys := make(map[string]KeyMemory, len(v.Keys))
	for _, k := range v.Keys {
		km, seen := vm.Keys[k.Name]
		if k.Result == observe.ResultNotChecked {
			if seen {
				keys[k.Name] = km // not asked this time: its run stands
			}
			continue
		}
		checked := k.CheckedAt.UTC()
		if checked.IsZero() {
			checked = a.now
		}
		if !seen || checked.After(km.CheckedAt) {
			if seen && km.Result == k.Result && km.Fingerprint == k.Fingerprint && km.Streak > 0 {
				km.Streak++
			} else {
				km = KeyMemory{Result: k.Result, Fingerprint: k.Fingerprint, Streak: 1, Since: checked}
			}
			km.CheckedAt = checked
		}
		keys[k.Name] = km
	}
	vm.Keys = keys

	if pt := probeTime(v, a.now).UTC(); !pt.IsZero() && pt.After(vm.ProbeAt) {
		if !vm.ProbeAt.IsZero() {
			vm.ProbeGap = pt.Sub(vm.ProbeAt)
		}
		vm.ProbeAt = pt
		switch ps := probeStateOf(v); {
		case ps == probesNone:
			// Nothing was asked (every request found no slot): the
			// streak neither grows nor breaks.
		case ps == probesFailing && !a.network:
			if vm.FailStreak == 0 {
				vm.FirstFailure = pt
			}
			vm.FailStreak++
		default:
			vm.FailStreak, vm.FirstFailure = 0, time.Time{}
		}
	}
	a.mem.Vendors[v.ID] = vm
}

// keyStreak is a key's run of identical results, as track counted it: the
// one streak counter there is. A key whose result the memory does not
// hold (an older snapshot assessed after a newer one) starts a run now.
func (a *assessment) keyStreak(vendor string, k observe.KeyResult) (int, time.Time) {
	km := a.mem.Vendors[vendor].Keys[k.Name]
	if km.Streak == 0 || km.Result != k.Result || km.Fingerprint != k.Fingerprint {
		return 1, cmp.Or(k.CheckedAt.UTC(), a.now)
	}
	return km.Streak, km.Since
}

// withStreaks is v with each key's consecutive and since taken from the
// streaks, so every view shows the count the findings used.
func (a *assessment) withStreaks(v observe.VendorResult) observe.VendorResult {
	keys := make([]observe.KeyResult, len(v.Keys))
	for i, k := range v.Keys {
		k.Consecutive, k.Since = a.keyStreak(v.ID, k)
		keys[i] = k
	}
	v.Keys = keys
	return v
}

// keyKinds are the findings about keys.
var keyKinds = map[Kind]bool{
	KindKeyRevoked: true, KindKeyLeakSuspected: true, KindAccountKeysRevoked: true, KindAccountDisabled: true,
	KindQuotaExceeded: true, KindKeyNoPermission: true, KindKeyMisconfigured: true, KindRateLimited: true,
	KindKeyRejectedDuringIncident: true,
}

// vendorLevel is the worst severity of the vendor's findings. A vendor with
// no usable data at all is unknown, whatever the findings about its
// unreadable sources say: nothing about the vendor itself is known.
func vendorLevel(v observe.VendorResult, fs []Finding) Level {
	if !v.Status.State.Known() && !probed(v) {
		return LevelUnknown
	}
	lvl := LevelOK
	for _, f := range fs {
		// Our Prometheus failing says nothing about the vendor.
		if f.Counts() && f.Kind != KindTrafficSourceDown {
			lvl = Worse(lvl, f.Severity.Level())
		}
	}
	return lvl
}

// probed reports whether any probe of v got an answer from the vendor.
func probed(v observe.VendorResult) bool {
	for _, r := range probes(v) {
		if !r.Failed() {
			return true
		}
	}
	return false
}

// overallLevel is the worst vendor level, where a vendor we cannot read
// counts as a warning (worth a look, not a page). It is unknown only when
// nothing could be checked and there is no finding about ourselves.
func overallLevel(vs []VendorReport, fs []Finding) Level {
	known := slices.ContainsFunc(vs, func(v VendorReport) bool { return v.Level != LevelUnknown })
	lvl := LevelUnknown
	if known {
		lvl = LevelOK
		for _, v := range vs {
			if v.Level == LevelUnknown {
				if !unconfirmed(v.ID, fs) {
					lvl = Worse(lvl, LevelWarning)
				}
				continue
			}
			lvl = Worse(lvl, v.Level)
		}
	}
	for _, f := range fs {
		if !known && len(f.Vendors) > 0 || !f.Counts() {
			continue
		}
		if lvl == LevelUnknown {
			lvl = LevelOK
		}
		lvl = Worse(lvl, f.Severity.Level())
	}
	return lvl
}

// unconfirmed reports whether everything said about a vendor is still
// confirming (or recovering): a vendor unreadable once is not yet worth a
// look.
func unconfirmed(id string, fs []Finding) bool {
	about := 0
	for _, f := range fs {
		if !slices.Contains(f.Vendors, id) {
			continue
		}
		if f.Counts() {
			return false
		}
		about++
	}
	return about > 0
}

// sortFindings ranks findings by severity, worst first, keeping order
// otherwise.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int { return b.Severity.Rank() - a.Severity.Rank() })
}

// SnapshotOf returns the observations inside a report, so a poller can be
// seeded from the last report in the state dir and key streaks continue
// across separate runs.
func SnapshotOf(r Report) observe.Snapshot {
	s := observe.Snapshot{GeneratedAt: r.GeneratedAt, Vendors: make([]observe.VendorResult, 0, len(r.Vendors))}
	for _, v := range r.Vendors {
		s.Vendors = append(s.Vendors, v.VendorResult)
	}
	return s
}
