package correlate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// VAPI's own failures count as evidence about VAPI once at least
// ownMinCalls calls, or ownMinShare of the calls, end in them: one call
// whose worker died is noise, several are an outage.
const (
	ownMinCalls = 3
	ownMinShare = 0.25
)

// callGroup is the calls that ended in one upstream provider's failures.
type callGroup struct {
	key, name string
	byok      bool
	reasons   []observe.ReasonCount
	count     int
	worst     observe.Result
	first     time.Time
}

// classRank orders failures: the ones that do not heal by themselves first.
func classRank(r observe.Result) int {
	switch r {
	case observe.ResultInvalidKey, observe.ResultAccountDisabled, observe.ResultQuotaExceeded:
		return 3
	case observe.ResultNoPermission, observe.ResultMisconfigured:
		return 2
	case observe.ResultRateLimited, observe.ResultVendorError:
		return 1
	}
	return 0
}

// callFindings reads a vendor's call records (VAPI's endedReason counts):
// each upstream provider whose failures ended calls gets upstream_impact on
// the vendor, joined with the depends_on one when there is one; calls that
// ended in the vendor's own failures join its outage or incident finding,
// or raise one, and billing failures raise quota_exceeded (or
// rate_limited, account_disabled) on it.
func (a *assessment) callFindings(v observe.VendorResult, fs []Finding) []Finding {
	cs := v.Calls
	if cs.Ended == 0 {
		return fs
	}
	groups := map[string]*callGroup{}
	var order []string
	var own, billing []observe.ReasonCount
	ownCount := 0
	for _, rc := range cs.Reasons {
		switch {
		case rc.Fault == observe.FaultBilling:
			billing = append(billing, rc)
		case rc.Fault == observe.FaultVAPI:
			own = append(own, rc)
			ownCount += rc.Count
		case (rc.Fault == observe.FaultBYOK || rc.Fault == observe.FaultProvider) && rc.Provider != "" && rc.Class != observe.ResultOK:
			key := cmp.Or(rc.Vendor, rc.Provider)
			g := groups[key]
			if g == nil {
				g = &callGroup{key: key, name: a.upstreamName(rc)}
				groups[key] = g
				order = append(order, key)
			}
			g.reasons = append(g.reasons, rc)
			g.count += rc.Count
			g.byok = g.byok || rc.Fault == observe.FaultBYOK
			if g.worst == "" || classRank(rc.Class) > classRank(g.worst) {
				g.worst = rc.Class
			}
			if g.first.IsZero() || !rc.First.IsZero() && rc.First.Before(g.first) {
				g.first = rc.First
			}
		}
	}
	for _, key := range order {
		if f, ok := a.rotationStory(v, groups[key], a.callUpstream(v, groups[key])); ok {
			fs = a.joinUpstream(fs, f)
		}
	}
	fs = append(fs, a.billingFindings(v, billing)...)
	if ownCount >= ownMinCalls || float64(ownCount) >= ownMinShare*float64(cs.Ended) && ownCount > 0 {
		fs = a.ownCallFailures(v, own, ownCount, fs)
	}
	return fs
}

// upstreamName is how a provider is called: the snapshot's name for a
// vendor we watch, else the name VAPI's reason table gives it.
func (a *assessment) upstreamName(rc observe.ReasonCount) string {
	if rc.Vendor != "" {
		if n, ok := a.names[rc.Vendor]; ok {
			return n
		}
	}
	return cmp.Or(rc.VendorName, rc.Provider)
}

// reasonShort is "401 incorrect-api-key" for a title.
func reasonShort(rc observe.ReasonCount) string {
	s := rc.Problem
	if rc.HTTPStatus > 0 {
		s = strings.TrimSpace(fmt.Sprintf("%d %s", rc.HTTPStatus, s))
	}
	return cmp.Or(s, rc.Reason)
}

// reasonList is "12 ended pipeline-error-openai-401-incorrect-api-key (last
// 12:52 UTC), 3 ended …".
func (a *assessment) reasonList(rcs []observe.ReasonCount) string {
	var parts []string
	for _, rc := range rcs {
		p := fmt.Sprintf("%d ended %s", rc.Count, rc.Reason)
		if !rc.Last.IsZero() {
			p += " (last " + clock(rc.Last, a.now) + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// meaning says what a provider failure seen by VAPI means for us.
func meaning(class observe.Result, byok bool, vendor, up string) string {
	held := fmt.Sprintf("the %s key stored in %s", up, vendor)
	if !byok {
		return fmt.Sprintf("%s returned server errors to %s", up, vendor)
	}
	switch class {
	case observe.ResultInvalidKey:
		return held + " is dead (revoked, deleted or wrong)"
	case observe.ResultQuotaExceeded:
		return fmt.Sprintf("the %s account behind %s is out of quota or credit", up, held)
	case observe.ResultAccountDisabled:
		return fmt.Sprintf("the %s account behind %s is blocked", up, held)
	case observe.ResultNoPermission:
		return held + " may not use what " + vendor + " asks of it (a model or a feature)"
	case observe.ResultMisconfigured:
		return fmt.Sprintf("%s's %s settings are wrong (model, organization or request)", vendor, up)
	case observe.ResultRateLimited:
		return up + " is rate-limiting " + held
	case observe.ResultVendorError:
		return up + " is failing " + vendor + "'s requests"
	}
	return fmt.Sprintf("%s's %s step is failing", vendor, up)
}

// callUpstream is upstream_impact on v from its calls that ended in one
// provider's failures.
func (a *assessment) callUpstream(v observe.VendorResult, g *callGroup) Finding {
	name, cs := a.name(v.ID), v.Calls
	asOf, stale := a.countsAsOf(v)
	top := g.reasons[0]
	f := Finding{
		ID: findingID(KindUpstreamImpact, []string{v.ID, g.key}, nil), Kind: KindUpstreamImpact, Severity: SeverityWarning,
		Vendors: []string{v.ID}, Keys: []string{}, Since: g.first, Stale: asOf != "",
		Title: fmt.Sprintf("%s calls fail on %s: %s (%d of %d calls%s)", name, g.name, reasonShort(top), g.count, cs.Ended, asOf),
		Detail: fmt.Sprintf("%d of %d %s calls created since %s ended in %s failures: %s. That means %s.%s", g.count, cs.Ended, name,
			clock(cs.Since, a.now), g.name, a.reasonList(g.reasons), meaning(g.worst, g.byok, name, g.name), stale),
	}
	if classRank(g.worst) == 3 && g.byok {
		f.Severity = SeverityCritical
	}
	f.Word = a.callWord(g)
	switch {
	case g.byok && classRank(g.worst) >= 2:
		f.Advice = []string{
			fmt.Sprintf("Fix the %s key %s holds (its provider keys / integrations); vendorwatch cannot see that key, only the calls it breaks.", g.name, name),
			oldKeyGuess(g.name, name),
		}
	case g.byok && g.worst == observe.ResultRateLimited:
		f.Advice = []string{fmt.Sprintf("Raise the %s rate limits of the key %s holds, or spread calls over keys.", g.name, name)}
	default:
		f.Advice = []string{fmt.Sprintf("Follow %s's status page, and configure a fallback provider in %s.", g.name, name)}
	}
	return f
}

// callWord is whose trouble calls failing on an upstream are, when it is
// not the upstream's (THEM): a key we gave the vendor that the upstream
// rejects as dead is ours to replace (KEY: after a rotation, the vendor
// may still hold the old one), and an account of ours there out of
// quota, blocked, not allowed or set up wrong is ours to fix (US). While
// the upstream's page admits trouble that may explain the rejections, it
// stays THEM, as key_rejected_during_incident does: no rotation on an
// outage's word.
func (a *assessment) callWord(g *callGroup) Word {
	if !g.byok || classRank(g.worst) < 2 {
		return ""
	}
	if u, ok := a.vendor(g.key); ok && rejectionsExcused(u) {
		return ""
	}
	if g.worst == observe.ResultInvalidKey {
		return WordKey
	}
	return WordUs
}

// oldKeyGuess is the advice that a holder may have missed a rotation;
// with a rotation checklist for the key, rotationStory says what it knows
// instead.
func oldKeyGuess(upstream, holder string) string {
	return fmt.Sprintf("If you rotated your %s keys recently, %s may still hold an old one.", upstream, holder)
}

// guessesOldKey reports whether advice is oldKeyGuess's.
func guessesOldKey(advice string) bool {
	return strings.HasPrefix(advice, "If you rotated your ") && strings.HasSuffix(advice, " may still hold an old one.")
}

// joinUpstream adds f to fs, or joins it with the upstream_impact of the
// same dependent and upstream (from depends_on): the calls that failed are
// the stronger evidence, so their title leads.
func (a *assessment) joinUpstream(fs []Finding, f Finding) []Finding {
	i := slices.IndexFunc(fs, func(g Finding) bool { return g.Key() == f.Key() })
	if i < 0 {
		return append(fs, f)
	}
	old := fs[i]
	old.Title = f.Title
	if f.Word != "" {
		old.Word = f.Word
	}
	old.Detail = f.Detail + " " + old.Detail
	if f.Severity.Rank() > old.Severity.Rank() {
		old.Severity = f.Severity
	}
	if !f.Since.IsZero() && (old.Since.IsZero() || f.Since.Before(old.Since)) {
		old.Since = f.Since
	}
	advice := slices.Clone(f.Advice)
	for _, s := range old.Advice {
		if !slices.Contains(advice, s) {
			advice = append(advice, s)
		}
	}
	old.Advice = advice
	fs[i] = old
	return fs
}

// billingFindings turns calls refused by VAPI's billing into findings on
// VAPI, one per class: the account is out of credit, frozen, at its
// concurrency limit or blocked.
func (a *assessment) billingFindings(v observe.VendorResult, rcs []observe.ReasonCount) []Finding {
	name, cs := a.name(v.ID), v.Calls
	asOf, stale := a.countsAsOf(v)
	by := map[observe.Result][]observe.ReasonCount{}
	var classes []observe.Result
	for _, rc := range rcs {
		if _, ok := by[rc.Class]; !ok {
			classes = append(classes, rc.Class)
		}
		by[rc.Class] = append(by[rc.Class], rc)
	}
	var out []Finding
	for _, class := range classes {
		c, ok := classText[class]
		if !ok {
			continue
		}
		n := 0
		var since time.Time
		for _, rc := range by[class] {
			n += rc.Count
			if since.IsZero() || !rc.First.IsZero() && rc.First.Before(since) {
				since = rc.First
			}
		}
		out = append(out, Finding{
			ID: findingID(c.kind, []string{v.ID}, nil), Kind: c.kind, Severity: severityOf(ResultLevel(class)),
			Vendors: []string{v.ID}, Keys: []string{}, Since: since,
			Title: fmt.Sprintf("%s account %s: %d of %d calls refused%s", name, c.title, n, cs.Ended, asOf),
			Detail: fmt.Sprintf("%d of %d %s calls created since %s were refused by %s's billing: %s.%s", n, cs.Ended, name,
				clock(cs.Since, a.now), name, a.reasonList(by[class]), stale),
			Advice: []string{
				"Not an outage: " + name + " refuses calls because of our account (credit, a frozen subscription, the concurrency limit or its fraud check).",
				"Fix it in " + name + "'s dashboard (billing); retrying will not help.",
			},
		})
	}
	return out
}

// ownCallFailures joins the calls that ended in VAPI's own failures with
// VAPI's outage or incident finding, or raises vendor_outage_unreported
// when its status page is silent.
func (a *assessment) ownCallFailures(v observe.VendorResult, own []observe.ReasonCount, n int, fs []Finding) []Finding {
	name, cs := a.name(v.ID), v.Calls
	asOf, stale := a.countsAsOf(v)
	evidence := fmt.Sprintf("%d of %d %s calls created since %s ended in %s's own failures: %s.%s", n, cs.Ended, name,
		clock(cs.Since, a.now), name, a.reasonList(own), stale)
	var since time.Time
	for _, rc := range own {
		if since.IsZero() || !rc.First.IsZero() && rc.First.Before(since) {
			since = rc.First
		}
	}
	for i, f := range fs {
		if len(f.Vendors) == 0 || f.Vendors[0] != v.ID {
			continue
		}
		switch f.Kind {
		case KindVendorOutage, KindVendorOutageUnreported, KindVendorIncident:
			fs[i].Detail += " Its call records agree: " + evidence
			if f.Kind == KindVendorIncident && f.Severity.Rank() < SeverityWarning.Rank() {
				fs[i].Severity = SeverityWarning
			}
			return fs
		}
	}
	page := fmt.Sprintf("while %s's status page says %q", name, description(&v.Status))
	if !v.Status.State.Known() {
		page = fmt.Sprintf("while %s's status page cannot be read", name)
	}
	return append(fs, Finding{
		ID: findingID(KindVendorOutageUnreported, []string{v.ID}, nil), Kind: KindVendorOutageUnreported, Severity: SeverityWarning,
		Vendors: []string{v.ID}, Keys: []string{}, Since: since,
		Title:  fmt.Sprintf("%s calls failing on %s's side: %s (%d of %d calls%s)", name, name, reasonShort(own[0]), n, cs.Ended, asOf),
		Detail: evidence + " That is " + name + "'s infrastructure or its platform credentials, " + page + ".",
		Advice: []string{
			"It is them: " + name + " marks these failures as its own (vapifault); you are usually not charged for these calls.",
			"Contact " + name + "'s support with the times above if it lasts, and watch its status page.",
		},
	})
}

// countsAsOf marks counts kept from an earlier read of the call records:
// when this check could not read them, a finding drawn from them says in
// its title when they were read (", as of 12:40 UTC") and in its detail
// why they are not newer. Both are empty when the counts are this check's.
func (a *assessment) countsAsOf(v observe.VendorResult) (title, detail string) {
	cs := v.Calls
	if cs.Result == observe.ResultOK || cs.Result == "" {
		return "", ""
	}
	read := "an earlier read"
	title = ", from an earlier read"
	if !cs.CountedAt.IsZero() {
		read = "the read at " + clock(cs.CountedAt, a.now)
		title = ", as of " + clock(cs.CountedAt, a.now)
	}
	return title, fmt.Sprintf(" These counts are from %s: %s's call records could not be read at %s (%s).",
		read, a.name(v.ID), clock(cs.CheckedAt, a.now), resultWords(cs.Result, cs.HTTPStatus, cs.Code))
}
