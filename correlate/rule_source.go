package correlate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/observe"
)

// slowSourceMS is the latency from which a status page that answered is
// called slow (VAPI's page took seconds to load on 2026-05-21).
const slowSourceMS = 5000

// A page is slow against the check it was read in, too: when most pages of
// a check took seconds, the time was ours (a saturated CPU or link, many
// hundreds of vendors read at once), not each vendor's. With at least
// roundSources pages answered, a page is slow only from roundFactor times
// the check's median latency. Fewer pages say too little about our side
// (two of three vendors can be slow at once), and the fixed bar holds.
const (
	roundSources = 10
	roundFactor  = 3
)

// slowBar is the latency from which an answered page of snap is slow.
func slowBar(snap observe.Snapshot) int64 {
	var ms []int64
	for _, v := range snap.Vendors {
		for _, src := range v.Status.Sources {
			if src.OK && src.LatencyMS > 0 {
				ms = append(ms, src.LatencyMS)
			}
		}
	}
	if len(ms) < roundSources {
		return slowSourceMS
	}
	slices.Sort(ms)
	return max(slowSourceMS, roundFactor*ms[len(ms)/2])
}

// slowStep rounds a slow page's latency down to a step (5, 10, 20, 30 s,
// then whole minutes) for the finding's words, so a page that stays slow
// says the same thing check after check: the exact figure is the source's
// latency_ms, and a finding whose text changed every check would rewrite
// the stored state every check.
func slowStep(ms int64) int64 {
	s := ms / 1000
	for _, step := range []int64{60, 30, 20, 10} {
		if s >= step {
			if step == 60 {
				return s / 60 * 60
			}
			return step
		}
	}
	return slowSourceMS / 1000
}

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
		case src.LatencyMS >= a.slowMS && slow == nil:
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
		f.Detail = strings.Join(parts, "; ") + "."
	case slow != nil:
		f.Severity = SeverityInfo
		step := slowStep(slow.LatencyMS)
		f.Title = fmt.Sprintf("%s status page slow (over %d s)", name, step)
		f.Detail = fmt.Sprintf("%s took over %d s to answer; a vendor under load often has a slow status page too.", slow.URL, step)
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
