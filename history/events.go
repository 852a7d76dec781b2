package history

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// maxText caps the text of an event taken from a vendor.
const maxText = 600

// baseline is what the timeline has seen so far: the last known state of
// every vendor, so each check records only what changed. Inconclusive
// observations (a status page that could not be read, a probe that timed
// out) leave it unchanged, so a flaky page does not fill the timeline.
type baseline struct {
	Vendors map[string]vendorBase `json:"vendors"`
}

type vendorBase struct {
	State     observe.State           `json:"state,omitempty"`
	Incidents map[string]incidentBase `json:"incidents,omitempty"`
	Keys      map[string]probeBase    `json:"keys,omitempty"`
	Reach     *probeBase              `json:"reach,omitempty"`
	Inventory *inventoryBase          `json:"inventory,omitempty"`
	Calls     *callsBase              `json:"calls,omitempty"`
	// Traffic is the last result of reading our traffic to the vendor.
	Traffic *probeBase `json:"traffic,omitempty"`
}

type incidentBase struct {
	Title      string    `json:"title"`
	Status     string    `json:"status"`
	URL        string    `json:"url,omitempty"`
	LastUpdate time.Time `json:"last_update,omitzero"`
	Latest     string    `json:"latest,omitempty"`
}

type probeBase struct {
	Result      observe.Result `json:"result"`
	Fingerprint string         `json:"fingerprint,omitempty"`
}

// changes compares a report with the baseline and returns the events and
// the new baseline. It is pure.
func changes(b baseline, r correlate.Report) ([]correlate.Event, baseline) {
	now := r.GeneratedAt.UTC()
	next := baseline{Vendors: make(map[string]vendorBase, len(b.Vendors))}
	for id, vb := range b.Vendors {
		next.Vendors[id] = vb // vendors not in this report keep their baseline
	}
	var evs []correlate.Event
	for _, v := range r.Vendors {
		prev, seen := b.Vendors[v.ID]
		var vevs []correlate.Event
		nb := prev
		// The page's news is dated when the page was read, which is before
		// the report when the page is a stored one carried over (merge.go).
		read := now
		if t := v.Status.CheckedAt; !t.IsZero() && t.Before(now) {
			read = t.UTC()
		}
		nb.State, vevs = stateEvents(prev, seen, v, read)
		evs = append(evs, vevs...)
		nb.Incidents, vevs = incidentEvents(prev, v, read)
		evs = append(evs, vevs...)
		nb.Keys, vevs = keyEvents(prev, v, now)
		evs = append(evs, vevs...)
		nb.Reach, vevs = reachEvents(prev, v, now)
		evs = append(evs, vevs...)
		nb.Inventory, vevs = inventoryEvents(prev, v)
		evs = append(evs, vevs...)
		nb.Calls, vevs = callEvents(prev, v, now)
		evs = append(evs, vevs...)
		nb.Traffic, vevs = trafficEvents(prev, v, now)
		evs = append(evs, vevs...)
		next.Vendors[v.ID] = nb
	}
	names := vendorNames(r, len(evs))
	for i := range evs {
		if evs[i].VendorName == "" {
			evs[i].VendorName = names.of(evs[i].Vendor)
		}
	}
	return evs, next
}

// vendorNameIndex names a report's vendors by id for its events.
type vendorNameIndex map[string]string

// vendorNames indexes r's vendors' names when events (how many will ask)
// is not zero: a first check of 5,000 vendors makes 1,500 events, and
// looking each one's name up along the report took time growing with
// the square of the fleet.
func vendorNames(r correlate.Report, events int) vendorNameIndex {
	if events == 0 {
		return nil
	}
	names := make(vendorNameIndex, len(r.Vendors))
	for i := range r.Vendors {
		if v := &r.Vendors[i]; names[v.ID] == "" {
			names[v.ID] = v.Name
		}
	}
	return names
}

// of is the name of the vendor id, or id when the report has no name for
// it.
func (n vendorNameIndex) of(id string) string {
	if name := n[id]; name != "" {
		return name
	}
	return id
}

func stateEvents(prev vendorBase, seen bool, v correlate.VendorReport, now time.Time) (observe.State, []correlate.Event) {
	st := v.Status.State
	if !st.Known() {
		return prev.State, nil // unreadable page: no news
	}
	if st == prev.State || (!seen || prev.State == "") && st == observe.Operational {
		return st, nil
	}
	text := "Status page: " + words(st)
	if prev.State != "" {
		text = "Status page: " + words(prev.State) + " → " + words(st)
	}
	if d := termtext.Line(v.Status.Description); d != "" {
		text += " (" + termtext.Clip(d, 120) + ")"
	}
	return st, []correlate.Event{{At: now, Vendor: v.ID, Kind: correlate.EventVendorState, Subject: string(st), Text: text, URL: v.Status.PageURL}}
}

func incidentEvents(prev vendorBase, v correlate.VendorReport, now time.Time) (map[string]incidentBase, []correlate.Event) {
	st := v.Status
	if !st.State.Known() && !slices.ContainsFunc(st.Sources, func(s observe.Source) bool { return s.OK }) {
		return prev.Incidents, nil // the page could not be read: incidents unknown
	}
	next := map[string]incidentBase{}
	var evs []correlate.Event
	for _, in := range st.Incidents {
		if in.Resolved() {
			continue
		}
		title := termtext.Clip(termtext.Line(in.Title), 200)
		ib, known := prev.Incidents[in.ID]
		if !known {
			at := postedAt(in, now)
			text := fmt.Sprintf("Incident opened: %s (%s", title, in.Status)
			if in.Impact != "" && in.Impact != "none" {
				text += ", impact " + in.Impact
			}
			evs = append(evs, correlate.Event{At: at, Vendor: v.ID, Kind: correlate.EventIncidentOpened, Subject: in.ID, Text: text + ")", URL: in.URL})
			ib = incidentBase{Title: title, Status: in.Status, URL: in.URL}
		}
		// Updates newer than the last one recorded, oldest first.
		ups := slices.Clone(in.Updates)
		slices.SortStableFunc(ups, func(a, b observe.Update) int { return a.At.Compare(b.At) })
		for _, u := range ups {
			if u.At.IsZero() || !u.At.After(ib.LastUpdate) {
				continue
			}
			body := termtext.Line(u.Body)
			evs = append(evs, correlate.Event{At: u.At.UTC(), Vendor: v.ID, Kind: correlate.EventIncidentUpdated, Subject: in.ID,
				Text: fmt.Sprintf("%s — %s: %s", title, cmp.Or(u.Status, "update"), termtext.Clip(body, maxText)), URL: in.URL})
			ib.LastUpdate, ib.Latest = u.At.UTC(), body
		}
		if latest := termtext.Line(in.LatestUpdate); len(in.Updates) == 0 && latest != "" && latest != ib.Latest {
			evs = append(evs, correlate.Event{At: now, Vendor: v.ID, Kind: correlate.EventIncidentUpdated, Subject: in.ID,
				Text: fmt.Sprintf("%s — %s: %s", title, cmp.Or(in.Status, "update"), termtext.Clip(latest, maxText)), URL: in.URL})
			ib.Latest = latest
		}
		ib.Status, ib.Title = in.Status, title
		next[in.ID] = ib
	}
	for _, id := range sortedKeys(prev.Incidents) {
		if _, open := next[id]; open {
			continue
		}
		ib := prev.Incidents[id]
		at := now
		if i := slices.IndexFunc(st.Incidents, func(in observe.Incident) bool { return in.ID == id }); i >= 0 && !st.Incidents[i].ResolvedAt.IsZero() {
			at = st.Incidents[i].ResolvedAt.UTC()
		}
		evs = append(evs, correlate.Event{At: at, Vendor: v.ID, Kind: correlate.EventIncidentResolved, Subject: id, Text: "Incident resolved: " + ib.Title, URL: ib.URL})
	}
	return next, evs
}

// postedAt is when the vendor first posted an incident (its oldest update,
// else its start), never later than now.
func postedAt(in observe.Incident, now time.Time) time.Time {
	t := in.StartedAt
	for _, u := range in.Updates {
		if !u.At.IsZero() && (t.IsZero() || u.At.Before(t)) {
			t = u.At
		}
	}
	if t.IsZero() || t.After(now) {
		return now
	}
	return t.UTC()
}

// inconclusive results say nothing about a key or the vendor's API: the
// request got no answer at all.
func inconclusive(r observe.Result) bool {
	return r == "" || r == observe.ResultTimeout || r == observe.ResultNetworkError
}

func keyEvents(prev vendorBase, v correlate.VendorReport, now time.Time) (map[string]probeBase, []correlate.Event) {
	next := map[string]probeBase{}
	var evs []correlate.Event
	for _, k := range v.Keys {
		pb, known := prev.Keys[k.Name]
		if inconclusive(k.Result) {
			if known {
				next[k.Name] = pb
			}
			continue
		}
		// A secret that did not resolve (no_secret) has no fingerprint: the
		// key behind it is unknown, not replaced, so the baseline keeps the
		// last one seen.
		nb := probeBase{Result: k.Result, Fingerprint: cmp.Or(k.Fingerprint, pb.Fingerprint)}
		next[k.Name] = nb
		if known && nb == pb || !known && (k.Result == observe.ResultOK || k.Result == observe.ResultListed) {
			continue
		}
		at := now
		if !k.CheckedAt.IsZero() {
			at = k.CheckedAt.UTC()
		}
		label := "Key " + k.Name
		if k.Canary {
			label = "Canary key " + k.Name
		}
		fp := "" // an unresolved secret has no fingerprint to show
		if k.Fingerprint != "" {
			fp = " (" + k.Fingerprint + ")"
		}
		var text string
		switch {
		case !known:
			text = fmt.Sprintf("%s%s: %s", label, fp, probeWords(k.Result, k.HTTPStatus, k.Code))
		case pb.Fingerprint != k.Fingerprint && pb.Fingerprint != "" && k.Fingerprint != "":
			text = fmt.Sprintf("%s replaced (%s → %s): %s → %s", label, pb.Fingerprint, k.Fingerprint, pb.Result, probeWords(k.Result, k.HTTPStatus, k.Code))
		default:
			text = fmt.Sprintf("%s%s: %s → %s", label, fp, pb.Result, probeWords(k.Result, k.HTTPStatus, k.Code))
		}
		evs = append(evs, correlate.Event{At: at, Vendor: v.ID, Kind: correlate.EventKeyChanged, Subject: k.Name, Text: text})
	}
	return next, evs
}

func reachEvents(prev vendorBase, v correlate.VendorReport, now time.Time) (*probeBase, []correlate.Event) {
	r := v.Reachability
	if r == nil || inconclusive(r.Result) {
		return prev.Reach, nil
	}
	nb := &probeBase{Result: r.Result}
	if prev.Reach != nil && prev.Reach.Result == r.Result || prev.Reach == nil && r.Result == observe.ResultReachable {
		return nb, nil
	}
	at := now
	if !r.CheckedAt.IsZero() {
		at = r.CheckedAt.UTC()
	}
	text := "API without a key: " + probeWords(r.Result, r.HTTPStatus, "")
	if prev.Reach != nil {
		text = "API without a key: " + string(prev.Reach.Result) + " → " + probeWords(r.Result, r.HTTPStatus, "")
	}
	return nb, []correlate.Event{{At: at, Vendor: v.ID, Kind: correlate.EventReachabilityChanged, Subject: "reachability", Text: text}}
}

// findingEvents turns finding transitions into events at the check time.
// A finding about several vendors is recorded under its first.
func findingEvents(r correlate.Report, changes []correlate.Change, opened map[string]time.Time) []correlate.Event {
	now := r.GeneratedAt.UTC()
	var evs []correlate.Event
	names := vendorNames(r, len(changes))
	for _, c := range changes {
		f := c.Finding
		e := correlate.Event{At: now, Kind: findingKinds[c.Kind], Subject: f.ID, Severity: f.Severity, Detail: f.Detail}
		if len(f.Vendors) > 0 {
			e.Vendor = f.Vendors[0]
		}
		e.VendorName = names.of(e.Vendor)
		switch c.Kind {
		case correlate.ChangeOpened:
			e.Text = fmt.Sprintf("%s opened: %s", strings.ToUpper(string(f.Severity[:1]))+string(f.Severity[1:]), f.Title)
			if !c.FirstSeen.IsZero() && c.FirstSeen.Before(now) {
				e.Text += " (first seen " + c.FirstSeen.UTC().Format("15:04") + ")"
			}
		case correlate.ChangeEscalated, correlate.ChangeEased:
			e.Text = fmt.Sprintf("%s → %s: %s", c.From, f.Severity, f.Title)
		case correlate.ChangeUpdated:
			e.Text = "Now: " + f.Title
		case correlate.ChangeClosed:
			e.Text = "Closed: " + f.Title
			end := now
			if !c.Ended.IsZero() && c.Ended.Before(now) {
				end = c.Ended.UTC()
			}
			if t, ok := opened[f.ID]; ok && !t.IsZero() && end.After(t) {
				e.Text += " (open " + correlate.Span(end.Sub(t))
				if !end.Equal(now) {
					e.Text += ", recovered " + end.Format("15:04")
				}
				e.Text += ")"
			}
		}
		if f.LeadMinutes > 0 && c.Kind != correlate.ChangeClosed {
			// The vendor posted what we saw first: say how far ahead we were.
			e.Text += fmt.Sprintf(" — seen %d minutes before the vendor posted it", f.LeadMinutes)
		}
		evs = append(evs, e)
	}
	return evs
}

var findingKinds = map[correlate.ChangeKind]correlate.EventKind{
	correlate.ChangeOpened: correlate.EventFindingOpened, correlate.ChangeEscalated: correlate.EventFindingEscalated,
	correlate.ChangeEased: correlate.EventFindingEased, correlate.ChangeUpdated: correlate.EventFindingUpdated,
	correlate.ChangeClosed: correlate.EventFindingClosed,
}

func probeWords(r observe.Result, status int, code string) string {
	s := string(r)
	var extra []string
	if status > 0 {
		extra = append(extra, fmt.Sprintf("HTTP %d", status))
	}
	if code = termtext.Line(code); code != "" {
		extra = append(extra, termtext.Clip(code, 60))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, " ") + ")"
	}
	return s
}

func words(s observe.State) string { return strings.ReplaceAll(string(s), "_", " ") }

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
