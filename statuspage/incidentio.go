package statuspage

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// incident.io pages (status.openai.com and others) serve three JSON shapes
// of their own besides the Statuspage-compatible /api/v2: the front end's
// /proxy/<host> ({"summary":{…}}), the widget API /api/v1/summary
// ({"page_title", "ongoing_incidents", …}) and a single incident
// ({"incident":{…}}). readIncidentIO reads all three.

type ioDoc struct {
	Summary  *ioSummary  `json:"summary"`
	Incident *ioIncident `json:"incident"`

	// The widget API.
	PageTitle  *string       `json:"page_title"`
	PageURL    string        `json:"page_url"`
	Ongoing    *[]ioIncident `json:"ongoing_incidents"`
	InProgress []ioMaint     `json:"in_progress_maintenances"`
	Scheduled  []ioMaint     `json:"scheduled_maintenances"`
}

type ioSummary struct {
	Name       string `json:"name"`
	PublicURL  string `json:"public_url"`
	Components []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"components"`
	Affected  []ioAffected `json:"affected_components"`
	Ongoing   []ioIncident `json:"ongoing_incidents"`
	Scheduled []ioMaint    `json:"scheduled_maintenances"`
	Structure struct {
		Items []struct {
			Group *struct {
				Name       string        `json:"name"`
				Hidden     bool          `json:"hidden"`
				Components []ioStructure `json:"components"`
			} `json:"group"`
			Component *ioStructure `json:"component"`
		} `json:"items"`
	} `json:"structure"`
}

type ioStructure struct {
	ComponentID string `json:"component_id"`
	Name        string `json:"name"`
	Hidden      bool   `json:"hidden"`
}

type ioAffected struct {
	ComponentID   string `json:"component_id"`
	ID            string `json:"id"`
	Name          string `json:"name"`
	GroupName     string `json:"group_name"`
	Status        string `json:"status"`
	CurrentStatus string `json:"current_status"`
}

func (a ioAffected) id() string {
	if a.ComponentID != "" {
		return a.ComponentID
	}
	return a.ID
}

func (a ioAffected) state() observe.State {
	if a.CurrentStatus != "" {
		return ComponentState(a.CurrentStatus)
	}
	return ComponentState(a.Status)
}

type ioIncident struct {
	ID                 string       `json:"id"`
	Name               string       `json:"name"`
	Status             string       `json:"status"`
	URL                string       `json:"url"`
	PublishedAt        stamp        `json:"published_at"`
	LastUpdateAt       stamp        `json:"last_update_at"`
	LastUpdateMessage  string       `json:"last_update_message"`
	CurrentWorstImpact string       `json:"current_worst_impact"`
	Affected           []ioAffected `json:"affected_components"`
	Updates            []struct {
		PublishedAt   stamp  `json:"published_at"`
		MessageString string `json:"message_string"`
		Message       struct {
			Markdown string `json:"markdown"`
		} `json:"message"`
		ToStatus string `json:"to_status"`
	} `json:"updates"`
	ComponentImpacts []struct {
		ComponentID string `json:"component_id"`
		Status      string `json:"status"`
		EndAt       stamp  `json:"end_at"`
	} `json:"component_impacts"`
}

type ioMaint struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Status      string       `json:"status"`
	URL         string       `json:"url"`
	StartsAt    stamp        `json:"starts_at"`
	StartedAt   stamp        `json:"started_at"`
	ScheduledAt stamp        `json:"scheduled_start_at"`
	EndsAt      stamp        `json:"ends_at"`
	ScheduledTo stamp        `json:"scheduled_end_at"`
	Affected    []ioAffected `json:"affected_components"`
}

// parseIncidentIO reads incident.io's own JSON: the /proxy/<host> summary,
// the widget API or one incident.
func parseIncidentIO(data []byte) (*observe.Status, error) {
	const want = "incident.io status JSON"
	var doc ioDoc
	if err := decodeJSON(data, &doc, want); err != nil {
		return nil, err
	}
	switch {
	case doc.Summary != nil:
		return ioFromProxy(doc.Summary), nil
	case doc.Ongoing != nil || doc.PageTitle != nil:
		return ioFromWidget(&doc), nil
	case doc.Incident != nil && (doc.Incident.ID != "" || doc.Incident.Name != ""):
		in := ioIncidentModel(*doc.Incident, nil, "")
		return &observe.Status{State: observe.Unknown, Incidents: []observe.Incident{in}}, nil
	}
	return nil, wrongFormat(want, data)
}

// ioFromProxy reads the front end's summary: every component with its
// group, the components an incident affects, ongoing incidents and
// maintenances.
func ioFromProxy(s *ioSummary) *observe.Status {
	st := &observe.Status{State: observe.Operational, Claims: true, PageURL: strings.TrimRight(termtext.Line(s.PublicURL), "/")}
	names := map[string]string{}
	for _, c := range s.Components {
		names[c.ID] = termtext.Line(c.Name)
	}
	var order []string
	groups := map[string]string{}
	add := func(c ioStructure, group string) {
		if c.Hidden || c.ComponentID == "" {
			return
		}
		if _, seen := groups[c.ComponentID]; seen {
			return
		}
		groups[c.ComponentID] = group
		order = append(order, c.ComponentID)
		if c.Name != "" {
			names[c.ComponentID] = termtext.Line(c.Name)
		}
	}
	for _, it := range s.Structure.Items {
		switch {
		case it.Group != nil && !it.Group.Hidden:
			for _, c := range it.Group.Components {
				add(c, termtext.Line(it.Group.Name))
			}
		case it.Component != nil:
			add(*it.Component, "")
		}
	}
	for _, c := range s.Components {
		add(ioStructure{ComponentID: c.ID, Name: c.Name}, "")
	}

	states := map[string]observe.State{}
	affected := s.Affected
	if len(affected) == 0 {
		// The top level lists nothing while an incident says what it
		// affects (captures differ): trust the incidents.
		for _, in := range s.Ongoing {
			affected = append(affected, in.Affected...)
		}
	}
	for _, a := range affected {
		if s := a.state(); s.Known() {
			states[a.id()] = observe.Worst(states[a.id()], s)
		}
	}
	for _, id := range order {
		state, ok := states[id]
		if !ok {
			state = observe.Operational
		}
		st.Components = append(st.Components, observe.Component{Name: names[id], Group: groups[id], State: state})
	}
	for _, in := range s.Ongoing {
		st.Incidents = append(st.Incidents, ioIncidentModel(in, names, st.PageURL))
	}
	for _, m := range s.Scheduled {
		st.Maintenances = append(st.Maintenances, ioMaintModel(m, "scheduled", st.PageURL))
	}
	st.State = ioState(st)
	st.Description = describeState(st.State)
	return st
}

// ioFromWidget reads the widget API, which has no component list: the
// ongoing incidents and maintenances are the state.
func ioFromWidget(doc *ioDoc) *observe.Status {
	st := &observe.Status{State: observe.Operational, Claims: true, PageURL: strings.TrimRight(termtext.Line(doc.PageURL), "/")}
	if doc.Ongoing != nil {
		for _, in := range *doc.Ongoing {
			st.Incidents = append(st.Incidents, ioIncidentModel(in, nil, st.PageURL))
		}
	}
	for _, m := range doc.InProgress {
		st.Maintenances = append(st.Maintenances, ioMaintModel(m, "in_progress", st.PageURL))
	}
	for _, m := range doc.Scheduled {
		st.Maintenances = append(st.Maintenances, ioMaintModel(m, "scheduled", st.PageURL))
	}
	st.State = ioState(st)
	st.Description = describeState(st.State)
	return st
}

// ioState is the worst of the components, the open incidents' impacts and
// an in-progress maintenance. incident.io's own JSON carries no overall
// indicator (its page shows a banner while an incident is ongoing, not a
// page-wide severity), so the state can only be derived. A vendor that
// needs the page's own verdict reads the Statuspage-compatible
// /api/v2/summary.json, whose indicator ReadStatuspage follows.
func ioState(st *observe.Status) observe.State {
	states := []observe.State{observe.Operational, worstComponent(st.Components)}
	for _, in := range st.Open() {
		states = append(states, observe.ImpactState(in.Impact))
	}
	for _, m := range st.Maintenances {
		if m.Status == "in_progress" {
			states = append(states, observe.UnderMaintenance)
		}
	}
	return observe.Worst(states...)
}

func ioIncidentModel(in ioIncident, names map[string]string, pageURL string) observe.Incident {
	out := observe.Incident{
		ID:        termtext.Line(in.ID),
		Title:     termtext.Line(in.Name),
		Status:    lowerStatus(in.Status),
		StartedAt: in.PublishedAt.Time(),
		UpdatedAt: in.LastUpdateAt.Time(),
		URL:       termtext.Line(in.URL),
	}
	if out.URL == "" && pageURL != "" && out.ID != "" {
		out.URL = pageURL + "/incidents/" + out.ID
	}
	worst := ComponentState(in.CurrentWorstImpact)
	for _, a := range in.Affected {
		worst = observe.Worst(worst, a.state())
		name := termtext.Line(a.Name)
		if name == "" {
			name = names[a.id()]
		}
		out.Components = appendUnique(out.Components, name)
	}
	if !worst.Known() {
		for _, ci := range in.ComponentImpacts {
			if ci.EndAt.Time().IsZero() {
				worst = observe.Worst(worst, ComponentState(ci.Status))
			}
		}
	}
	out.Impact = impactOf(worst)
	for _, u := range in.Updates {
		body := u.Message.Markdown
		if body == "" {
			body = u.MessageString
		}
		out.Updates = append(out.Updates, observe.Update{Status: lowerStatus(u.ToStatus), Body: MarkdownText(body), At: u.PublishedAt.Time()})
	}
	sortUpdates(out.Updates)
	if len(out.Updates) > 0 {
		out.LatestUpdate = termtext.Line(out.Updates[0].Body)
		if out.UpdatedAt.IsZero() {
			out.UpdatedAt = out.Updates[0].At
		}
		if out.StartedAt.IsZero() || out.Updates[len(out.Updates)-1].At.Before(out.StartedAt) {
			out.StartedAt = out.Updates[len(out.Updates)-1].At
		}
	} else if in.LastUpdateMessage != "" {
		out.LatestUpdate = termtext.Line(MarkdownText(in.LastUpdateMessage))
	}
	if out.Resolved() && out.ResolvedAt.IsZero() {
		out.ResolvedAt = out.UpdatedAt
	}
	return out
}

func ioMaintModel(m ioMaint, defaultStatus, pageURL string) observe.Maintenance {
	status := maintStatus(lowerStatus(m.Status))
	if status == "" {
		status = defaultStatus
	}
	out := observe.Maintenance{ID: termtext.Line(m.ID), Title: termtext.Line(m.Name), Status: status, URL: termtext.Line(m.URL)}
	for _, t := range []stamp{m.StartsAt, m.StartedAt, m.ScheduledAt} {
		if out.StartsAt.IsZero() {
			out.StartsAt = t.Time()
		}
	}
	for _, t := range []stamp{m.EndsAt, m.ScheduledTo} {
		if out.EndsAt.IsZero() {
			out.EndsAt = t.Time()
		}
	}
	if out.URL == "" && pageURL != "" && out.ID != "" {
		out.URL = pageURL + "/incidents/" + out.ID
	}
	for _, a := range m.Affected {
		out.Components = appendUnique(out.Components, termtext.Line(a.Name))
	}
	return out
}

// describeState is the sentence a page shows for a state, for sources
// that give no description of their own.
func describeState(s observe.State) string {
	switch s {
	case observe.Operational:
		return "All Systems Operational"
	case observe.UnderMaintenance:
		return "Service Under Maintenance"
	case observe.Degraded:
		return "Degraded Performance"
	case observe.PartialOutage:
		return "Partial Outage"
	case observe.MajorOutage:
		return "Major Outage"
	}
	return ""
}
