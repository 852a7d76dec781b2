package correlate

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// unreportedMinChecks is how many consecutive failed probe checks make an
// outage the vendor has not posted.
const unreportedMinChecks = 2

// vendorFindings weighs the vendor's status page against our probes of its
// API:
//
//   - probes fail and the page admits trouble: vendor_outage (critical,
//     warning when the page says only degraded or maintenance);
//   - probes fail for two checks while the page is silent and other vendors
//     answer (or, for the only vendor of the check, its own page does):
//     vendor_outage_unreported, an early warning; when the vendor
//     then posts, vendor_outage shows how many minutes ahead we were;
//   - the page admits trouble but our probes work: vendor_incident (info,
//     warning for a partial or major outage): your keys work; watch (or,
//     when only some of them work, that the others have findings of
//     their own);
//   - no probes at all: the page alone decides, as vendor_outage for a
//     partial or major outage and vendor_incident otherwise.
func (a *assessment) vendorFindings(v observe.VendorResult) []Finding {
	st := &v.Status
	ps := probeStateOf(v)
	vm := a.mem.Vendors[v.ID]
	defer func() { a.mem.Vendors[v.ID] = vm }()
	trouble := pageTrouble(st)
	maint := inMaintenance(v, a.now)

	if ps != probesFailing && !notChecked(v) {
		vm.Unreported = nil // the vendor serves us again: nothing left to lead
	}
	switch {
	case ps == probesFailing && a.network:
		return nil // our network is broken: do not blame the vendor
	case ps == probesFailing && (trouble || maint):
		if u := vm.Unreported; u != nil && u.Posted.IsZero() {
			u.Posted = a.now
			if in, ok := openIncident(st); ok {
				if p := postedAt(in).UTC(); !p.IsZero() && p.Before(a.now) {
					u.Posted = p
				}
			}
		}
		return []Finding{a.outage(v, vm)}
	case ps == probesFailing:
		// The first failure is reported too: pending, it shows the vendor
		// as confirming rather than healthy; the second opens it.
		proof, ok := a.networkWorks(v)
		if vm.FailStreak < 1 || !ok {
			return nil
		}
		if vm.Unreported == nil && vm.FailStreak >= unreportedMinChecks {
			vm.Unreported = &Unreported{FirstFailure: vm.FirstFailure, Flagged: a.now}
		}
		return []Finding{a.unreported(v, vm, proof)}
	case trouble:
		return []Finding{a.incident(v, ps)}
	}
	return nil
}

// vendorEpisode is the identity of a vendor's trouble, whatever its kind
// as it unfolds: failing for us before its page says so (unreported),
// confirmed by the page (outage), easing while the page lags (incident,
// "your keys work"). One episode opens once and closes once.
func vendorEpisode(id string) string { return findingID(KindVendorOutage, []string{id}, nil) }

// outage is vendor_outage with our failing probes as evidence.
func (a *assessment) outage(v observe.VendorResult, vm VendorMemory) Finding {
	st := &v.Status
	name := a.name(v.ID)
	f := Finding{
		ID: vendorEpisode(v.ID), Kind: KindVendorOutage, Severity: SeverityWarning,
		Vendors: []string{v.ID}, Keys: []string{}, Since: vm.FirstFailure,
	}
	in, hasIn := openIncident(st)
	if st.State.Severity() >= observe.PartialOutage.Severity() ||
		(hasIn && (in.Impact == "major" || in.Impact == "critical")) {
		f.Severity = SeverityCritical
	}
	var says string
	switch {
	case hasIn:
		f.Title = fmt.Sprintf("%s outage: %s (%s)", name, in.Title, in.Status)
		says = fmt.Sprintf("%s reports %s", name, describeIncident(in))
		if in.LatestUpdate != "" {
			says += fmt.Sprintf("; latest update: %q", in.LatestUpdate)
		}
	case st.State.Outage():
		f.Title = fmt.Sprintf("%s outage: its status page says %s", name, StateWords(st.State))
		says = fmt.Sprintf("%s's status page says %q", name, description(st))
	default:
		f.Title = fmt.Sprintf("%s failing during maintenance", name)
		says = fmt.Sprintf("%s announces maintenance", name)
	}
	f.Detail = fmt.Sprintf("%s (%s); %s.", failedClause(name, vm, a.now), a.evidence(v), says)
	if lead := vm.Unreported.LeadMinutes(); lead > 0 {
		f.LeadMinutes = lead
		f.Detail += fmt.Sprintf(" vendorwatch saw it %d minutes before %s posted it (first failure %s, posted %s).",
			lead, name, clock(vm.Unreported.FirstFailure, a.now), clock(vm.Unreported.Posted, a.now))
	}
	link := cmp.Or(in.URL, cmp.Or(st.PageURL, "its status page"))
	f.Advice = []string{
		"It is them: follow " + name + "'s updates on " + link + ".",
		"Pause or fail over what depends on " + name + "; retrying harder will not help.",
		"Do not rotate keys because of this: during an outage a vendor may reject valid keys.",
	}
	return f
}

// failedClause says how long our requests to a vendor have failed: "Our
// requests to VAPI's API have failed 3 times in a row since 12:35 UTC",
// or, on the first failed check, "Our requests to VAPI's API failed at
// 12:35 UTC".
func failedClause(name string, vm VendorMemory, now time.Time) string {
	if vm.FailStreak <= 1 {
		at := vm.FirstFailure
		if at.IsZero() {
			at = now
		}
		return fmt.Sprintf("Our requests to %s's API failed at %s", name, clock(at, now))
	}
	return fmt.Sprintf("Our requests to %s's API have failed %s in a row%s", name, times(vm.FailStreak), sinceClause(vm.FirstFailure, now))
}

// networkProof is what shows that our network works while a vendor's API
// fails: the clause for the detail and the sentence for the advice.
type networkProof struct{ detail, advice string }

// networkWorks says what shows that our network works while v's API
// fails: other vendors answer. When v is the only vendor of the check (a
// config of one vendor) there is no other vendor to ask, and v's own
// status page tells: read from another host, it shows that our
// requests get out. Without such proof a failing vendor is not blamed: it
// may be our network.
func (a *assessment) networkWorks(v observe.VendorResult) (networkProof, bool) {
	switch {
	case a.othersAnswer(v.ID):
		return networkProof{"other vendors answer normally", "Other vendors answer, so this is not your network."}, true
	case len(a.snap.Vendors) > 1:
		return networkProof{}, false
	case sourceReadable(&v.Status):
		return networkProof{"its status page answers", "Its status page answers, so this is not your network."}, true
	}
	return networkProof{}, false
}

// unreported is vendor_outage_unreported: failing for us, silent on the page.
func (a *assessment) unreported(v observe.VendorResult, vm VendorMemory, proof networkProof) Finding {
	st := &v.Status
	name := a.name(v.ID)
	page := fmt.Sprintf("while %s's status page says %q", name, description(st))
	title := fmt.Sprintf("%s failing, but its status page says operational", name)
	if !st.State.Known() {
		page = fmt.Sprintf("while %s's status page cannot be read", name)
		title = fmt.Sprintf("%s failing, and its status page is unreadable", name)
	}
	return Finding{
		ID: vendorEpisode(v.ID), Kind: KindVendorOutageUnreported, Severity: SeverityWarning,
		Vendors: []string{v.ID}, Keys: []string{}, Since: vm.FirstFailure,
		Title:  title,
		Detail: fmt.Sprintf("%s (%s) %s, and %s.", failedClause(name, vm, a.now), a.evidence(v), page, proof.detail),
		Advice: []string{
			"Likely them, not yet acknowledged: check " + cmp.Or(st.PageURL, "the vendor's status page") + " and the vendor's support channels, and open a ticket with the times above.",
			proof.advice,
			"vendorwatch records when " + name + " posts, and how many minutes ahead you were.",
		},
	}
}

// incident is vendor_incident: the vendor reports trouble; our probes, if
// any, say whether it touches us.
func (a *assessment) incident(v observe.VendorResult, ps probeState) Finding {
	st := &v.Status
	name := a.name(v.ID)
	f := Finding{
		ID: vendorEpisode(v.ID), Kind: KindVendorIncident, Severity: SeverityInfo,
		Vendors: []string{v.ID}, Keys: []string{},
		Advice: []string{
			"Follow the vendor's updates on " + cmp.Or(st.PageURL, "its status page") + ".",
			"Check whether the affected components are ones you use before blaming the vendor.",
		},
	}
	in, hasIn := openIncident(st)
	if hasIn {
		f.Title = fmt.Sprintf("%s: %s (%s)", name, in.Title, in.Status)
		f.Detail = fmt.Sprintf("%s reports %s", name, describeIncident(in))
		f.Since = in.StartedAt
		if n := len(st.Open()); n > 1 {
			f.Detail += fmt.Sprintf("; %d more open incidents", n-1)
		}
		if in.URL != "" {
			f.Advice[0] = "Follow the vendor's updates on " + in.URL + "."
		}
	} else {
		f.Title = fmt.Sprintf("%s reports %s", name, StateWords(st.State))
		f.Detail = fmt.Sprintf("%s's status page says %q", name, description(st))
	}
	bad := st.State.Severity() >= observe.PartialOutage.Severity()
	switch ps {
	case probesNone, probesReachable:
		// The page alone: an outage it declares is one. A keyless answer
		// shows only that the API's front door is up, which a vendor in
		// outage often still manages.
		if bad {
			f.Kind, f.Severity = KindVendorOutage, SeverityCritical
		} else if st.State.Outage() {
			f.Severity = SeverityWarning
		}
		if ps == probesReachable {
			f.Detail += fmt.Sprintf(". Its API still answers a request without a key (%s); configure a key to learn whether your requests work", a.evidence(v))
		}
		f.Detail += "."
	case probesWorking:
		if bad {
			f.Severity = SeverityWarning
		}
		if ok, tried := keysWorking(v); ok < tried {
			// A key that works shows the vendor serves us; it says nothing
			// of the keys it rejects, which their own findings explain.
			f.Title += fmt.Sprintf("; %d of %d keys work", ok, tried)
			f.Detail += fmt.Sprintf(". %s still serves our requests (%s); the keys it does not accept have findings of their own.", name, a.evidence(v))
			f.Advice = append([]string{"A key of yours works, so this incident is not what stops the keys that fail: follow their own findings."}, f.Advice...)
			break
		}
		f.Title += "; your keys work"
		f.Detail += fmt.Sprintf(". Our own requests still succeed (%s).", a.evidence(v))
		f.Advice = append([]string{"Your keys work; watch. Nothing to do unless your own traffic fails."}, f.Advice...)
	case probesAnswering:
		f.Detail += fmt.Sprintf(". %s answers our requests but accepts none of our keys (%s).", name, a.evidence(v))
		// Trouble that could concern the API may be why: worth a look. An
		// incident about something else ("Support chat unavailable") is
		// not; the keys' own findings say what is wrong with them.
		if bad || coversAuth(st, len(v.Watched) > 0) || struggling(v) {
			f.Severity = SeverityWarning
		} else {
			f.Detail += " The incident does not concern the API; the keys' own findings explain them."
		}
	}
	return f
}

// keysWorking counts the vendor's keys that were tried (their secret
// resolved) and those of them that work.
func keysWorking(v observe.VendorResult) (ok, tried int) {
	for _, k := range v.Keys {
		if !k.Result.Sent() {
			continue
		}
		tried++
		if k.Result == observe.ResultOK {
			ok++
		}
	}
	return ok, tried
}

// othersAnswer reports whether another vendor got through in this check
// (a probe answered or a status page was read): then a failing vendor is
// not our network's fault.
func (a *assessment) othersAnswer(id string) bool {
	for _, v := range a.snap.Vendors {
		if v.ID == id {
			continue
		}
		if ps := probeStateOf(v); ps == probesWorking || ps == probesReachable || ps == probesAnswering || sourceReadable(&v.Status) {
			return true
		}
	}
	return false
}

// evidence lists a vendor's probe results: "keyless vendor_error (HTTP
// 502), key prod timeout".
func (a *assessment) evidence(v observe.VendorResult) string {
	var parts []string
	if r := v.Reachability; r != nil && r.Result.Sent() {
		parts = append(parts, "keyless "+resultWords(r.Result, r.HTTPStatus, ""))
	}
	ok, total := 0, 0
	for _, k := range v.Keys {
		if !k.Result.Sent() {
			continue
		}
		total++
		if k.Result == observe.ResultOK {
			ok++
			continue
		}
		parts = append(parts, "key "+k.Name+" "+resultWords(k.Result, k.HTTPStatus, k.Code))
	}
	if ok > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d %s ok", ok, total, plural(total, "key", "keys")))
	}
	if len(parts) == 0 {
		return "no probes"
	}
	return strings.Join(parts, ", ")
}

// resultWords is a probe result with its HTTP status and code.
func resultWords(r observe.Result, status int, code string) string {
	s := string(r)
	var extra []string
	if status > 0 {
		extra = append(extra, fmt.Sprintf("HTTP %d", status))
	}
	if code != "" {
		extra = append(extra, termtext.Line(code))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, " ") + ")"
	}
	return s
}

// sinceClause is " since 12:35 UTC", or "" for a zero time.
func sinceClause(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " since " + clock(t, now)
}
