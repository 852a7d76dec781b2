package correlate

import (
	"fmt"
	"strings"

	"github.com/vendorwatch/vendorwatch/observe"
)

// dashboardFindings weighs the vendor's web dashboard check (VAPI's): a
// dashboard that does not load, or whose API refuses the preflight its
// calls need, is the vendor's trouble, and on 2026-05-21 it was the first
// thing the team saw. When the vendor already has a finding of its own
// (an outage, an incident), the dashboard is one more piece of its
// evidence; alone, it is dashboard_down, a warning that waits for a second
// check. While our network is down nothing is concluded from it.
func (a *assessment) dashboardFindings(v observe.VendorResult, vendorFs []Finding) []Finding {
	d := v.Dashboard
	if !d.Failed() || a.network {
		return vendorFs
	}
	what := dashboardFailure(d)
	for i, f := range vendorFs {
		switch f.Kind {
		case KindVendorOutage, KindVendorOutageUnreported, KindVendorIncident:
			vendorFs[i].Detail = strings.TrimSpace(f.Detail + " Its dashboard is failing too: " + what + ".")
			return vendorFs
		}
	}
	name := a.name(v.ID)
	f := Finding{
		ID: findingID(KindDashboardDown, []string{v.ID}, nil), Kind: KindDashboardDown, Severity: SeverityWarning,
		Vendors: []string{v.ID}, Keys: []string{},
		Title:  fmt.Sprintf("%s dashboard failing", name),
		Detail: fmt.Sprintf("At %s %s (%s).", clock(a.now, a.now), what, d.Origin),
		Advice: []string{
			fmt.Sprintf("It is them: %s's dashboard cannot be used right now; check its status page and support channels.", name),
			fmt.Sprintf("What you would change in %s's dashboard (such as a key it holds for another vendor) must wait, or go through its API.", name),
		},
	}
	if r := v.Reachability; r != nil && !r.Result.Failed() && !d.Page.Result.Failed() {
		f.Detail += fmt.Sprintf(" %s's API answers requests without the dashboard's origin: the trouble is between the dashboard and its back end.", name)
	}
	return append(vendorFs, f)
}

// dashboardFailure says what failed, in one clause.
func dashboardFailure(d *observe.Dashboard) string {
	var parts []string
	if d.Page.Result.Failed() {
		parts = append(parts, "its page does not load ("+reachWords(d.Page)+")")
	}
	if d.Preflight.Result.Failed() {
		parts = append(parts, "its calls to the API are refused ("+reachWords(d.Preflight)+")")
	}
	return strings.Join(parts, ", and ")
}

// reachWords is a failed request's result in a few words.
func reachWords(r observe.Reachability) string {
	if r.Error != "" {
		return r.Error
	}
	if r.HTTPStatus != 0 {
		return fmt.Sprintf("HTTP %d", r.HTTPStatus)
	}
	return string(r.Result)
}
