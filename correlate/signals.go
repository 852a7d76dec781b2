package correlate

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// RevocationMarker reports whether a rejected key's answer carries the
// vendor's own statement that the key is revoked, deleted or leaked:
// OpenAI's invalid_api_key, Anthropic's authentication_error, Gemini's
// API_KEY_INVALID, Twilio's 20003, or a message about a leak. One such
// answer is enough for key_revoked; without it the rejection must repeat.
//
// The key probes may later report the marker themselves; this is the one
// place to adapt.
func RevocationMarker(k observe.KeyResult) bool {
	if k.Result != observe.ResultInvalidKey {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(k.Code)) {
	case "invalid_api_key", "authentication_error", "api_key_invalid", "20003":
		return true
	}
	return strings.Contains(strings.ToLower(k.Message), "leak")
}

// probeState sums up what our own requests to a vendor's API say.
type probeState int

const (
	// probesNone: no keyless probe and no key that could be tried.
	probesNone probeState = iota
	// probesWorking: at least one of our keys got through.
	probesWorking
	// probesReachable: no key was tried, but the keyless request got an
	// answer in the vendor's own JSON. The API's front door answers; that
	// says nothing about whether requests with a key would work.
	probesReachable
	// probesAnswering: the vendor answers in its own words, but no key
	// works (rejected, quota, rate limited, ...).
	probesAnswering
	// probesFailing: nothing got an answer from the vendor: vendor_error,
	// timeout or network_error on every probe.
	probesFailing
)

// probes returns the vendor's probe results that carry evidence: the
// keyless request and every key whose secret resolved.
func probes(v observe.VendorResult) []observe.Result {
	var rs []observe.Result
	if v.Reachability != nil && v.Reachability.Result.Sent() {
		rs = append(rs, v.Reachability.Result)
	}
	for _, k := range v.Keys {
		if k.Result.Sent() {
			rs = append(rs, k.Result)
		}
	}
	return rs
}

func probeStateOf(v observe.VendorResult) probeState {
	var tried, failed int
	for _, k := range v.Keys {
		switch {
		case k.Result == observe.ResultOK:
			return probesWorking
		case !k.Result.Sent() || k.NotProbed:
			continue // no request: says nothing about the vendor
		case k.Result.Failed():
			failed++
		}
		tried++
	}
	reach := v.Reachability
	if reach != nil && !reach.Result.Sent() {
		reach = nil
	}
	switch {
	case reach == nil && tried == 0:
		return probesNone
	case reach != nil && reach.Result.Failed():
		// The keyless request failed and no key got through.
		return probesFailing
	case tried > 0 && failed == tried:
		// The edge may still answer without a key, but every keyed request
		// fails: the service behind it is down.
		return probesFailing
	case tried > 0:
		return probesAnswering
	}
	return probesReachable
}

// notChecked reports whether none of v's probe requests went out this
// time because they found no slot (not_checked): the vendor was not
// asked at all.
func notChecked(v observe.VendorResult) bool {
	seen := false
	if r := v.Reachability; r != nil {
		if r.Result.Sent() {
			return false
		}
		seen = r.Result == observe.ResultNotChecked
	}
	for _, k := range v.Keys {
		if k.Result.Sent() {
			return false
		}
		seen = seen || k.Result == observe.ResultNotChecked
	}
	return seen
}

// probeTime is when the vendor's probes last ran: the latest CheckedAt of
// its keyless request and keys, or fallback when they carry no time.
func probeTime(v observe.VendorResult, fallback time.Time) time.Time {
	var t time.Time
	if v.Reachability != nil && v.Reachability.Result != observe.ResultNotChecked && v.Reachability.CheckedAt.After(t) {
		t = v.Reachability.CheckedAt
	}
	for _, k := range v.Keys {
		if k.Result != observe.ResultNoSecret && k.Result != observe.ResultNotChecked && k.CheckedAt.After(t) {
			t = k.CheckedAt
		}
	}
	if t.IsZero() && len(probes(v)) > 0 {
		return fallback
	}
	return t
}

// pageTrouble reports whether the vendor's status page admits a problem:
// a state worse than maintenance or an open incident.
func pageTrouble(st *observe.Status) bool {
	return st.State.Outage() || len(st.Open()) > 0
}

// authWords are the words of an incident or a component that may concern
// authentication or the API itself, which is what could make a vendor
// reject a valid key.
var authWords = lazyregexp.New(`(?i)\b(api|apis|auth\w*|log ?in|sign[- ]?in|keys?|tokens?|credentials?|401|403|unauthori[sz]ed|permissions?|access|platform|developers?)\b`)

// coversAuth reports whether the vendor's trouble plausibly covers
// authentication or its API, so that it could explain a rejected key: an
// open incident with an impact above none that names the components the
// team watches (components:) or speaks of the API or authentication, or
// such a component in trouble. An incident about something else ("Support
// chat unavailable", impact none) excuses nothing.
func coversAuth(st *observe.Status, filtered bool) bool {
	for _, in := range st.Open() {
		if observe.ImpactState(in.Impact).Severity() < observe.Degraded.Severity() && in.Impact != "" {
			continue // impact none or maintenance
		}
		if filtered && len(in.Components) > 0 {
			return true // it touches a component the team said matters
		}
		texts := append([]string{in.Title, in.LatestUpdate}, in.Components...)
		if slices.ContainsFunc(texts, func(s string) bool { return authWords().MatchString(s) }) {
			return true
		}
	}
	for _, c := range st.Components {
		if c.State.Outage() && (filtered || authWords().MatchString(c.Name) || authWords().MatchString(c.Group)) {
			return true
		}
	}
	return false
}

// inMaintenance reports whether the vendor says it is in maintenance at t
// in a way that could explain our failing requests: its page says it is
// under maintenance, or a maintenance is in progress at t (by its status,
// or by its window when it is only scheduled) and covers what fails for
// us. A maintenance announced for tomorrow, or one on a part of the
// service we do not use, excuses nothing.
func inMaintenance(v observe.VendorResult, t time.Time) bool {
	st := &v.Status
	if st.State == observe.UnderMaintenance {
		return true
	}
	for _, m := range st.Maintenances {
		if m.Active(t) && coversProbes(m, v.Watched) {
			return true
		}
	}
	return false
}

// coversProbes reports whether a maintenance covers what our probes use:
// it names no component (the whole service), a component the team watches
// (components:), or one whose name speaks of the API or authentication.
func coversProbes(m observe.Maintenance, watched []string) bool {
	if len(m.Components) == 0 {
		return true
	}
	for _, c := range m.Components {
		if authWords().MatchString(c) || slices.ContainsFunc(watched, func(w string) bool { return strings.EqualFold(w, c) }) {
			return true
		}
	}
	return false
}

// sourceReadable reports whether at least one status source was read.
func sourceReadable(st *observe.Status) bool {
	for _, s := range st.Sources {
		if s.OK {
			return true
		}
	}
	return false
}

// sourceNotChecked reports whether a status source's error says its
// request was never sent (it found no connection slot before the check's
// deadline): the providers package words that "not checked: ...". Such a
// source says nothing about the page, the vendor or our network.
func sourceNotChecked(errText string) bool {
	return strings.HasPrefix(strings.TrimSpace(errText), "not checked")
}

// networkFailure reports whether a status source's error is a failure at
// the network layer (no HTTP answer): DNS, refused or reset connections,
// TLS, or a timeout. The texts are the providers package's own
// descriptions of transport errors, never remote text; an HTTP status or a
// parse error is an answer, not a network failure.
func networkFailure(errText string) bool {
	e := strings.ToLower(strings.TrimSpace(errText))
	if e == "" || strings.HasPrefix(e, "http ") {
		return false
	}
	for _, p := range []string{"timed out", "dns:", "dial:", "read:", "write:", "tls:", "x509:", "remote error: tls",
		"proxyconnect", "eof", "waiting for a free connection slot", "connection refused", "connection reset", "no route to host",
		"network is unreachable", "i/o timeout", "context deadline exceeded"} {
		if strings.HasPrefix(e, p) {
			return true
		}
	}
	return false
}

// sourceHost is the host (with port) of a status source URL.
func sourceHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}

// openIncident returns the vendor's first open incident, if any, with its
// text made safe for one line of a terminal once more: findings quote it.
func openIncident(st *observe.Status) (observe.Incident, bool) {
	open := st.Open()
	if len(open) == 0 {
		return observe.Incident{}, false
	}
	in := open[0]
	for _, s := range []*string{&in.Title, &in.Status, &in.Impact, &in.URL, &in.LatestUpdate} {
		*s = termtext.Line(*s)
	}
	return in, true
}

// description is what the status page says about the vendor's state, as
// one safe line.
func description(st *observe.Status) string {
	return cmp.Or(termtext.Line(st.Description), string(st.State))
}

// postedAt is when the vendor first posted an incident: its oldest update,
// else its start. Zero when the incident carries no time.
func postedAt(in observe.Incident) time.Time {
	t := in.StartedAt
	for _, u := range in.Updates {
		if !u.At.IsZero() && (t.IsZero() || u.At.Before(t)) {
			t = u.At
		}
	}
	return t
}

// describeIncident quotes an incident: title, status, impact, start, link.
func describeIncident(in observe.Incident) string {
	s := fmt.Sprintf("%q, %s", in.Title, in.Status)
	if in.Impact != "" {
		s += ", impact " + in.Impact
	}
	if !in.StartedAt.IsZero() {
		s += ", since " + in.StartedAt.UTC().Format("2006-01-02 15:04 MST")
	}
	if in.URL != "" {
		s += " (" + in.URL + ")"
	}
	return s
}

// clock formats t for a detail sentence: the time of day when t falls on
// the same UTC day as now, else the date too.
func clock(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04 UTC")
	}
	return t.Format("2006-01-02 15:04 UTC")
}

// times spells a count of checks: "once", "twice", "3 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
