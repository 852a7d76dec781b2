package statuspage

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Better Stack (betteruptime) pages, VAPI's among them, publish their whole
// state at <page>/index.json as JSON:API: the page in data, and its
// sections, resources (monitors), status reports and status updates in
// included. Documented at
// https://betterstack.com/docs/uptime/status-pages/subscribing-to-status-updates/subscribing-to-api.

type bsDoc struct {
	Data *struct {
		ID         flexID `json:"id"`
		Type       string `json:"type"`
		Attributes struct {
			CompanyName    string `json:"company_name"`
			Subdomain      string `json:"subdomain"`
			CustomDomain   string `json:"custom_domain"`
			Announcement   string `json:"announcement"`
			AggregateState string `json:"aggregate_state"`
		} `json:"attributes"`
	} `json:"data"`
	Included []bsObject `json:"included"`
}

type bsObject struct {
	ID            flexID `json:"id"`
	Type          string `json:"type"`
	Attributes    bsAttrs
	Relationships struct {
		StatusUpdates struct {
			Data []struct {
				ID flexID `json:"id"`
			} `json:"data"`
		} `json:"status_updates"`
	} `json:"relationships"`
}

// bsAttrs holds the attributes of every included type; each type fills
// its own fields.
type bsAttrs struct {
	Name           string       `json:"name"`                   // section
	SectionID      flexID       `json:"status_page_section_id"` // resource
	PublicName     string       `json:"public_name"`            // resource
	Status         string       `json:"status"`                 // resource
	Title          string       `json:"title"`                  // report
	ReportType     string       `json:"report_type"`            // report
	StartsAt       stamp        `json:"starts_at"`              // report
	EndsAt         stamp        `json:"ends_at"`                // report
	AggregateState string       `json:"aggregate_state"`        // report
	Message        string       `json:"message"`                // update
	PublishedAt    stamp        `json:"published_at"`           // update
	ReportID       flexID       `json:"status_report_id"`       // update
	Affected       []bsAffected `json:"affected_resources"`     // report, update
}

// UnmarshalJSON decodes the attributes leniently: a field of an
// unexpected type is dropped, not the whole document.
func (a *bsAttrs) UnmarshalJSON(b []byte) error {
	type plain bsAttrs
	var p plain
	if err := json.Unmarshal(b, &p); err == nil {
		*a = bsAttrs(p)
		return nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) != nil {
		return nil
	}
	for k, v := range fields {
		one, _ := json.Marshal(map[string]json.RawMessage{k: v})
		_ = json.Unmarshal(one, &p)
	}
	*a = bsAttrs(p)
	return nil
}

type bsAffected struct {
	ResourceID flexID `json:"status_page_resource_id"`
	Status     string `json:"status"`
}

// flexID is an id that JSON:API writes as a string and Better Stack's
// attributes sometimes as a number. Anything else is the empty id.
type flexID string

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 1 && b[0] == '"':
		var s string
		_ = json.Unmarshal(b, &s)
		*f = flexID(s)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		*f = flexID(b)
	default:
		*f = ""
	}
	return nil
}

// bsState maps a Better Stack page, resource or report state. "resolved"
// reports and "not_monitored" resources are handled by the callers.
func bsState(s string) observe.State {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "operational", "resolved":
		return observe.Operational
	case "degraded":
		return observe.Degraded
	case "downtime", "down":
		return observe.MajorOutage
	case "maintenance":
		return observe.UnderMaintenance
	}
	return observe.Unknown
}

// parseBetterStack reads a Better Stack index.json.
func parseBetterStack(data []byte) (*observe.Status, error) {
	const want = "Better Stack index.json"
	var doc bsDoc
	if err := decodeJSON(data, &doc, want); err != nil {
		return nil, err
	}
	if doc.Data == nil || doc.Data.Type != "status_page" {
		return nil, wrongFormat(want, data)
	}
	attrs := doc.Data.Attributes
	st := &observe.Status{State: observe.Unknown, PageURL: bsPageURL(attrs.CustomDomain, attrs.Subdomain)}

	sections := map[flexID]string{}
	resources := map[flexID]string{}
	var updates []bsObject
	for _, o := range doc.Included {
		switch o.Type {
		case "status_page_section":
			sections[o.ID] = termtext.Line(o.Attributes.Name)
		case "status_page_resource":
			resources[o.ID] = termtext.Line(o.Attributes.PublicName)
		case "status_update":
			updates = append(updates, o)
		}
	}
	monitored, down := 0, 0
	for _, o := range doc.Included {
		if o.Type != "status_page_resource" || strings.EqualFold(o.Attributes.Status, "not_monitored") {
			continue
		}
		s := bsState(o.Attributes.Status)
		monitored++
		if s == observe.MajorOutage {
			down++
		}
		st.Components = append(st.Components, observe.Component{Name: resources[o.ID], Group: sections[o.Attributes.SectionID], State: s})
	}
	for _, o := range doc.Included {
		if o.Type != "status_report" {
			continue
		}
		in := bsIncident(o, updates, resources, st.PageURL)
		if strings.EqualFold(o.Attributes.ReportType, "maintenance") {
			st.Maintenances = append(st.Maintenances, bsMaintenance(o, in))
			continue
		}
		st.Incidents = append(st.Incidents, in)
	}
	sortIncidents(st.Incidents)

	// The page's aggregate_state is its own verdict on the whole page and
	// the vendor's state: one resource down among many does not make the
	// vendor down unless the page says so. The resources keep their own
	// states, and Filter narrows the state to the ones a team watches; an
	// open report stays listed for correlate rather than added on top.
	// Only a page without an aggregate falls back on its worst resource.
	st.State = bsState(attrs.AggregateState)
	if !st.State.Known() && len(st.Components) > 0 {
		st.State = worstComponent(st.Components)
	}
	// Its words have no partial outage: "downtime" is a major outage
	// unless fewer than half of the monitored resources are down.
	if st.State == observe.MajorOutage && monitored > 0 && down*2 < monitored {
		st.State = observe.PartialOutage
	}
	st.Claims = st.State.Known()
	st.Description = describeState(st.State)
	if a := termtext.Line(attrs.Announcement); a != "" {
		st.Description = a
	}
	return st, nil
}

func bsPageURL(custom, sub string) string {
	custom, sub = termtext.Line(custom), termtext.Line(sub)
	switch {
	case custom != "" && !strings.ContainsAny(custom, "/ "):
		return "https://" + custom
	case sub != "" && !strings.ContainsAny(sub, "/ "):
		return "https://" + sub + ".betteruptime.com"
	}
	return ""
}

// bsIncident turns a status report and its updates into an incident.
func bsIncident(o bsObject, updates []bsObject, resources map[flexID]string, pageURL string) observe.Incident {
	a := o.Attributes
	state := strings.ToLower(termtext.Line(a.AggregateState))
	in := observe.Incident{
		ID:        termtext.Line(string(o.ID)),
		Title:     termtext.Line(a.Title),
		Status:    state,
		StartedAt: a.StartsAt.Time(),
	}
	if in.ID != "" && pageURL != "" {
		in.URL = pageURL + "/incident/" + in.ID
	}
	worst := observe.Unknown
	for _, r := range a.Affected {
		in.Components = appendUnique(in.Components, resources[r.ResourceID])
		worst = observe.Worst(worst, bsState(r.Status))
	}
	ids := map[flexID]bool{}
	for _, d := range o.Relationships.StatusUpdates.Data {
		ids[d.ID] = true
	}
	for _, u := range updates {
		if !ids[u.ID] && (u.Attributes.ReportID == "" || u.Attributes.ReportID != o.ID) {
			continue
		}
		us := observe.Unknown
		for _, r := range u.Attributes.Affected {
			us = observe.Worst(us, bsState(r.Status))
			in.Components = appendUnique(in.Components, resources[r.ResourceID])
		}
		word := ""
		if us.Known() {
			word = string(us)
		}
		in.Updates = append(in.Updates, observe.Update{Status: word, Body: MarkdownText(u.Attributes.Message), At: u.Attributes.PublishedAt.Time()})
	}
	sortUpdates(in.Updates)
	if len(in.Updates) > 0 {
		in.LatestUpdate = termtext.Line(in.Updates[0].Body)
		in.UpdatedAt = in.Updates[0].At
		if in.Updates[0].Status != "" && !worst.Known() {
			worst = ComponentState(in.Updates[0].Status)
		}
	}
	if s := bsState(state); s.Known() && s != observe.Operational {
		worst = observe.Worst(worst, s)
	}
	if state == "resolved" || state == "operational" {
		in.Status = "resolved"
		in.ResolvedAt = a.EndsAt.Time()
		if in.ResolvedAt.IsZero() {
			in.ResolvedAt = in.UpdatedAt // resolved reports often keep ends_at null
		}
	}
	in.Impact = impactOf(worst)
	if in.Impact == "none" {
		in.Impact = ""
	}
	if in.UpdatedAt.IsZero() {
		in.UpdatedAt = in.StartedAt
	}
	return in
}

// bsMaintenance reads a maintenance report. Better Stack gives a report of
// type maintenance the aggregate_state "maintenance" from the moment it is
// posted, days before its window opens, so that word says nothing about
// whether the work has begun: the dates do. A report still open is
// "scheduled" with its window, and SettleMaintenances, given the check's
// clock, makes it "in_progress" while the clock is inside the window and
// "completed" once the window has closed. A resolved report is completed;
// an open one without a start date is taken at its word.
func bsMaintenance(o bsObject, in observe.Incident) observe.Maintenance {
	m := observe.Maintenance{ID: in.ID, Title: in.Title, URL: in.URL, Components: in.Components,
		StartsAt: o.Attributes.StartsAt.Time(), EndsAt: o.Attributes.EndsAt.Time(), Status: "scheduled"}
	switch strings.ToLower(strings.TrimSpace(o.Attributes.AggregateState)) {
	case "resolved", "operational":
		m.Status = "completed"
	case "maintenance", "degraded", "downtime":
		if m.StartsAt.IsZero() {
			m.Status = "in_progress"
		}
	}
	return m
}
