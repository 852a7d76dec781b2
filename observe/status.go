package observe

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Status is the normalized view of a vendor's status page. A parser fills
// State, Description, PageURL, Components, Incidents and Maintenances from
// one source; the poller merges sources and adds CheckedAt and Sources.
//
// The JSON names are those of DESIGN §6 and must not change within schema
// version 1.
type Status struct {
	State        State         `json:"state"`
	Description  string        `json:"description"`
	PageURL      string        `json:"page_url"`
	CheckedAt    time.Time     `json:"checked_at,omitzero"`
	Sources      []Source      `json:"sources"`
	Components   []Component   `json:"components"`
	Incidents    []Incident    `json:"incidents"`
	Maintenances []Maintenance `json:"maintenances"`

	// ComponentsOmitted, IncidentsOmitted and MaintenancesOmitted count
	// what the page listed beyond the caps on one status source
	// (statuspage.Limits) and this model leaves out, so a page of 95,000
	// components costs no more than one of 2,000 and says so. With a
	// components: filter, ComponentsOmitted counts only the left-out
	// components the filter names. Zero, and absent from JSON, when
	// nothing was cut.
	ComponentsOmitted   int `json:"components_omitted,omitempty"`
	IncidentsOmitted    int `json:"incidents_omitted,omitempty"`
	MaintenancesOmitted int `json:"maintenances_omitted,omitempty"`

	// Claims reports whether the source states the vendor's overall state.
	// A generic feed lists incidents but cannot say "operational" on its own,
	// so its Claims is false and its State is only a hint.
	Claims bool `json:"-"`
}

// Source describes one fetched status source and how it went.
type Source struct {
	URL       string `json:"url"`
	Format    string `json:"format"`
	OK        bool   `json:"ok"`
	LatencyMS int64  `json:"latency_ms"`
	Error     string `json:"error"`
	// Detected is true when the format was found by autodetection rather
	// than given in the config.
	Detected bool `json:"detected,omitempty"`
	// NotModified is true when the server answered 304 and the previous
	// result was reused.
	NotModified bool `json:"not_modified,omitempty"`
}

// Component is one part of a vendor's service (API, ChatGPT, Dashboard).
type Component struct {
	Name  string `json:"name"`
	Group string `json:"group,omitempty"`
	State State  `json:"state"`
}

// Incident is an open or recently resolved incident on a status page.
type Incident struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Status       string    `json:"status"`
	Impact       string    `json:"impact"`
	StartedAt    time.Time `json:"started_at,omitzero"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
	ResolvedAt   time.Time `json:"resolved_at,omitzero"`
	URL          string    `json:"url"`
	Components   []string  `json:"components"`
	LatestUpdate string    `json:"latest_update"`
	Updates      []Update  `json:"updates,omitempty"`
	// UpdatesOmitted counts the oldest updates, and ComponentsOmitted the
	// affected components, that the caps on one incident left out.
	UpdatesOmitted    int `json:"updates_omitted,omitempty"`
	ComponentsOmitted int `json:"components_omitted,omitempty"`
}

// Update is one posted update of an incident, newest first in Incident.Updates.
type Update struct {
	Status string    `json:"status"`
	Body   string    `json:"body"`
	At     time.Time `json:"at,omitzero"`
}

// Maintenance is a scheduled or in-progress maintenance window.
type Maintenance struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Status     string    `json:"status"`
	StartsAt   time.Time `json:"starts_at,omitzero"`
	EndsAt     time.Time `json:"ends_at,omitzero"`
	URL        string    `json:"url"`
	Components []string  `json:"components,omitempty"`
	// ComponentsOmitted counts the affected components the caps left out.
	ComponentsOmitted int `json:"components_omitted,omitempty"`
}

// Resolved reports whether the incident is over.
func (i Incident) Resolved() bool {
	switch i.Status {
	case "resolved", "postmortem", "completed":
		return true
	}
	return !i.ResolvedAt.IsZero()
}

// Open returns the incidents that are not resolved.
func (s *Status) Open() []Incident {
	var open []Incident
	for _, in := range s.Incidents {
		if !in.Resolved() {
			open = append(open, in)
		}
	}
	return open
}

// Active reports whether the maintenance is in progress at t.
func (m Maintenance) Active(t time.Time) bool {
	if m.Status == "in_progress" || m.Status == "verifying" {
		return true
	}
	return m.Status == "scheduled" && !m.StartsAt.IsZero() && !t.Before(m.StartsAt) &&
		(m.EndsAt.IsZero() || t.Before(m.EndsAt))
}

// Normalize replaces nil lists with empty ones so JSON shows [] rather than
// null, as scripts reading schema version 1 expect.
func (s *Status) Normalize() {
	if s.Sources == nil {
		s.Sources = []Source{}
	}
	if s.Components == nil {
		s.Components = []Component{}
	}
	if s.Incidents == nil {
		s.Incidents = []Incident{}
	}
	if s.Maintenances == nil {
		s.Maintenances = []Maintenance{}
	}
	for i := range s.Incidents {
		if s.Incidents[i].Components == nil {
			s.Incidents[i].Components = []string{}
		}
	}
}

// Clone copies s deeply enough that changing the copy's slices or their
// elements leaves s as it was.
func (s *Status) Clone() *Status {
	c := *s
	c.Sources = slices.Clone(s.Sources)
	c.Components = slices.Clone(s.Components)
	c.Incidents = slices.Clone(s.Incidents)
	for i := range c.Incidents {
		c.Incidents[i].Components = slices.Clone(c.Incidents[i].Components)
		c.Incidents[i].Updates = slices.Clone(c.Incidents[i].Updates)
	}
	c.Maintenances = slices.Clone(s.Maintenances)
	for i := range c.Maintenances {
		c.Maintenances[i].Components = slices.Clone(c.Maintenances[i].Components)
	}
	return &c
}

// OmittedNote is the sentence every view shows when the caps on a status
// page left part of it out ("Cut to size: 93,000 components and 12
// incidents of the page are not kept."), or "" when nothing was cut.
func (s *Status) OmittedNote() string {
	var parts []string
	for _, p := range []struct {
		n        int
		one, all string
	}{
		{s.ComponentsOmitted, "component", "components"},
		{s.IncidentsOmitted, "incident", "incidents"},
		{s.MaintenancesOmitted, "maintenance", "maintenances"},
	} {
		switch {
		case p.n == 1:
			parts = append(parts, "1 "+p.one)
		case p.n > 1:
			parts = append(parts, thousands(p.n)+" "+p.all)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	list := parts[0]
	if n := len(parts); n > 1 {
		list = strings.Join(parts[:n-1], ", ") + " and " + parts[n-1]
	}
	verb := "are"
	if len(parts) == 1 && strings.HasPrefix(list, "1 ") {
		verb = "is"
	}
	return "Cut to size: " + list + " of the page " + verb + " not kept."
}

// thousands writes n with a comma between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
