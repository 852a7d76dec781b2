package correlate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/observe"
)

// networkMinHosts is how many distinct hosts must fail at the network layer
// before we blame our own network rather than a vendor.
const networkMinHosts = 3

// endpoint is one request of a check: a status source or an API probe.
type endpoint struct {
	host   string
	failed bool   // no HTTP answer: DNS, connect, TLS, timeout
	why    string // what failed, for the detail
}

// endpoints lists every request of the snapshot that ran. API probes of a
// vendor share one host, named after the vendor.
func (a *assessment) endpoints() []endpoint {
	var eps []endpoint
	for _, v := range a.snap.Vendors {
		for _, src := range v.Status.Sources {
			eps = append(eps, endpoint{host: sourceHost(src.URL), failed: !src.OK && networkFailure(src.Error), why: src.Error})
		}
		api := a.name(v.ID) + " API"
		if r := v.Reachability; r != nil && r.Result.Sent() {
			eps = append(eps, endpoint{host: api, failed: netResult(r.Result), why: string(r.Result)})
		}
		for _, k := range v.Keys {
			if k.Result.Sent() {
				eps = append(eps, endpoint{host: api, failed: netResult(k.Result), why: string(k.Result)})
			}
		}
	}
	return eps
}

// netResult reports whether a probe result means no HTTP answer.
func netResult(r observe.Result) bool {
	return r == observe.ResultNetworkError || r == observe.ResultTimeout
}

// networkLocal finds the network_local case: most requests of this check,
// across at least three hosts, got no HTTP answer at all. Then it is our
// network (or DNS, proxy, VPN), and no vendor is blamed.
func (a *assessment) networkLocal() (Finding, bool) {
	eps := a.endpoints()
	var hosts []string
	var examples []string
	failed := 0
	for _, e := range eps {
		if !e.failed {
			continue
		}
		failed++
		if !slices.Contains(hosts, e.host) {
			hosts = append(hosts, e.host)
			if len(examples) < 3 {
				examples = append(examples, fmt.Sprintf("%s (%s)", e.host, e.why))
			}
		}
	}
	if len(hosts) < networkMinHosts || failed*2 <= len(eps) {
		return Finding{}, false
	}
	more := ""
	if len(hosts) > len(examples) {
		more = fmt.Sprintf(" and %d more", len(hosts)-len(examples))
	}
	return Finding{
		ID: findingID(KindNetworkLocal, nil, nil), Kind: KindNetworkLocal, Severity: SeverityCritical,
		Vendors: []string{}, Keys: []string{},
		Title: fmt.Sprintf("Our network: %d of %d requests to %d hosts got no answer", failed, len(eps), len(hosts)),
		Detail: fmt.Sprintf("At %s requests failed before any HTTP answer: %s%s. So many hosts failing at once points at this machine's network, not at the vendors.",
			clock(a.now, a.now), strings.Join(examples, ", "), more),
		Advice: []string{
			"It is us: check this machine's connection, DNS, VPN and proxy settings (HTTPS_PROXY).",
			"No vendor is blamed while this lasts; vendor findings resume when requests get answers again.",
		},
	}, true
}
