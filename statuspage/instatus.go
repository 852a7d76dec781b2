package statuspage

import (
	"encoding/json"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Instatus pages publish <page>/summary.json (also /v3/summary.json):
// the page status UP, HASISSUES or UNDERMAINTENANCE with the active
// incidents and maintenances, which are left out when there are none
// (https://instatus.com/help/api/public-data). /v3/components.json lists
// the components; both shapes are read here. Checkly's Instatus-like
// pages spell the words HAS_ISSUES and startedAt; they read too.

type instDoc struct {
	Page *struct {
		Name   string          `json:"name"`
		URL    string          `json:"url"`
		Status json.RawMessage `json:"status"`
	} `json:"page"`
	ActiveIncidents    []instItem      `json:"activeIncidents"`
	ActiveMaintenances []instItem      `json:"activeMaintenances"`
	Components         []instComponent `json:"components"`
}

type instItem struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Impact    string `json:"impact"`
	Severity  string `json:"severity"`
	URL       string `json:"url"`
	Started   stamp  `json:"started"`
	StartedAt stamp  `json:"startedAt"`
	Start     stamp  `json:"start"`
	UpdatedAt stamp  `json:"updatedAt"`
	Duration  flexID `json:"duration"`
	Updates   []struct {
		Message string `json:"message"`
		Started stamp  `json:"started"`
	} `json:"updates"`
	AffectedServices []struct {
		Name string `json:"name"`
	} `json:"affectedServices"`
}

type instComponent struct {
	Name   string          `json:"name"`
	Status string          `json:"status"`
	Group  json.RawMessage `json:"group"`
}

// instPageState maps the page status word.
func instPageState(s string) observe.State {
	switch strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "_", "") {
	case "UP", "OPERATIONAL":
		return observe.Operational
	case "HASISSUES":
		return observe.Degraded
	case "UNDERMAINTENANCE":
		return observe.UnderMaintenance
	case "DOWN":
		return observe.MajorOutage
	}
	return observe.Unknown
}

// instImpact maps an incident impact or component status
// (DEGRADEDPERFORMANCE, PARTIALOUTAGE, MINOROUTAGE, MAJOROUTAGE) or a
// Checkly severity (MINOR, MAJOR, CRITICAL).
func instImpact(s string) observe.State {
	w := strings.ToLower(strings.TrimSpace(s))
	switch w {
	case "minor":
		return observe.Degraded
	case "major":
		return observe.PartialOutage
	case "critical":
		return observe.MajorOutage
	}
	return ComponentState(strings.ReplaceAll(w, "_", ""))
}

// parseInstatus reads an Instatus summary.json or components.json. The
// page status of summary.json is the page's own verdict and the vendor's
// state: HASISSUES says there is trouble without saying how much, so it is
// degraded however bad one active incident or a few components are. Those
// keep their own impact and states for correlate and Filter to weigh.
// Only components.json, which has no page status, derives the state.
func parseInstatus(data []byte) (*observe.Status, error) {
	const want = "Instatus summary.json"
	var doc instDoc
	if err := decodeJSON(data, &doc, want); err != nil {
		return nil, err
	}
	var pageStatus string
	if doc.Page != nil {
		_ = json.Unmarshal(doc.Page.Status, &pageStatus)
	}
	page := instPageState(pageStatus)
	if !page.Known() && len(doc.Components) == 0 {
		return nil, wrongFormat(want, data)
	}
	st := &observe.Status{State: page}
	if doc.Page != nil {
		st.PageURL = strings.TrimRight(termtext.Line(doc.Page.URL), "/")
	}
	for _, c := range doc.Components {
		st.Components = append(st.Components, observe.Component{Name: termtext.Line(c.Name), Group: instGroup(c.Group), State: instImpact(c.Status)})
	}
	for _, it := range doc.ActiveIncidents {
		st.Incidents = append(st.Incidents, instIncident(it))
	}
	for _, it := range doc.ActiveMaintenances {
		st.Maintenances = append(st.Maintenances, instMaintenance(it))
	}
	if !page.Known() {
		page = instDerived(st)
	}
	st.State = page
	st.Claims = st.State.Known()
	st.Description = describeState(st.State)
	return st, nil
}

func instGroup(raw json.RawMessage) string {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		return termtext.Line(name)
	}
	var obj struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return termtext.Line(obj.Name)
	}
	return ""
}

func instIncident(it instItem) observe.Incident {
	in := observe.Incident{
		ID:     instID(it),
		Title:  termtext.Line(it.Name),
		Status: lowerStatus(it.Status),
		URL:    termtext.Line(it.URL),
	}
	for _, t := range []stamp{it.Started, it.StartedAt, it.Start} {
		if in.StartedAt.IsZero() {
			in.StartedAt = t.Time()
		}
	}
	in.UpdatedAt = it.UpdatedAt.Time()
	impact := it.Impact
	if impact == "" {
		impact = it.Severity
	}
	in.Impact = impactOf(instImpact(impact))
	for _, s := range it.AffectedServices {
		in.Components = appendUnique(in.Components, termtext.Line(s.Name))
	}
	for _, u := range it.Updates {
		in.Updates = append(in.Updates, observe.Update{Body: MarkdownText(u.Message), At: u.Started.Time()})
	}
	sortUpdates(in.Updates)
	if len(in.Updates) > 0 {
		in.LatestUpdate = termtext.Line(in.Updates[0].Body)
		if in.UpdatedAt.IsZero() {
			in.UpdatedAt = in.Updates[0].At
		}
	}
	return in
}

func instMaintenance(it instItem) observe.Maintenance {
	m := observe.Maintenance{ID: instID(it), Title: termtext.Line(it.Name), URL: termtext.Line(it.URL)}
	switch strings.ReplaceAll(strings.ToUpper(it.Status), "_", "") {
	case "NOTSTARTEDYET", "SCHEDULED":
		m.Status = "scheduled"
	case "INPROGRESS":
		m.Status = "in_progress"
	case "COMPLETED":
		m.Status = "completed"
	default:
		m.Status = lowerStatus(it.Status)
	}
	for _, t := range []stamp{it.Start, it.Started, it.StartedAt} {
		if m.StartsAt.IsZero() {
			m.StartsAt = t.Time()
		}
	}
	if mins, err := strconv.Atoi(string(it.Duration)); err == nil && mins > 0 && mins < 60*24*366 && !m.StartsAt.IsZero() {
		m.EndsAt = m.StartsAt.Add(time.Duration(mins) * time.Minute)
	}
	return m
}

// instID is the item's id, or the last segment of its URL
// (…/incident/cl4a8n3070721qtmzvts760c4), so a feed and the JSON agree.
func instID(it instItem) string {
	if it.ID != "" {
		return termtext.Line(it.ID)
	}
	if it.URL == "" {
		return ""
	}
	return termtext.Line(path.Base(strings.TrimRight(it.URL, "/")))
}

// instDerived is the state of a document without a page status: the worst
// of its components, its active incidents and a maintenance in progress.
func instDerived(st *observe.Status) observe.State {
	var states []observe.State
	if len(st.Components) > 0 {
		states = append(states, worstComponent(st.Components))
	}
	for _, in := range st.Open() {
		s := observe.ImpactState(in.Impact)
		if !s.Known() || s == observe.Operational {
			s = observe.Degraded // an active incident is never "all clear"
		}
		states = append(states, s)
	}
	for _, m := range st.Maintenances {
		if m.Status == "in_progress" {
			states = append(states, observe.UnderMaintenance)
		}
	}
	return observe.Worst(states...)
}
