package statuspage

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Parts says which sections a Statuspage API document carried. incident.io's
// Statuspage-compatible summary leaves out "incidents" when there are none
// and never has "scheduled_maintenances"; the status reader uses Parts to decide
// whether incidents/unresolved.json and scheduled-maintenances are worth a
// request.
type Parts struct {
	Page, Status, Components, Incidents, Maintenances bool
	// IncidentIO marks incident.io's variant (a ULID page id, as
	// LooksIncidentIO tells). Its summary is whole: a missing "incidents"
	// key means there are none, and it serves no scheduled maintenances,
	// so the sibling documents are not worth a second round trip.
	IncidentIO bool
}

// spDoc is any Atlassian Statuspage API v2 document: summary.json,
// status.json, components.json, incidents/unresolved.json or
// scheduled-maintenances.json. Pointers and the streams' present flags
// tell a missing key from an empty one. The lists are decoded one element
// at a time (stream), so a page of 95,000 components never exists whole
// in memory: each element is converted and offered to a keeper as it is
// read.
type spDoc struct {
	Page *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"page"`
	Status *struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	} `json:"status"`
	// components, incidents and scheduled_maintenances (decode).
	Components   stream[spComponent]
	Incidents    stream[spIncident]
	Maintenances stream[spIncident]
}

type spComponent struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Status  string  `json:"status"`
	Group   bool    `json:"group"`
	GroupID *string `json:"group_id"`
}

type spIncident struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Status         string `json:"status"`
	Impact         string `json:"impact"`
	Shortlink      string `json:"shortlink"`
	CreatedAt      stamp  `json:"created_at"`
	StartedAt      stamp  `json:"started_at"`
	UpdatedAt      stamp  `json:"updated_at"`
	ResolvedAt     stamp  `json:"resolved_at"`
	ScheduledFor   stamp  `json:"scheduled_for"`
	ScheduledUntil stamp  `json:"scheduled_until"`
	Components     []struct {
		Name string `json:"name"`
	} `json:"components"`
	Updates []struct {
		Status    string `json:"status"`
		Body      string `json:"body"`
		CreatedAt stamp  `json:"created_at"`
		DisplayAt stamp  `json:"display_at"`
		Affected  []struct {
			Name string `json:"name"`
		} `json:"affected_components"`
	} `json:"incident_updates"`
}

// ReadStatuspage reads any Atlassian Statuspage API v2 document,
// including incident.io's Statuspage-compatible variant, within the
// DefaultLimits, and reports which parts it held. A document with none of
// the known keys is ErrWrongFormat.
func ReadStatuspage(data []byte) (*observe.Status, Parts, error) {
	return DefaultLimits.ReadStatuspage(data)
}

// ReadStatuspage is the package's ReadStatuspage within l: the lists are
// cut while they are read, so the memory a document costs is bounded by
// the limits, not by its length.
func (l Limits) ReadStatuspage(data []byte) (*observe.Status, Parts, error) {
	const want = "Statuspage API JSON"
	match := matcher(l.Keep)
	// Groups name their children, before or after them in the list;
	// a page cannot make the map of their names larger than the
	// components kept.
	groups := map[string]string{}
	groupOf := func(c *spComp) string { return groups[c.groupID] }
	matching := 0
	comps := newKeeper(l.Components, func(c *spComp) int {
		c.Group = groupOf(c)
		return componentRank(c.Component, match)
	})
	incidents := newKeeper(l.Incidents, incidentRank)
	maints := newKeeper(l.Maintenances, maintenanceRank)
	var doc spDoc
	doc.Components.add = func(c spComponent) {
		if c.Group {
			if l.Components <= 0 || len(groups) < l.Components {
				groups[c.ID] = termtext.Line(c.Name)
			}
			return
		}
		pc := spComp{Component: observe.Component{Name: termtext.Line(c.Name), State: ComponentState(c.Status)}}
		if c.GroupID != nil {
			pc.groupID = *c.GroupID
			pc.Group = groups[pc.groupID]
		}
		if matches(pc.Component, match) {
			matching++
		}
		comps.add(pc)
	}
	doc.Incidents.add = func(in spIncident) {
		im := spIncidentModel(in)
		l.capIncident(&im)
		incidents.add(im)
	}
	doc.Maintenances.add = func(m spIncident) {
		im := spIncidentModel(m)
		mm := observe.Maintenance{
			ID: im.ID, Title: im.Title, Status: im.Status, URL: im.URL, Components: im.Components,
			StartsAt: m.ScheduledFor.Time(), EndsAt: m.ScheduledUntil.Time(),
		}
		l.capMaintenance(&mm)
		maints.add(mm)
	}
	if err := doc.decode(data, want); err != nil {
		if wall := LoginWall(data); wall != nil {
			return nil, Parts{}, wall // a private page answers its API with its login page
		}
		return nil, Parts{}, err
	}
	parts := Parts{
		Page:         doc.Page != nil,
		Status:       doc.Status != nil,
		Components:   doc.Components.present,
		Incidents:    doc.Incidents.present,
		Maintenances: doc.Maintenances.present,
		IncidentIO:   doc.Page != nil && ulid().MatchString(doc.Page.ID),
	}
	if !parts.Status && !parts.Components && !parts.Incidents && !parts.Maintenances {
		return nil, parts, wrongFormat(want, data)
	}
	st := &observe.Status{State: observe.Unknown}
	if doc.Page != nil {
		st.PageURL = termtext.Line(doc.Page.URL)
	}
	if doc.Status != nil {
		// The indicator is the page's own verdict and the vendor's state.
		// Statuspage rolls it up from every component, weighing how many
		// are affected (three partial outages among a hundred regional
		// components are a "Minor Service Outage", and so are four of
		// Anthropic's six), and from the active incidents of a page with
		// no components. The components keep their own states, and Filter
		// narrows the state to the components a team watches. An open
		// incident's impact is not added on top: the page has already
		// weighed it ("none" beside a monitoring incident says the page is
		// fine again), and the incident stays listed for correlate.
		st.State = IndicatorState(doc.Status.Indicator)
		st.Description = termtext.Line(doc.Status.Description)
		st.Claims = st.State.Known()
	}
	if parts.Components {
		kept, total := comps.result()
		st.Components = make([]observe.Component, len(kept))
		for i, c := range kept {
			c.Group = groupOf(&c)
			st.Components[i] = c.Component
		}
		st.ComponentsOmitted = componentsOmitted(st.Components, total, matching, match)
	}
	if parts.Incidents {
		var total int
		st.Incidents, total = incidents.result()
		st.IncidentsOmitted = total - len(st.Incidents)
		for i := range st.Incidents {
			st.Incidents[i].URL = spLink(st.Incidents[i].URL, st.PageURL, "incidents", st.Incidents[i].ID)
		}
	}
	if parts.Maintenances {
		var total int
		st.Maintenances, total = maints.result()
		st.MaintenancesOmitted = total - len(st.Maintenances)
		for i := range st.Maintenances {
			st.Maintenances[i].URL = spLink(st.Maintenances[i].URL, st.PageURL, "incidents", st.Maintenances[i].ID)
		}
	}
	if !st.Claims && parts.Incidents && !parts.Status && !parts.Components && !parts.Maintenances {
		incidentsState(st)
	}
	if !st.Claims && len(st.Components) > 0 {
		// Only a document without the page's indicator (components.json,
		// or an indicator word we do not know) falls back on its
		// components; its worst one is all it says about the page.
		// Components that are not operational are kept first, so the
		// worst one is among those kept.
		st.State = worstComponent(st.Components)
		st.Claims = true
	}
	l.Cap(st)
	return st, parts, nil
}

// decode reads a Statuspage document into d, streaming its lists. Its
// errors are decodeJSON's.
func (d *spDoc) decode(data []byte, want string) error {
	err := decodeFields(data, map[string]func(*json.Decoder) error{
		"page":                   func(dec *json.Decoder) error { return dec.Decode(&d.Page) },
		"status":                 func(dec *json.Decoder) error { return dec.Decode(&d.Status) },
		"components":             d.Components.decode,
		"incidents":              d.Incidents.decode,
		"scheduled_maintenances": d.Maintenances.decode,
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errNotObject):
		return wrongFormat(want, data)
	}
	if what := describe(data); what != "JSON of another shape" {
		return fmt.Errorf("%w: want %s, got %s", ErrWrongFormat, want, what)
	}
	return fmt.Errorf("%w: want %s, got malformed JSON: %v", ErrWrongFormat, want, err)
}

// spComp is a component as read, with its group's id until the group's
// name is known.
type spComp struct {
	observe.Component
	groupID string
}

// parseStatuspage is ReadStatuspage for the generic Parse dispatcher.
func parseStatuspage(data []byte) (*observe.Status, error) {
	st, _, err := ReadStatuspage(data)
	return st, err
}

// spIncidentModel converts an incident or maintenance as read. Its link,
// when the document gives none, is made from the page's address once that
// is known (spLink).
func spIncidentModel(in spIncident) observe.Incident {
	out := observe.Incident{
		ID:         termtext.Line(in.ID),
		Title:      termtext.Line(in.Name),
		Status:     strings.ToLower(termtext.Line(in.Status)),
		Impact:     strings.ToLower(termtext.Line(in.Impact)),
		StartedAt:  in.StartedAt.Time(),
		UpdatedAt:  in.UpdatedAt.Time(),
		ResolvedAt: in.ResolvedAt.Time(),
		URL:        termtext.Line(in.Shortlink),
	}
	if out.StartedAt.IsZero() {
		out.StartedAt = in.CreatedAt.Time()
	}
	for _, c := range in.Components {
		out.Components = appendUnique(out.Components, termtext.Line(c.Name))
	}
	var groups []string
	for _, u := range in.Updates {
		at := u.DisplayAt.Time()
		if at.IsZero() {
			at = u.CreatedAt.Time()
		}
		out.Updates = append(out.Updates, observe.Update{
			Status: strings.ToLower(termtext.Line(u.Status)), Body: HTMLText(u.Body), At: at,
		})
		for _, c := range u.Affected {
			name, group := affectedName(termtext.Line(c.Name), out.Components)
			out.Components = appendUnique(out.Components, name)
			groups = appendUnique(groups, group)
		}
	}
	for _, g := range groups {
		out.Components = appendUnique(out.Components, g)
	}
	sortUpdates(out.Updates)
	if len(out.Updates) > 0 {
		out.LatestUpdate = termtext.Line(out.Updates[0].Body)
	}
	return out
}

// spLink is an incident's link: its own, or the page's address followed
// by kind and its id.
func spLink(link, pageURL, kind, id string) string {
	if link == "" && pageURL != "" && id != "" {
		return strings.TrimRight(pageURL, "/") + "/" + kind + "/" + id
	}
	return link
}

// sortUpdates orders updates newest first; equal times keep their order.
func sortUpdates(u []observe.Update) {
	slices.SortStableFunc(u, func(a, b observe.Update) int { return b.At.Compare(a.At) })
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func worstComponent(cs []observe.Component) observe.State {
	state := observe.Operational
	for _, c := range cs {
		if c.State.Severity() > state.Severity() {
			state = c.State
		}
	}
	return state
}

// affectedName reads an update's affected component. Statuspage names a
// component of a group "Group - Component" there, while the incident's
// own list says "Component": when the part after the first " - " is
// already listed, the name is that component's and the group is returned
// apart, to be listed once as context. A name whose prefix is not a group
// of a listed component ("Lagos, Nigeria - (LOS)") is kept whole.
func affectedName(name string, listed []string) (component, group string) {
	if g, c, ok := strings.Cut(name, " - "); ok && slices.Contains(listed, c) {
		return c, g
	}
	return name, ""
}

// incidentsState gives a document that holds only incidents
// (incidents.json, incidents/unresolved.json) the state it tells: the
// worst impact of its unresolved incidents, or operational when none is
// unresolved, as far as that document knows. It lists no components, and
// its description says what it rests on.
func incidentsState(st *observe.Status) {
	st.State, st.Claims = observe.Operational, true
	open := 0
	for _, in := range st.Incidents {
		if in.Resolved() || isMaintenanceStatus(in.Status) {
			continue
		}
		open++
		s := observe.ImpactState(in.Impact)
		if !s.Known() {
			s = observe.Degraded // an unresolved incident of unstated impact is not "all clear"
		}
		st.State = observe.Worst(st.State, s)
	}
	switch open {
	case 0:
		st.Description = "No unresolved incidents"
	case 1:
		st.Description = "1 unresolved incident"
	default:
		st.Description = fmt.Sprintf("%d unresolved incidents", open)
	}
}
