package statuspage

import (
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
// scheduled-maintenances.json. Pointers tell a missing key from an empty one.
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
	Components   *[]spComponent `json:"components"`
	Incidents    *[]spIncident  `json:"incidents"`
	Maintenances *[]spIncident  `json:"scheduled_maintenances"`
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

// ReadStatuspage reads any Atlassian Statuspage API v2 document, including
// incident.io's Statuspage-compatible variant, and reports which parts it
// held. A document with none of the known keys is ErrWrongFormat.
func ReadStatuspage(data []byte) (*observe.Status, Parts, error) {
	const want = "Statuspage API JSON"
	var doc spDoc
	if err := decodeJSON(data, &doc, want); err != nil {
		return nil, Parts{}, err
	}
	parts := Parts{
		Page:         doc.Page != nil,
		Status:       doc.Status != nil,
		Components:   doc.Components != nil,
		Incidents:    doc.Incidents != nil,
		Maintenances: doc.Maintenances != nil,
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
	if doc.Components != nil {
		st.Components = spComponents(*doc.Components)
	}
	if doc.Incidents != nil {
		for _, in := range *doc.Incidents {
			st.Incidents = append(st.Incidents, spIncidentModel(in, st.PageURL, "incidents"))
		}
	}
	if doc.Maintenances != nil {
		for _, m := range *doc.Maintenances {
			im := spIncidentModel(m, st.PageURL, "incidents")
			st.Maintenances = append(st.Maintenances, observe.Maintenance{
				ID: im.ID, Title: im.Title, Status: im.Status, URL: im.URL, Components: im.Components,
				StartsAt: m.ScheduledFor.Time(), EndsAt: m.ScheduledUntil.Time(),
			})
		}
	}
	if !st.Claims && len(st.Components) > 0 {
		// Only a document without the page's indicator (components.json,
		// or an indicator word we do not know) falls back on its
		// components; its worst one is all it says about the page.
		st.State = worstComponent(st.Components)
		st.Claims = true
	}
	return st, parts, nil
}

// parseStatuspage is ReadStatuspage for the generic Parse dispatcher.
func parseStatuspage(data []byte) (*observe.Status, error) {
	st, _, err := ReadStatuspage(data)
	return st, err
}

func spComponents(in []spComponent) []observe.Component {
	groups := map[string]string{}
	for _, c := range in {
		if c.Group {
			groups[c.ID] = termtext.Line(c.Name)
		}
	}
	out := make([]observe.Component, 0, len(in))
	for _, c := range in {
		if c.Group {
			continue // a group's state is its children's; list the children
		}
		comp := observe.Component{Name: termtext.Line(c.Name), State: ComponentState(c.Status)}
		if c.GroupID != nil {
			comp.Group = groups[*c.GroupID]
		}
		out = append(out, comp)
	}
	return out
}

func spIncidentModel(in spIncident, pageURL, kind string) observe.Incident {
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
	if out.URL == "" && pageURL != "" && out.ID != "" {
		out.URL = strings.TrimRight(pageURL, "/") + "/" + kind + "/" + out.ID
	}
	for _, c := range in.Components {
		out.Components = appendUnique(out.Components, termtext.Line(c.Name))
	}
	for _, u := range in.Updates {
		at := u.DisplayAt.Time()
		if at.IsZero() {
			at = u.CreatedAt.Time()
		}
		out.Updates = append(out.Updates, observe.Update{
			Status: strings.ToLower(termtext.Line(u.Status)), Body: HTMLText(u.Body), At: at,
		})
		for _, c := range u.Affected {
			out.Components = appendUnique(out.Components, termtext.Line(c.Name))
		}
	}
	sortUpdates(out.Updates)
	if len(out.Updates) > 0 {
		out.LatestUpdate = termtext.Line(out.Updates[0].Body)
	}
	return out
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
