package correlate

import (
	"fmt"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// trafficKinds are the findings drawn from our own traffic.
var trafficKinds = map[Kind]bool{
	KindTrafficAuthErrors: true, KindTrafficVendorErrors: true, KindTrafficNetworkErrors: true,
	KindTrafficThrottled: true, KindTrafficSourceDown: true,
}

// trafficDown is traffic_source_down for one vendor: the Prometheus
// queries of its traffic failed (Prometheus down, slow, refusing the
// query). It is about our Prometheus, not the vendor: the status page and
// the probes still decide, and it never raises the vendor's level.
func (a *assessment) trafficDown(v observe.VendorResult) Finding {
	t := v.Traffic
	name := a.name(v.ID)
	return Finding{
		ID: findingID(KindTrafficSourceDown, []string{v.ID}, nil), Kind: KindTrafficSourceDown, Severity: SeverityWarning,
		Vendors: []string{v.ID}, Keys: []string{},
		Title: fmt.Sprintf("Our traffic to %s cannot be read from Prometheus", name),
		Detail: fmt.Sprintf("At %s the traffic queries for %s failed: %s. Only the traffic signal is missing; the status page and the probes still decide.",
			clock(a.now, a.now), name, trafficFailure(t)),
		Advice: trafficDownAdvice(t.Result),
	}
}

// trafficFailure says why a traffic signal is missing: its result and its
// error, made safe for a terminal.
func trafficFailure(t *observe.Traffic) string {
	s := string(t.Result)
	if e := termtext.Clip(termtext.Line(t.Error), 200); e != "" {
		s += " (" + e + ")"
	}
	return s
}

func trafficDownAdvice(r observe.Result) []string {
	advice := []string{"This is about our Prometheus, not the vendor: it is no evidence of an outage."}
	if r == observe.ResultMisconfigured {
		return append(advice, "Prometheus refuses the query: fix traffic: requests or errors in the config; vendorwatch check-config runs each query once.")
	}
	return append(advice, "Check that Prometheus answers at traffic: prometheus: url (and its token); vendorwatch check-config runs each query once.")
}

// trafficSourceDown makes one finding of the Prometheus when every
// vendor's traffic failed the same way: one source down, not one per
// vendor. It names no vendor, so no vendor's level rises; the overall
// level does. A single vendor whose query Prometheus refuses is that
// query's problem and keeps its own finding.
func (a *assessment) trafficSourceDown(fs []Finding) []Finding {
	var with, down []observe.VendorResult
	for _, v := range a.snap.Vendors {
		if v.Traffic == nil {
			continue
		}
		with = append(with, v)
		if !trafficRead(v) {
			down = append(down, v)
		}
	}
	if len(down) == 0 || len(down) < len(with) {
		return fs
	}
	r := down[0].Traffic.Result
	if slices.ContainsFunc(down, func(v observe.VendorResult) bool { return v.Traffic.Result != r }) ||
		len(down) == 1 && r == observe.ResultMisconfigured {
		return fs
	}
	fs = slices.DeleteFunc(fs, func(f Finding) bool { return f.Kind == KindTrafficSourceDown })
	f := Finding{
		ID: findingID(KindTrafficSourceDown, nil, nil), Kind: KindTrafficSourceDown, Severity: SeverityWarning,
		Vendors: []string{}, Keys: []string{},
		Title: "Prometheus cannot be read: our traffic is not known",
		Detail: fmt.Sprintf("At %s the traffic queries for %s failed: %s. Only the traffic signal is missing; the status pages and the probes still decide.",
			clock(a.now, a.now), a.vendorNames(down), trafficFailure(down[0].Traffic)),
		Advice: trafficDownAdvice(r),
	}
	return append(fs, f)
}

// vendorNames is "every vendor" or the list of their names.
func (a *assessment) vendorNames(vs []observe.VendorResult) string {
	if len(vs) == 1 {
		return a.name(vs[0].ID)
	}
	return fmt.Sprintf("all %d vendors", len(vs))
}

// trafficUnread reports whether f, a finding drawn from our traffic,
// learnt nothing new in this check: its vendor's traffic could not be
// read. It stays as it was then; a close would be a false all-clear.
func (a *assessment) trafficUnread(f Finding) bool {
	if !trafficKinds[f.Kind] || f.Kind == KindTrafficSourceDown || len(f.Vendors) == 0 {
		return false
	}
	v, ok := a.vendor(f.Vendors[0])
	return ok && v.Traffic != nil && !trafficRead(v)
}

// trafficObserved is when the traffic behind f was last read: its
// vendors' traffic, or every vendor's for the Prometheus-wide finding.
func (a *assessment) trafficObserved(f Finding) time.Time {
	var latest time.Time
	for _, v := range a.snap.Vendors {
		if v.Traffic != nil && (len(f.Vendors) == 0 || slices.Contains(f.Vendors, v.ID)) && v.Traffic.CheckedAt.After(latest) {
			latest = v.Traffic.CheckedAt
		}
	}
	if latest.IsZero() {
		return a.now
	}
	return latest
}
