package correlate

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/vendorwatch/vendorwatch/observe"
)

// slowSourceMS is the latency from which a status page that answered is
// called slow (VAPI's page took seconds to load on 2026-05-21).
const slowSourceMS = 5000

// sourceFindings is status_source_down: the vendor's status page is
// unreachable, answers with an error, changed format, or is very slow. It
// is about the page, not the vendor: never evidence of an outage. Sources
// that failed at the network layer while network_local holds are ours to
// fix and not reported here.
func (a *assessment) sourceFindings(v observe.VendorResult) []Finding {
	st := v.Status
	name := a.name(v.ID)
	var failed []observe.Source
	var slow *observe.Source
	for i, src := range st.Sources {
		switch {
		case !src.OK && a.network && networkFailure(src.Error):
		case !src.OK && sourceNotChecked(src.Error):
			// Never asked: its request found no slot this time.
		case !src.OK:
			failed = append(failed, src)
		case src.LatencyMS >= slowSourceMS && slow == nil:
			slow = &st.Sources[i]
		}
	}
	f := Finding{
		ID: findingID(KindStatusSourceDown, []string{v.ID}, nil), Kind: KindStatusSourceDown,
		Vendors: []string{v.ID}, Keys: []string{},
		Advice: []string{
			"The vendor's own account of its health is missing; this alone is not evidence of an outage.",
			"Open " + cmp.Or(st.PageURL, "the status page") + " in a browser; if the page moved or changed, update status: in the config.",
		},
	}
	switch {
	case len(failed) > 0:
		f.Severity = SeverityWarning
		f.Title = fmt.Sprintf("%s status page unreadable", name)
		if len(failed) < len(st.Sources) {
			f.Severity = SeverityInfo
			f.Title = fmt.Sprintf("%s: %d of %d status sources unreadable", name, len(failed), len(st.Sources))
		}
		var parts []string
		for _, src := range failed {
			parts = append(parts, fmt.Sprintf("%s: %s (%s)", src.URL, cmp.Or(src.Error, "failed"), sourceFailure(src.Error)))
		}
		f.Detail = fmt.Sprintf("At %s %s.", clock(a.now, a.now), strings.Join(parts, "; "))
	case slow != nil:
		f.Severity = SeverityInfo
		f.Title = fmt.Sprintf("%s status page slow (%.1f s)", name, float64(slow.LatencyMS)/1000)
		f.Detail = fmt.Sprintf("At %s %s took %d ms to answer; a vendor under load often has a slow status page too.", clock(a.now, a.now), slow.URL, slow.LatencyMS)
		f.Advice = []string{"Nothing to do for the page itself; weigh the probes of " + name + "'s API more than its page right now."}
	default:
		return nil
	}
	return []Finding{f}
}

// sourceFailure says in words what kind of failure a source error is.
func sourceFailure(errText string) string {
	e := strings.ToLower(errText)
	switch {
	case networkFailure(errText):
		return "unreachable"
	case strings.HasPrefix(e, "http 4"):
		return "the page moved or is gone"
	case strings.HasPrefix(e, "http 5"):
		return "the status page itself is failing"
	case strings.HasPrefix(e, "http "):
		return "unexpected answer"
	case strings.Contains(e, "requires a login"):
		return "the page is private: a login wall, not a status"
	}
	return "the answer is not in the expected format"
}
