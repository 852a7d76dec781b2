package correlate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// confirmChecks is how many rejections in a row confirm a revoked key that
// carried no revocation marker.
const confirmChecks = 2

// incidentPatience is how many rejections in a row an incident that could
// explain them excuses; after that the key is taken for revoked whatever
// the vendor's page says.
const incidentPatience = 5

// keyView is a key's result with its streak.
type keyView struct {
	observe.KeyResult
	streak int
	since  time.Time
}

// rejectionsExcused reports whether v's own trouble may explain its
// rejecting good keys: its page admits trouble that covers
// authentication, or its API is struggling.
func rejectionsExcused(v observe.VendorResult) bool {
	st := &v.Status
	return pageTrouble(st) && (coversAuth(st, len(v.Watched) > 0) || struggling(v))
}

// keyFindings reads our keys' results:
//
//   - a key rejected (invalid_key) twice in a row, or once with a
//     revocation marker, while the vendor answers and reports no incident
//     is key_revoked; if canaries of the vendor still work at the same
//     time, the key in use leaked: key_leak_suspected; if every key (at
//     least two) died within one interval, it is account_keys_revoked;
//   - a key rejected while the vendor reports trouble that could explain
//     it (an incident about its API or authentication, or other requests
//     failing too) is key_rejected_during_incident, not key_revoked, for
//     up to incidentPatience checks; an explicit revocation marker while
//     the API answers and another key works is key_revoked whatever the
//     page says;
//   - account_disabled, quota_exceeded, no_permission, misconfigured,
//     rate_limited and no_secret each give one finding per vendor that says
//     plainly it is not an outage.
func (a *assessment) keyFindings(v observe.VendorResult) []Finding {
	st := &v.Status
	excuse := rejectionsExcused(v)
	failing := probeStateOf(v) == probesFailing
	var tried, revoked, duringIncident, canaryOK []keyView
	classes := map[observe.Result][]keyView{}
	for _, k := range v.Keys {
		n, since := a.keyStreak(v.ID, k)
		kv := keyView{KeyResult: k, streak: n, since: since}
		if k.Result.Sent() {
			tried = append(tried, kv)
		}
		switch k.Result {
		case observe.ResultInvalidKey:
			switch {
			case failing:
				// The vendor cannot serve us at all; its rejections prove
				// nothing about the key. The outage rules speak.
			case RevocationMarker(k) && answering(v) && anotherWorks(v, k.Name):
				revoked = append(revoked, kv) // the vendor says so, and is up
			case excuse && n < incidentPatience && (!a.foundDead(v.ID, k.Name) || startedBy(st, since)):
				duringIncident = append(duringIncident, kv)
			case n >= confirmChecks || RevocationMarker(k):
				revoked = append(revoked, kv)
			}
		case observe.ResultOK, observe.ResultListed:
			if k.Canary {
				canaryOK = append(canaryOK, kv)
			}
		case observe.ResultAccountDisabled, observe.ResultQuotaExceeded, observe.ResultNoPermission,
			observe.ResultMisconfigured, observe.ResultRateLimited, observe.ResultNoSecret:
			classes[k.Result] = append(classes[k.Result], kv)
		}
	}

	var out []Finding
	var used, canaries []keyView
	for _, k := range revoked {
		if k.Canary {
			canaries = append(canaries, k)
		} else {
			used = append(used, k)
		}
	}
	// A canary watched in the key list is never rejected, since it is
	// never sent: its leaving the list is its death, and counts toward an
	// account-wide revocation (alone it is the inventory's finding).
	gone := a.goneCanaries(v)
	everyKey := append(slices.Clone(revoked), gone...)
	switch {
	case len(tried)+len(gone) >= 2 && len(everyKey) == len(tried)+len(gone) && a.together(v.ID, everyKey):
		out = append(out, a.accountKeysRevoked(v, everyKey))
	case len(used) > 0 && len(canaryOK) > 0:
		out = append(out, a.leakSuspected(v, used, canaryOK))
		for _, k := range canaries {
			out = append(out, a.keyRevoked(v, k))
		}
	default:
		for _, k := range revoked {
			out = append(out, a.keyRevoked(v, k))
		}
	}
	if len(duringIncident) > 0 {
		out = append(out, a.rejectedDuringIncident(v, duringIncident))
	}
	for _, r := range []observe.Result{observe.ResultAccountDisabled, observe.ResultQuotaExceeded, observe.ResultNoPermission,
		observe.ResultMisconfigured, observe.ResultRateLimited, observe.ResultNoSecret} {
		if ks := classes[r]; len(ks) > 0 {
			out = append(out, a.keyClass(v, r, ks))
		}
	}
	return out
}

// struggling reports whether other requests to the vendor fail too: the
// keyless request or a key gets no answer from the vendor.
func struggling(v observe.VendorResult) bool {
	if v.Reachability != nil && v.Reachability.Result.Failed() {
		return true
	}
	return slices.ContainsFunc(v.Keys, func(k observe.KeyResult) bool { return k.Result.Failed() })
}

// answering reports whether the vendor's API answers: the keyless request
// got its JSON, or there is none to tell otherwise.
func answering(v observe.VendorResult) bool {
	return v.Reachability == nil || !v.Reachability.Result.Sent() || !v.Reachability.Result.Failed()
}

// anotherWorks reports whether a key of the vendor other than name, a
// canary or one in use, gets through.
func anotherWorks(v observe.VendorResult, name string) bool {
	return slices.ContainsFunc(v.Keys, func(k observe.KeyResult) bool { return k.Name != name && k.Result == observe.ResultOK })
}

// together reports whether the keys' rejections began within one probe
// interval of each other.
func (a *assessment) together(vendor string, ks []keyView) bool {
	window := a.mem.Vendors[vendor].ProbeGap
	if window <= 0 {
		window = time.Minute
	}
	window += window / 2 // jitter of the schedule
	first, last := ks[0].since, ks[0].since
	for _, k := range ks[1:] {
		if k.since.Before(first) {
			first = k.since
		}
		if k.since.After(last) {
			last = k.since
		}
	}
	return last.Sub(first) <= window
}

// rejection describes a key's evidence: `invalid_key (HTTP 401
// invalid_api_key) "Incorrect API key provided…", 3 times in a row since
// 10:57 UTC`, or "at 10:57 UTC" for a first sighting.
func (a *assessment) rejection(k keyView) string {
	s := resultWords(k.Result, k.HTTPStatus, k.Code)
	if msg := excerpt(k.Message); msg != "" {
		s += fmt.Sprintf(" %q", msg)
	}
	if k.streak < 2 {
		if k.since.IsZero() {
			return s
		}
		return s + " at " + clock(k.since, a.now)
	}
	return s + fmt.Sprintf(", %s in a row%s", times(k.streak), sinceClause(k.since, a.now))
}

// excerpt is a probe's message made safe and short for a detail sentence.
func excerpt(msg string) string {
	return termtext.Clip(termtext.Line(msg), 120)
}

func keyLabel(k keyView) string {
	if k.Fingerprint == "" {
		return k.Name
	}
	return k.Name + " (" + k.Fingerprint + ")"
}

func names(ks []keyView) []string {
	out := make([]string, 0, len(ks))
	for _, k := range ks {
		out = append(out, k.Name)
	}
	return out
}

func earliest(ks []keyView) time.Time {
	var t time.Time
	for _, k := range ks {
		if !k.since.IsZero() && (t.IsZero() || k.since.Before(t)) {
			t = k.since
		}
	}
	return t
}

// dependentsAdvice names the vendors that hold a key of vendor id.
func (a *assessment) dependentsAdvice(id string) string {
	if deps := a.dependents[id]; len(deps) > 0 {
		return "Put the new key into every dependent that holds this one: " + strings.Join(deps, ", ") + " (depends_on), then redeploy every app that uses it."
	}
	return "Put the new key into every service that holds a copy (voice platforms, proxies, CI), then redeploy every app that uses it."
}

func (a *assessment) keyRevoked(v observe.VendorResult, k keyView) Finding {
	name := a.name(v.ID)
	f := Finding{
		ID: findingID(KindKeyRevoked, []string{v.ID}, []string{k.Name}), Kind: KindKeyRevoked, Severity: SeverityCritical,
		Vendors: []string{v.ID}, Keys: []string{k.Name}, Since: k.since,
		Title:  fmt.Sprintf("%s key %s revoked", name, k.Name),
		Detail: fmt.Sprintf("%s rejects key %s: %s, while %s.", name, keyLabel(k), a.rejection(k), a.pageContext(v, k)),
		Advice: []string{
			"Look in your mail for " + name + "'s notice that the key leaked and was disabled.",
			"Check " + name + "'s audit log for api_key.deleted around " + clock(k.since, a.now) + ", and who did it.",
			"Rotate: create a new key and store it in your secret manager.",
			a.dependentsAdvice(v.ID),
		},
	}
	if k.Canary {
		f.Title = fmt.Sprintf("%s canary key %s revoked", name, k.Name)
		f.Advice = []string{
			"A canary is never used, so it cannot have leaked through use: someone or something with access to the account revoked it.",
			"Check " + name + "'s audit log for api_key.deleted and service_account.deleted, and review who holds admin access.",
			"Watch the keys you use: if they die next, it is account-wide.",
		}
	}
	return f
}

// foundDead reports whether the last check held the vendor's key dead in
// an open finding.
func (a *assessment) foundDead(vendor, key string) bool {
	for _, p := range a.prev.Open {
		if keyDeaths[p.Kind] && p.State == StateOpen && len(p.Vendors) > 0 && p.Vendors[0] == vendor && slices.Contains(p.Keys, key) {
			return true
		}
	}
	return false
}

// startedBy reports whether an open incident of the page says it started
// no later than t. An incident posted after a key was found revoked takes
// the conclusion back only if the vendor dates it from before the first
// rejection (vendors post late, but date the start); one that began later
// explains none of the rejections before it, and easing the key to "do
// not rotate yet" would undo advice the engineer may already follow.
func startedBy(st *observe.Status, t time.Time) bool {
	for _, in := range st.Open() {
		if !in.StartedAt.IsZero() && !in.StartedAt.After(t) {
			return true
		}
	}
	return false
}

// pageContext says what the vendor's page and API say while a key is
// rejected, so a reader sees why an open incident does not excuse it.
func (a *assessment) pageContext(v observe.VendorResult, k keyView) string {
	name := a.name(v.ID)
	st := &v.Status
	if !pageTrouble(st) {
		return name + " answers and reports no incident"
	}
	says := name + "'s status page says " + StateWords(st.State)
	if in, ok := openIncident(st); ok {
		says = name + " reports " + describeIncident(in)
	}
	switch {
	case (coversAuth(st, len(v.Watched) > 0) || struggling(v)) && a.foundDead(v.ID, k.Name) && !startedBy(st, k.since):
		return fmt.Sprintf("%s, posted after the key was found revoked and dated after its first rejection, so it does not explain it", says)
	case k.streak >= incidentPatience && (coversAuth(st, len(v.Watched) > 0) || struggling(v)):
		return fmt.Sprintf("%s; %d rejections in a row are more than an incident explains", says, k.streak)
	case RevocationMarker(k.KeyResult) && anotherWorks(v, k.Name):
		return fmt.Sprintf("%s; but %s's API answers, another key works, and the rejection says the key is revoked", says, name)
	}
	return says + ", which does not concern authentication or its API"
}

func (a *assessment) leakSuspected(v observe.VendorResult, used, canaries []keyView) Finding {
	name := a.name(v.ID)
	var dead []string
	for _, k := range used {
		dead = append(dead, fmt.Sprintf("%s: %s", keyLabel(k), a.rejection(k)))
	}
	return Finding{
		ID: findingID(KindKeyLeakSuspected, []string{v.ID}, names(used)), Kind: KindKeyLeakSuspected, Severity: SeverityCritical,
		Vendors: []string{v.ID}, Keys: names(used), Since: earliest(used),
		Title: fmt.Sprintf("%s key %s revoked while canaries live: it leaked", name, strings.Join(names(used), ", ")),
		Detail: fmt.Sprintf("The %s you use %s revoked (%s), while the %s you never use (%s) still %s. Only a key in use died, so it leaked through use, not through an account-wide action.",
			plural(len(used), "key", "keys"), plural(len(used), "was", "were"), strings.Join(dead, "; "),
			plural(len(canaries), "canary", "canaries"), strings.Join(names(canaries), ", "), canaryLife(canaries)),
		Advice: []string{
			"Find where it leaked: a repository, CI logs, a client app, or a vendor that holds it; look in your mail for " + name + "'s leak notice.",
			"Rotate: create a new key, keep it out of code and logs, and store it only in your secret manager.",
			a.dependentsAdvice(v.ID),
		},
	}
}

func (a *assessment) accountKeysRevoked(v observe.VendorResult, ks []keyView) Finding {
	name := a.name(v.ID)
	return Finding{
		ID: findingID(KindAccountKeysRevoked, []string{v.ID}, nil), Kind: KindAccountKeysRevoked, Severity: SeverityCritical,
		Vendors: []string{v.ID}, Keys: names(ks), Since: earliest(ks),
		Title: fmt.Sprintf("%s: all %d keys revoked at once", name, len(ks)),
		Detail: fmt.Sprintf("Every key of %s (%s) was rejected as invalid within one check interval, from %s, canaries included. That is an account-wide action, not a single leak.",
			name, strings.Join(names(ks), ", "), clock(earliest(ks), a.now)),
		Advice: []string{
			"Check " + name + "'s audit log for api_key.deleted and service_account.deleted, and who holds admin access; an audit log can miss events (OpenAI's dropped api_key.* events from Nov 2025 to Feb 2026).",
			"Contact " + name + "'s support with the times above before creating new keys: new keys may die the same way.",
			a.dependentsAdvice(v.ID),
		},
	}
}

func (a *assessment) rejectedDuringIncident(v observe.VendorResult, ks []keyView) Finding {
	name := a.name(v.ID)
	var parts []string
	for _, k := range ks {
		parts = append(parts, keyLabel(k)+": "+a.rejection(k))
	}
	says := fmt.Sprintf("%s's status page says %s", name, StateWords(v.Status.State))
	if in, ok := openIncident(&v.Status); ok {
		says = fmt.Sprintf("%s reports %s", name, describeIncident(in))
	}
	return Finding{
		ID: findingID(KindKeyRejectedDuringIncident, []string{v.ID}, names(ks)), Kind: KindKeyRejectedDuringIncident, Severity: SeverityWarning,
		Vendors: []string{v.ID}, Keys: names(ks), Since: earliest(ks),
		Title:  fmt.Sprintf("%s rejects key %s during its incident", name, strings.Join(names(ks), ", ")),
		Detail: fmt.Sprintf("%s; meanwhile %s.", strings.Join(parts, "; "), says),
		Advice: []string{
			"Do not rotate yet: during an incident a vendor may reject valid keys (VAPI's outage of 2026-05-21 could not authorize requests).",
			"If the key is still rejected after " + name + " resolves the incident, treat it as revoked.",
		},
	}
}

// classText is, per result, the finding kind, title words and advice that
// says what it is (and that it is not an outage). The finding's severity
// is the result's level in the results table (results.go).
var classText = map[observe.Result]struct {
	kind   Kind
	title  string
	advice []string
}{
	observe.ResultAccountDisabled: {KindAccountDisabled, "account disabled", []string{
		"Not an outage and not a leaked key: %[1]s disabled the account or organization behind the key.",
		"Read your mail from %[1]s and contact its support; new keys will not help.",
	}},
	observe.ResultQuotaExceeded: {KindQuotaExceeded, "out of quota", []string{
		"Not an outage: %[1]s works, but the account is out of credit or its billing is inactive.",
		"Top up or fix billing in %[1]s's dashboard; retrying will not help.",
	}},
	observe.ResultNoPermission: {KindKeyNoPermission, "lacks permission", []string{
		"Not an outage and not a dead key: the key is valid but may not call the probe's endpoint (a restricted key).",
		"If your apps work, give the key read access to that endpoint so it can be watched; if they fail too, add the missing scope.",
	}},
	observe.ResultMisconfigured: {KindKeyMisconfigured, "misconfigured", []string{
		"Not an outage: the request is wrong, not the vendor — an organization or project that does not match the key, or the wrong kind of key (VAPI's public vs private key).",
		"Fix the key's settings in the config or in the vendor's dashboard; the vendor's hint is in the detail.",
	}},
	observe.ResultRateLimited: {KindRateLimited, "rate limited", []string{
		"Not an outage: %[1]s is throttling this key; requests succeed again after backing off.",
		"If it lasts, compare your traffic with the key's rate limits, or spread load over keys.",
	}},
	observe.ResultNoSecret: {KindSecretMissing, "not checked: secret missing", []string{
		"Not an outage and not a dead key: the secret reference did not resolve, so the key was not tried.",
		"Run `vendorwatch check-config` to see which reference fails (an unset variable, a missing file, a failing command).",
	}},
}

// keyClass is one finding for all keys of a vendor with the same result.
func (a *assessment) keyClass(v observe.VendorResult, r observe.Result, ks []keyView) Finding {
	c := classText[r]
	name := a.name(v.ID)
	var parts []string
	for _, k := range ks {
		p := keyLabel(k) + ": " + a.rejection(k)
		if r == observe.ResultNoSecret {
			p = k.Name + ": " + cmp.Or(excerpt(k.Message), "secret reference did not resolve")
		}
		if k.Hint != "" {
			p += " — hint: " + excerpt(k.Hint)
		}
		parts = append(parts, p)
	}
	advice := make([]string, 0, len(c.advice))
	for _, s := range c.advice {
		if strings.Contains(s, "%[1]s") {
			s = fmt.Sprintf(s, name)
		}
		advice = append(advice, s)
	}
	f := Finding{
		ID: findingID(c.kind, []string{v.ID}, names(ks)), Kind: c.kind, Severity: severityOf(ResultLevel(r)),
		Vendors: []string{v.ID}, Keys: names(ks), Since: earliest(ks),
		Title:  fmt.Sprintf("%s key %s %s", name, strings.Join(names(ks), ", "), c.title),
		Detail: strings.Join(parts, "; ") + ".",
		Advice: advice,
	}
	if r == observe.ResultNoSecret {
		a.storeTrouble(&f, ks)
	}
	return f
}
