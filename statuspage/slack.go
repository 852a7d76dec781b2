package statuspage

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Slack publishes https://slack-status.com/api/v2.0.0/current: "ok" with
// nothing else, or "active" with every active incident, outage, notice or
// planned maintenance (https://docs.slack.dev/reference/slack-status-api).

type slackDoc struct {
	Status          *string      `json:"status"`
	DateUpdated     stamp        `json:"date_updated"`
	ActiveIncidents *[]slackItem `json:"active_incidents"`
}

type slackItem struct {
	ID          flexID   `json:"id"`
	DateCreated stamp    `json:"date_created"`
	DateUpdated stamp    `json:"date_updated"`
	Title       string   `json:"title"`
	Type        string   `json:"type"`
	Status      string   `json:"status"`
	URL         string   `json:"url"`
	Services    []string `json:"services"`
	Notes       []struct {
		DateCreated stamp  `json:"date_created"`
		Body        string `json:"body"`
	} `json:"notes"`
}

// parseSlack reads Slack's current-status document.
func parseSlack(data []byte) (*observe.Status, error) {
	const want = "Slack status JSON"
	var doc slackDoc
	if err := decodeJSON(data, &doc, want); err != nil {
		return nil, err
	}
	if doc.Status == nil || (doc.ActiveIncidents == nil && *doc.Status != "ok") {
		return nil, wrongFormat(want, data)
	}
	st := &observe.Status{State: observe.Operational, Claims: true, PageURL: "https://slack-status.com"}
	if doc.ActiveIncidents != nil {
		for _, it := range *doc.ActiveIncidents {
			status := lowerStatus(it.Status)
			if status == "scheduled" || status == "completed" || status == "cancelled" || strings.EqualFold(it.Type, "maintenance") {
				m := observe.Maintenance{ID: termtext.Line(string(it.ID)), Title: termtext.Line(it.Title), URL: termtext.Line(it.URL),
					StartsAt: it.DateCreated.Time(), Components: cleanList(it.Services)}
				switch status {
				case "active":
					m.Status = "in_progress"
				default:
					m.Status = status
				}
				st.Maintenances = append(st.Maintenances, m)
				continue
			}
			st.Incidents = append(st.Incidents, slackIncident(it))
		}
	}
	// Slack's own word is only "ok" or "active": it says whether there is
	// trouble, not how much, and there are no components to weigh, so the
	// active incidents' types decide how bad.
	states := []observe.State{observe.Operational}
	for _, in := range st.Open() {
		states = append(states, observe.ImpactState(in.Impact))
	}
	for _, m := range st.Maintenances {
		if m.Status == "in_progress" {
			states = append(states, observe.UnderMaintenance)
		}
	}
	st.State = observe.Worst(states...)
	if *doc.Status != "ok" && st.State == observe.Operational && len(st.Open()) == 0 && len(st.Maintenances) == 0 {
		st.State = observe.Degraded // "active" with nothing listed: something is up
	}
	st.Description = describeState(st.State)
	return st, nil
}

// slackImpact maps the item type: an outage is a major outage, an incident
// degrades some services, a notice is information.
func slackImpact(kind string) string {
	switch strings.ToLower(strings.TrimSpace(kind)) {
	case "outage":
		return impactOf(observe.MajorOutage)
	case "incident":
		return impactOf(observe.Degraded)
	case "notice":
		return "none"
	}
	return impactOf(observe.Degraded)
}

func slackIncident(it slackItem) observe.Incident {
	in := observe.Incident{
		ID:         termtext.Line(string(it.ID)),
		Title:      termtext.Line(it.Title),
		Status:     lowerStatus(it.Status),
		Impact:     slackImpact(it.Type),
		StartedAt:  it.DateCreated.Time(),
		UpdatedAt:  it.DateUpdated.Time(),
		URL:        termtext.Line(it.URL),
		Components: cleanList(it.Services),
	}
	for _, n := range it.Notes {
		in.Updates = append(in.Updates, observe.Update{Body: HTMLText(n.Body), At: n.DateCreated.Time()})
	}
	sortUpdates(in.Updates)
	if len(in.Updates) > 0 {
		in.LatestUpdate = termtext.Line(in.Updates[0].Body)
	}
	if in.Resolved() && in.ResolvedAt.IsZero() {
		in.ResolvedAt = in.UpdatedAt
	}
	return in
}

func cleanList(in []string) []string {
	var out []string
	for _, s := range in {
		out = appendUnique(out, termtext.Line(s))
	}
	return out
}
