package correlate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// trafficFindings reads our own production traffic to v, from Prometheus
// (docs/findings.md, "How vendorwatch decides", has the table):
//
//   - our 401/403 rise while our probe key works: traffic_auth_errors, us
//     (a service sends a rejected or old key); when the probe key is dead
//     too, the key's finding leads and gets this as evidence;
//   - our 5xx rise while the page says operational and the probes pass:
//     traffic_vendor_errors, them, an unreported partial outage; with an
//     outage finding it joins that finding's evidence;
//   - our requests get no HTTP answer while the vendor answers us here:
//     traffic_network_errors, us, between our services and the vendor;
//   - our 429s rise: traffic_throttled, us, linked to quota findings;
//   - the page reports trouble while our traffic is healthy: the
//     vendor_incident is lowered to info, "not affecting us";
//   - the traffic cannot be read: traffic_source_down (in
//     rule_traffic_source.go), about our Prometheus, never the vendor.
//
// fs holds the findings of this check so far; the new ones are appended
// and the ones that get the traffic as evidence are changed in place.
func (a *assessment) trafficFindings(v observe.VendorResult, fs []Finding) []Finding {
	if v.Traffic == nil {
		return fs
	}
	if !trafficRead(v) {
		fs = append(fs, a.trafficDown(v))
		a.notAffectingUs(v, fs)
		return fs
	}
	fs = a.trafficAuth(v, fs)
	fs = a.trafficVendor(v, fs)
	fs = a.trafficNetwork(v, fs)
	fs = a.trafficThrottled(v, fs)
	a.notAffectingUs(v, fs)
	return fs
}

// vendorFinding is the index in fs of the first finding about vendor id
// whose kind is in kinds, or -1.
func vendorFinding(fs []Finding, id string, kinds ...Kind) int {
	return slices.IndexFunc(fs, func(f Finding) bool {
		return len(f.Vendors) > 0 && f.Vendors[0] == id && slices.Contains(kinds, f.Kind)
	})
}

// joinTraffic adds our traffic's evidence to a finding's detail.
func joinTraffic(f *Finding, sentence string) {
	f.Detail = strings.TrimSpace(f.Detail + " " + sentence)
}

// trafficClause says what our traffic shows for a class: "34% of our
// requests to OpenAI (12 a second) got 401/403 over the last 5 minutes
// (0.2% a day earlier at this hour)".
func (a *assessment) trafficClause(v observe.VendorResult, c trafficClass) string {
	t := v.Traffic
	s := fmt.Sprintf("%s of our requests to %s (%s a second) got %s over the last %s", percent(c.ratio(t.Errors)), a.name(v.ID),
		rateWords(t.Rate), c.words, windowWords(t.Window))
	if t.Baseline != nil {
		return s + fmt.Sprintf(" (%s a day earlier at this hour)", percent(c.ratio(*t.Baseline)))
	}
	return s + " (no baseline a day earlier)"
}

// trafficSeverity is warning, or critical for a severe ratio.
func trafficSeverity(ratio float64) Severity {
	if ratio >= trafficSevere {
		return SeverityCritical
	}
	return SeverityWarning
}

// trafficFinding is a new finding about v's traffic; it waits for a
// second observation unless its ratio is severe or firm says the evidence
// is strong.
func (a *assessment) trafficFinding(v observe.VendorResult, kind Kind, ratio float64, firm bool) Finding {
	return Finding{
		ID: findingID(kind, []string{v.ID}, nil), Kind: kind, Severity: trafficSeverity(ratio),
		Vendors: []string{v.ID}, Keys: []string{}, tentative: !firm && ratio < trafficSevere,
	}
}

// trafficAuth is traffic_auth_errors: our 401/403 rise while our probe
// key works. Some service of ours sends a key the vendor rejects: a
// rotation that missed a holder, or a deploy with an old secret. The
// holders of the vendor's keys are named, and an open rotation of its key
// leads the advice. When the probe key is rejected too, the key's finding
// says what is wrong and this is its evidence; during an incident that
// could explain rejections, or while the vendor fails us, it is the
// vendor finding's evidence.
func (a *assessment) trafficAuth(v observe.VendorResult, fs []Finding) []Finding {
	if !rises(v.Traffic, classAuth) {
		return fs
	}
	clause := a.trafficClause(v, classAuth)
	ps := probeStateOf(v)
	if i := vendorFinding(fs, v.ID, KindKeyRevoked, KindKeyLeakSuspected, KindAccountKeysRevoked, KindKeyDeleted, KindKeyVanished,
		KindKeyRejectedDuringIncident, KindAccountDisabled, KindKeyNoPermission); i >= 0 {
		joinTraffic(&fs[i], "Our production traffic shows it too: "+clause+".")
		return fs
	}
	if slices.ContainsFunc(v.Keys, func(k observe.KeyResult) bool { return k.Result == observe.ResultInvalidKey && !k.Canary }) {
		return fs // rejected once: the key rule decides at the next check
	}
	if ps == probesFailing || ps == probesAnswering || ps != probesWorking && pageTrouble(&v.Status) && coversAuth(&v.Status, len(v.Watched) > 0) {
		if i := vendorFinding(fs, v.ID, KindVendorOutage, KindVendorOutageUnreported, KindVendorIncident); i >= 0 {
			joinTraffic(&fs[i], "Our production traffic gets rejected too: "+clause+".")
		}
		return fs
	}
	name := a.name(v.ID)
	rot := a.pendingRotation(v.ID)
	f := a.trafficFinding(v, KindTrafficAuthErrors, v.Traffic.Errors.Auth, rot != nil)
	f.Keys = usedKeys(v)
	probe := "while our probe key works (" + a.evidence(v) + ")"
	f.Title = fmt.Sprintf("%s rejects %s of our production requests while our probe key works", name, percent(v.Traffic.Errors.Auth))
	if ps != probesWorking {
		probe = "while no key of ours is probed to compare, and " + name + " reports nothing that could explain it"
		f.Title = fmt.Sprintf("%s rejects %s of our production requests (401/403)", name, percent(v.Traffic.Errors.Auth))
	}
	f.Detail = fmt.Sprintf("%s, %s. It is us: some service of ours sends a key %s rejects, an old one a rotation missed or one a deploy shipped by mistake.",
		clause, probe, name)
	if pageTrouble(&v.Status) && coversAuth(&v.Status, len(v.Watched) > 0) {
		f.Detail += " " + name + " reports trouble that may concern authentication; if our 401s began with it, they may be its doing, but the key we probe is accepted."
	}
	f.Advice = []string{
		"It is us, not " + name + ": find the service whose requests fail with 401/403 (its own logs or the per-service labels of the same metric) and redeploy it with the current key.",
	}
	if ps == probesWorking {
		f.Advice = append(f.Advice, "Do not rotate the key that works because of this: the probe shows it is accepted.")
	}
	if rot != nil {
		pending := rot.Pending()
		var who []string
		for _, h := range pending {
			who = append(who, a.holderLabel(h.Holder))
		}
		f.Detail += fmt.Sprintf(" The rotation of %s at %s (%s → %s) still waits for: %s.", rot.Subject(), clock(rot.RotatedAt, a.now),
			rot.From, rot.To, strings.Join(who, ", "))
		f.Advice = append([]string{fmt.Sprintf("Likely a holder the rotation of %s missed: give the new key to %s, then mark each done (vendorwatch rotation done %s HOLDER); a service closes by itself once these 401s stop.",
			rot.Subject(), strings.Join(who, ", "), rot.Subject())}, f.Advice...)
	} else if hs := holdersOf(v, f.Keys); len(hs) > 0 {
		f.Advice = append(f.Advice, "Check the key each holder uses: "+a.holderList(hs)+".")
	}
	return append(fs, f)
}

// pendingRotation is the newest open rotation of a key of vendor id.
func (a *assessment) pendingRotation(id string) *Rotation {
	for i := len(a.mem.Rotations) - 1; i >= 0; i-- {
		if r := &a.mem.Rotations[i]; r.Vendor == id && r.Open() && len(r.Pending()) > 0 {
			return r
		}
	}
	return nil
}

// usedKeys are the names of v's keys that are not canaries, whose holders
// may send an old copy.
func usedKeys(v observe.VendorResult) []string {
	out := []string{}
	for _, k := range v.Keys {
		if !k.Canary && k.Result.Sent() {
			out = append(out, k.Name)
		}
	}
	return out
}

// trafficVendor is traffic_vendor_errors: our 5xx rise while the page
// says operational and the light probes pass. It is them, partial and
// unreported: the probes are too light to see it. It is the first step of
// the vendor's episode (vendorEpisode). With an outage finding
// it joins that finding's evidence; with an incident on the page, the
// incident affects us, and says so.
func (a *assessment) trafficVendor(v observe.VendorResult, fs []Finding) []Finding {
	if !rises(v.Traffic, classVendor) {
		return fs
	}
	clause := a.trafficClause(v, classVendor)
	name := a.name(v.ID)
	if i := vendorFinding(fs, v.ID, KindVendorOutage, KindVendorOutageUnreported); i >= 0 {
		joinTraffic(&fs[i], "Our production traffic shows it too: "+clause+".")
		return fs
	}
	if i := vendorFinding(fs, v.ID, KindVendorIncident); i >= 0 {
		f := &fs[i]
		f.Title += "; it affects our traffic"
		joinTraffic(f, "It affects us: "+clause+".")
		if f.Severity.Rank() < SeverityWarning.Rank() {
			f.Severity = SeverityWarning
		}
		f.Advice = slices.DeleteFunc(f.Advice, func(s string) bool { return strings.HasPrefix(s, "Your keys work; watch") })
		return fs
	}
	ps := probeStateOf(v)
	if ps == probesFailing || ps == probesAnswering || pageTrouble(&v.Status) {
		return fs // the outage and key rules speak; their findings come at the next check
	}
	f := a.trafficFinding(v, KindTrafficVendorErrors, v.Traffic.Errors.Vendor, false)
	// One outage, one episode: our traffic failing first, then our probes
	// (unreported), then the page (outage), is one trouble of the vendor.
	f.ID = vendorEpisode(v.ID)
	page := fmt.Sprintf("its status page says %q", description(&v.Status))
	f.Title = fmt.Sprintf("%s failing %s of our requests (5xx), unreported: its status page says operational", name, percent(v.Traffic.Errors.Vendor))
	if !v.Status.State.Known() {
		page = "its status page cannot be read"
		f.Title = fmt.Sprintf("%s failing %s of our requests (5xx), and its status page is unreadable", name, percent(v.Traffic.Errors.Vendor))
	}
	probe := "our probes pass (" + a.evidence(v) + ")"
	if ps == probesNone {
		probe = "we have no probe of its API to compare"
	}
	f.Detail = fmt.Sprintf("%s, while %s and %s: a partial outage %s has not posted. The probes are too light to see it: one small request each, while our traffic does the real work.",
		clause, page, probe, name)
	f.Advice = []string{
		"Likely them, partial and not yet acknowledged: open a ticket with " + name + " with the times and the error ratio above; check " + cmp.Or(v.Status.PageURL, "its status page") + ".",
		"Retry with backoff or fail over the calls that fail; the light probes will keep passing.",
	}
	return append(fs, f)
}

// trafficNetwork is traffic_network_errors: our requests get no HTTP
// answer (DNS, connect, TLS, timeout) while the vendor answers us here.
// It is us, between our services and the vendor. While the vendor fails
// our probes too, the outage findings speak and get this as evidence;
// without probes nothing says the vendor answers, and nothing is
// concluded.
func (a *assessment) trafficNetwork(v observe.VendorResult, fs []Finding) []Finding {
	if !rises(v.Traffic, classNetwork) {
		return fs
	}
	clause := a.trafficClause(v, classNetwork)
	switch probeStateOf(v) {
	case probesFailing:
		if i := vendorFinding(fs, v.ID, KindVendorOutage, KindVendorOutageUnreported); i >= 0 {
			joinTraffic(&fs[i], "Our production traffic fails too: "+clause+".")
		}
		return fs
	case probesNone:
		return fs
	}
	name := a.name(v.ID)
	f := a.trafficFinding(v, KindTrafficNetworkErrors, v.Traffic.Errors.Network, false)
	f.Title = fmt.Sprintf("Our services cannot reach %s for %s of requests, while it answers us here", name, percent(v.Traffic.Errors.Network))
	f.Detail = fmt.Sprintf("%s, while %s answers our probes from here (%s). The trouble is between our services and %s: their egress, DNS, proxy or NAT.",
		clause, name, a.evidence(v), name)
	f.Advice = []string{
		"It is us, between our services and " + name + ": check the services' DNS resolution of its API host, their proxy or NAT gateway, firewall rules and egress limits.",
		"Check client timeouts and connection pools too: a timeout without a status is counted here.",
	}
	return append(fs, f)
}

// trafficThrottled is traffic_throttled: our 429s rise. It is our volume
// or our quota; the key's quota and rate-limit findings are linked.
func (a *assessment) trafficThrottled(v observe.VendorResult, fs []Finding) []Finding {
	if !rises(v.Traffic, classThrottled) {
		return fs
	}
	name := a.name(v.ID)
	f := a.trafficFinding(v, KindTrafficThrottled, v.Traffic.Errors.Throttled, false)
	f.Title = fmt.Sprintf("%s throttles %s of our requests (429)", name, percent(v.Traffic.Errors.Throttled))
	f.Detail = a.trafficClause(v, classThrottled) + ". It is us: our volume is above our rate limit, or our quota is running out."
	f.Advice = []string{
		"Back off and smooth the bursts; check the rate limits of " + name + "'s plan against our volume.",
		"Check usage and billing in " + name + "'s dashboard: an exhausted quota answers 429 too.",
	}
	for _, g := range fs {
		if len(g.Vendors) > 0 && g.Vendors[0] == v.ID && (g.Kind == KindQuotaExceeded || g.Kind == KindRateLimited) {
			f.Detail += " See also: " + g.Title + "."
		}
	}
	return append(fs, f)
}

// notAffectingUs lowers what the page alone says when our traffic shows
// the vendor serves us: a vendor_incident, or a vendor_outage drawn from
// the page without a probe that works, becomes a vendor_incident of
// severity info that says it is not affecting us. This is the noise
// control: an incident on a region or a model we do not use. A finding
// built from our own failing probes, or from keys that fail, is never
// lowered. While Prometheus cannot be read, the last healthy read stands
// for trafficStale, so a Prometheus restart neither raises the incident
// again nor announces it.
func (a *assessment) notAffectingUs(v observe.VendorResult, fs []Finding) {
	t := v.Traffic
	vm := a.mem.Vendors[v.ID]
	defer func() { a.mem.Vendors[v.ID] = vm }()
	healthy, as := false, ""
	switch {
	case trafficRead(v) && trafficHealthy(t):
		healthy, vm.TrafficHealthy = true, cmp.Or(t.CheckedAt.UTC(), a.now)
	case trafficRead(v):
		vm.TrafficHealthy = time.Time{}
	case !vm.TrafficHealthy.IsZero() && a.now.Sub(vm.TrafficHealthy) <= trafficStale:
		healthy, as = true, fmt.Sprintf(" (as last read at %s; Prometheus cannot be read now)", clock(vm.TrafficHealthy, a.now))
	}
	ps := probeStateOf(v)
	if !healthy || ps == probesFailing || ps == probesAnswering {
		return
	}
	i := vendorFinding(fs, v.ID, KindVendorIncident, KindVendorOutage)
	if i < 0 {
		return
	}
	f := &fs[i]
	f.Kind, f.Severity = KindVendorIncident, SeverityInfo
	f.Title += "; not affecting us"
	if as != "" {
		joinTraffic(f, "Not affecting us: our production traffic was healthy"+as+".")
	} else {
		joinTraffic(f, fmt.Sprintf("Not affecting us: our production traffic is healthy, %s requests a second with %s errors over the last %s.",
			rateWords(t.Rate), percent(t.Errors.Total()), windowWords(t.Window)))
	}
	state := "is healthy"
	if as != "" {
		state = "was healthy at its last read"
	}
	f.Advice = append([]string{"Not affecting us: our own traffic to " + a.name(v.ID) + " " + state + ". Nothing to do unless it starts failing."},
		slices.DeleteFunc(slices.Clone(f.Advice), func(s string) bool { return strings.HasPrefix(s, "Your keys work; watch") })...)
}
