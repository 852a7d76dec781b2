package statuspage

import (
	"cmp"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Limits bound what one status source may put in the model. A status
// document may be anything up to the fetch cap (10 MiB): a page of 95,000
// components was seen, and kept whole it went into the snapshot, the
// history, serve's API and the dashboard. What a source lists beyond a
// limit is left out, the most useful part kept, and counted in the
// model's ...Omitted fields so that every view can say so. A limit of
// zero limits nothing.
type Limits struct {
	// Components is how many components are kept: first those that Keep
	// names (the ones not operational among them first), then the ones
	// not operational, then the rest, each in page order. Kept
	// components stay in page order.
	Components int
	// Incidents is how many incidents are kept: the open ones first, then
	// the others, in page order.
	Incidents int
	// Maintenances is how many maintenances are kept: those in progress
	// first, then the scheduled ones, then the rest, in page order.
	Maintenances int
	// Updates is how many updates of one incident are kept: the newest.
	Updates int
	// Affected is how many affected components one incident or
	// maintenance keeps, in page order.
	Affected int
	// Keep names the components a team watches, matched as Filter
	// matches them: the vendor's components: list.
	Keep []string
}

// DefaultLimits are the caps every reader applies. They are far above
// what real pages list (Cloudflare's summary, among the largest, has
// about 300 components; an incident rarely has 20 updates) and low
// enough that a page cut to them costs a few hundred kilobytes.
var DefaultLimits = Limits{Components: 2000, Incidents: 500, Maintenances: 200, Updates: 50, Affected: 200}

// The longest texts a model keeps. A name, title, status or description
// is clipped to maxLine characters and an update's body to maxBody (the
// longest real one seen, a Google incident report, has 9,500), each
// ending in an ellipsis when cut; a link longer than maxURL bytes is
// dropped, as a clipped link leads nowhere.
const (
	maxLine = 500
	maxBody = 20000
	maxURL  = 2048
)

// Cap cuts st down to the limits in place: it leaves out what is over
// them, keeping the most useful part (see Limits), counts what it left
// out in st's ...Omitted fields (adding to what a streaming reader has
// already counted), and clips long text. Every reader applies it, so every
// format is capped; applying it again changes nothing.
func (l Limits) Cap(st *observe.Status) {
	if st == nil {
		return
	}
	match := matcher(l.Keep)
	if l.Components > 0 && len(st.Components) > l.Components {
		k := newKeeper(l.Components, func(c *observe.Component) int { return componentRank(*c, match) })
		matching := 0
		for _, c := range st.Components {
			if matches(c, match) {
				matching++
			}
			k.add(c)
		}
		var total int
		st.Components, total = k.result()
		st.ComponentsOmitted += componentsOmitted(st.Components, total, matching, match)
	}
	for i := range st.Components {
		c := &st.Components[i]
		c.Name, c.Group = clipLine(c.Name), clipLine(c.Group)
	}

	var cut int
	st.Incidents, cut = keepBest(st.Incidents, l.Incidents, incidentRank)
	st.IncidentsOmitted += cut
	for i := range st.Incidents {
		l.capIncident(&st.Incidents[i])
	}

	st.Maintenances, cut = keepBest(st.Maintenances, l.Maintenances, maintenanceRank)
	st.MaintenancesOmitted += cut
	for i := range st.Maintenances {
		l.capMaintenance(&st.Maintenances[i])
	}

	st.Description = clipLine(st.Description)
	st.PageURL = clipURL(st.PageURL)
}

// capIncident cuts one incident to the limits: its newest updates, its
// first affected components, and its texts.
func (l Limits) capIncident(in *observe.Incident) {
	if l.Updates > 0 && len(in.Updates) > l.Updates {
		in.UpdatesOmitted += len(in.Updates) - l.Updates
		in.Updates = slices.Clip(in.Updates[:l.Updates])
	}
	if l.Affected > 0 && len(in.Components) > l.Affected {
		in.ComponentsOmitted += len(in.Components) - l.Affected
		in.Components = slices.Clip(in.Components[:l.Affected])
	}
	in.ID, in.Title = clipLine(in.ID), clipLine(in.Title)
	in.Status, in.Impact = clipLine(in.Status), clipLine(in.Impact)
	in.URL = clipURL(in.URL)
	in.LatestUpdate = termtext.Clip(in.LatestUpdate, maxBody)
	for i := range in.Components {
		in.Components[i] = clipLine(in.Components[i])
	}
	for i := range in.Updates {
		u := &in.Updates[i]
		u.Status, u.Body = clipLine(u.Status), termtext.Clip(u.Body, maxBody)
	}
}

// capMaintenance cuts one maintenance to the limits.
func (l Limits) capMaintenance(m *observe.Maintenance) {
	if l.Affected > 0 && len(m.Components) > l.Affected {
		m.ComponentsOmitted += len(m.Components) - l.Affected
		m.Components = slices.Clip(m.Components[:l.Affected])
	}
	m.ID, m.Title, m.Status = clipLine(m.ID), clipLine(m.Title), clipLine(m.Status)
	m.URL = clipURL(m.URL)
	for i := range m.Components {
		m.Components[i] = clipLine(m.Components[i])
	}
}

func clipLine(s string) string { return termtext.Clip(s, maxLine) }

func clipURL(s string) string {
	if len(s) > maxURL {
		return ""
	}
	return s
}

// matcher reports whether a component or group name is one of names,
// as Filter matches them; with no names it matches nothing.
func matcher(names []string) func(string) bool {
	return func(name string) bool {
		return name != "" && slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) })
	}
}

// matches reports whether match names c or its group.
func matches(c observe.Component, match func(string) bool) bool {
	return match(c.Name) || match(c.Group)
}

// componentRank orders components for keeping: the watched ones that are
// not operational, the watched ones, the others not operational, the
// rest.
func componentRank(c observe.Component, match func(string) bool) int {
	r := 0
	if matches(c, match) {
		r += 2
	}
	if c.State != observe.Operational {
		r++
	}
	return r
}

// componentsOmitted is the count a model reports for the components the
// caps left out of total, matching of which the filter names. When the
// filter names some of what was kept, the components it does not name
// are not shown anyway (Filter drops them): only the named ones left out
// count. Otherwise all of them do.
func componentsOmitted(kept []observe.Component, total, matching int, match func(string) bool) int {
	keptMatching := 0
	for _, c := range kept {
		if matches(c, match) {
			keptMatching++
		}
	}
	if keptMatching > 0 {
		return max(matching-keptMatching, 0)
	}
	return total - len(kept)
}

// incidentRank keeps open incidents before the others.
func incidentRank(in *observe.Incident) int {
	if in.Resolved() {
		return 0
	}
	return 1
}

// maintenanceRank keeps maintenances in progress, then scheduled ones,
// before the others.
func maintenanceRank(m *observe.Maintenance) int {
	switch m.Status {
	case "in_progress", "verifying":
		return 2
	case "scheduled":
		return 1
	}
	return 0
}

// keeper keeps the best max items of a stream of any length: the highest
// ranked, and among equals the earliest. It holds at most twice max items
// at any time, so a reader that hands it a page's items one by one keeps
// its memory bounded whatever the page's size. The kept items come out in
// their original order. A max of zero keeps everything.
// keepBest keeps the max best-ranked of items (all when max is 0 or
// more than there are) and says how many it left out.
func keepBest[T any](items []T, max int, rank func(*T) int) ([]T, int) {
	if max <= 0 || len(items) <= max {
		return items, 0
	}
	k := newKeeper(max, rank)
	for _, v := range items {
		k.add(v)
	}
	kept, total := k.result()
	return kept, total - len(kept)
}

// keeper keeps the max highest-ranked items offered to it, earlier ones
// first among equals, holding at most twice max at any time: a streaming
// reader offers a page's items one by one without keeping the page.
type keeper[T any] struct {
	max   int
	rank  func(*T) int
	items []ranked[T]
	seen  int
}

// ranked is an item with its place in the page and its last rank.
type ranked[T any] struct {
	v         T
	pos, rank int
}

func newKeeper[T any](max int, rank func(*T) int) *keeper[T] {
	return &keeper[T]{max: max, rank: rank}
}

// add offers one item.
func (k *keeper[T]) add(v T) {
	k.items = append(k.items, ranked[T]{v: v, pos: k.seen})
	k.seen++
	if k.max > 0 && len(k.items) >= 2*k.max {
		k.trim()
	}
}

// trim drops all but the best max items. Ranks are computed afresh each
// time, so a rank that depends on what came later (a component's group,
// named after it) is as right as it can be by then.
func (k *keeper[T]) trim() {
	if k.max <= 0 || len(k.items) <= k.max {
		return
	}
	for i := range k.items {
		k.items[i].rank = k.rank(&k.items[i].v)
	}
	slices.SortFunc(k.items, func(a, b ranked[T]) int {
		if c := cmp.Compare(b.rank, a.rank); c != 0 {
			return c
		}
		return cmp.Compare(a.pos, b.pos)
	})
	clear(k.items[k.max:]) // let the dropped items' strings go
	k.items = k.items[:k.max]
}

// result returns the kept items in their original order and how many
// were offered in all.
func (k *keeper[T]) result() ([]T, int) {
	k.trim()
	if len(k.items) == 0 {
		return nil, k.seen
	}
	slices.SortFunc(k.items, func(a, b ranked[T]) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]T, len(k.items))
	for i := range k.items {
		out[i] = k.items[i].v
	}
	k.items = nil
	return out, k.seen
}
