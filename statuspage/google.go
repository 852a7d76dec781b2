package statuspage

import (
	"fmt"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Google Cloud, Firebase and Workspace dashboards publish incidents.json:
// every recent incident, open while it has no "end". Schema:
// https://status.cloud.google.com/incidents.schema.json.

type gIncident struct {
	ID               string    `json:"id"`
	Begin            stamp     `json:"begin"`
	End              stamp     `json:"end"`
	Modified         stamp     `json:"modified"`
	ExternalDesc     string    `json:"external_desc"`
	StatusImpact     string    `json:"status_impact"`
	ServiceName      string    `json:"service_name"`
	MostRecentUpdate *gUpdate  `json:"most_recent_update"`
	Updates          []gUpdate `json:"updates"`
	URI              string    `json:"uri"`
	AffectedProducts []struct {
		Title string `json:"title"`
	} `json:"affected_products"`
}

type gUpdate struct {
	Created stamp  `json:"created"`
	When    stamp  `json:"when"`
	Status  string `json:"status"`
	Text    string `json:"text"`
}

// keepResolved is how many resolved incidents a history document keeps in
// the model: the latest few are context, the rest is history.
const keepResolved = 5

// googleImpact maps status_impact (or an update's status) to an impact.
// SERVICE_INFORMATION is a notice: shown, but not an outage.
func googleImpact(s string) string {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "SERVICE_OUTAGE":
		return impactOf(observe.MajorOutage)
	case "SERVICE_DISRUPTION":
		return impactOf(observe.PartialOutage)
	case "SERVICE_INFORMATION", "AVAILABLE":
		return "none"
	}
	return ""
}

// parseGoogle reads a Google incidents.json.
func parseGoogle(data []byte) (*observe.Status, error) {
	const want = "Google incidents.json"
	var doc []gIncident
	if err := decodeJSON(data, &doc, want); err != nil {
		return nil, err
	}
	for _, g := range doc {
		if g.ID == "" && g.ExternalDesc == "" && g.Begin.Time().IsZero() {
			return nil, wrongFormat(want, data)
		}
	}
	st := &observe.Status{State: observe.Operational, Claims: true}
	resolved := 0
	for _, g := range doc {
		// Only the latest few resolved incidents are kept, so the rest
		// are not converted (their updates are most of the document).
		if !g.End.Time().IsZero() {
			if resolved >= keepResolved {
				continue
			}
			resolved++
		}
		st.Incidents = append(st.Incidents, googleIncident(g))
	}
	sortIncidents(st.Incidents)
	// Google publishes no overall state, only incidents, so the worst open
	// one is the vendor's state; a team that watches one product narrows
	// it with Filter to that product's incidents.
	for _, in := range st.Open() {
		st.State = observe.Worst(st.State, observe.ImpactState(in.Impact))
	}
	st.Description = describeState(st.State)
	return st, nil
}

// googleTitle is the first line of the description that says something:
// Workspace descriptions start with a "**Title:**" label line.
func googleTitle(desc string) string {
	for _, line := range strings.Split(MarkdownText(desc), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || (strings.HasSuffix(line, ":") && len(line) <= 24) {
			continue
		}
		return termtext.Line(line)
	}
	return ""
}

// googleBoilerplate matches the descriptions Google posts when it says no
// more than that something is wrong: "This issue is believed to be
// affecting a very small number of projects…", "We've received a report of
// an issue…", "We are investigating an issue…". Such a title names no
// service, and on a dashboard of a hundred products it says nothing.
var googleBoilerplate = lazyregexp.New(`(?i)^(?:this|the) issue\b|believed to be affecting|^we(?:'ve| have)? received a report|^we are (?:investigating|experiencing|aware of) (?:an|a potential) issue\b`)

// googleNamed makes a boilerplate or empty title name what it is about: the
// incident's service, or its affected products when it has several ("A, B,
// C and 2 more"). A title that already names one of them is kept.
func googleNamed(title string, g gIncident) string {
	if title != "" && !googleBoilerplate().MatchString(title) {
		return title
	}
	var names []string
	if svc := termtext.Line(g.ServiceName); !strings.EqualFold(svc, "Multiple Products") {
		names = appendUnique(names, svc)
	}
	for _, p := range g.AffectedProducts {
		names = appendUnique(names, termtext.Line(p.Title))
	}
	lower := strings.ToLower(title)
	for _, n := range names {
		if n != "" && strings.Contains(lower, strings.ToLower(n)) {
			return title
		}
	}
	if len(names) == 0 {
		return title
	}
	label := strings.Join(names[:min(len(names), 3)], ", ")
	if len(names) > 3 {
		label = fmt.Sprintf("%s and %d more", label, len(names)-3)
	}
	if title == "" {
		return label
	}
	return label + ": " + title
}

func googleIncident(g gIncident) observe.Incident {
	in := observe.Incident{
		ID:        termtext.Line(g.ID),
		Title:     googleNamed(googleTitle(g.ExternalDesc), g),
		Status:    "active",
		Impact:    googleImpact(g.StatusImpact),
		StartedAt: g.Begin.Time(),
		UpdatedAt: g.Modified.Time(),
		URL:       termtext.Line(g.URI), // relative; the reader resolves it against the page
	}
	if end := g.End.Time(); !end.IsZero() {
		in.Status, in.ResolvedAt = "resolved", end
	}
	for _, p := range g.AffectedProducts {
		in.Components = appendUnique(in.Components, termtext.Line(p.Title))
	}
	if len(in.Components) == 0 {
		in.Components = appendUnique(in.Components, termtext.Line(g.ServiceName))
	}
	updates := g.Updates
	if len(updates) == 0 && g.MostRecentUpdate != nil {
		updates = []gUpdate{*g.MostRecentUpdate}
	}
	for _, u := range updates {
		at := u.When.Time()
		if at.IsZero() {
			at = u.Created.Time()
		}
		in.Updates = append(in.Updates, observe.Update{Status: lowerStatus(u.Status), Body: MarkdownText(u.Text), At: at})
	}
	sortUpdates(in.Updates)
	if len(in.Updates) > 0 {
		in.LatestUpdate = termtext.Line(in.Updates[0].Body)
	}
	return in
}
