package statuspage

import (
	"strings"

	"github.com/mmcdole/gofeed"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// How each platform's feed items become incidents. feed.go recognises the
// platform; these read its items.

// incidentioItem reads an incident.io feed entry: the incident's current
// state only, "<b>Status: Resolved</b>", the latest text and a list of
// affected components with their states.
func incidentioItem(it *gofeed.Item) feedEvent {
	published, updated := itemTimes(it)
	body := itemBody(it)
	in := observe.Incident{
		ID:        itemID(it, spIncidentLink()),
		Title:     termtext.Line(HTMLText(it.Title)),
		URL:       cleanURL(it.Link),
		StartedAt: published,
		UpdatedAt: updated,
	}
	if m := ioStatusLine().FindStringSubmatch(body); m != nil {
		in.Status = lowerStatus(HTMLText(m[1]))
	}
	text := ioStatusLine().ReplaceAllString(body, "")
	var comps string
	if i := strings.Index(strings.ToLower(text), "<b>affected components</b>"); i >= 0 {
		text, comps = text[:i], text[i:]
	}
	worst := observe.Unknown
	for _, line := range strings.Split(HTMLText(comps), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		m := ioComponent().FindStringSubmatch(line)
		if m == nil {
			continue
		}
		in.Components = appendUnique(in.Components, termtext.Line(m[1]))
		if s := stateWord(m[2]); s != observe.Operational {
			worst = observe.Worst(worst, s)
		}
	}
	in.Impact = impactOf(worst)
	latest := strings.TrimSpace(HTMLText(text))
	if latest != "" {
		in.Updates = []observe.Update{{Status: in.Status, Body: latest, At: updated}}
		in.LatestUpdate = termtext.Line(latest)
	}
	if in.Status == "" {
		in.Status = inferStatus(in.Title, latest)
	}
	if isMaintenanceStatus(in.Status) {
		return feedEvent{maintenance: &observe.Maintenance{ID: in.ID, Title: in.Title, Status: maintStatus(in.Status), URL: in.URL, Components: in.Components}}
	}
	if in.Resolved() {
		in.ResolvedAt = updated
	}
	return feedEvent{incident: in}
}

// betterstackItems groups a Better Stack feed, which has one item per
// update, into incidents by their /incident/<id> link.
func betterstackItems(items []*gofeed.Item) []observe.Incident {
	var order []string
	byID := map[string]*observe.Incident{}
	for _, it := range items {
		id := itemID(it, bsIncidentLink())
		published, _ := itemTimes(it)
		in, ok := byID[id]
		if !ok {
			link := cleanURL(it.Link)
			if link == "" {
				link, _, _ = strings.Cut(cleanURL(it.GUID), "#")
			}
			in = &observe.Incident{ID: id, URL: link}
			byID[id] = in
			order = append(order, id)
		}
		title := termtext.Line(HTMLText(it.Title))
		body := MarkdownText(itemBody(it))
		in.Updates = append(in.Updates, observe.Update{Status: inferStatus(title, body), Body: body, At: published})
		if in.Title == "" || !published.Before(in.UpdatedAt) {
			if title != "" {
				in.Title = title
			}
			in.UpdatedAt = published
		}
		if in.StartedAt.IsZero() || published.Before(in.StartedAt) {
			in.StartedAt = published
		}
	}
	out := make([]observe.Incident, 0, len(order))
	for _, id := range order {
		in := byID[id]
		sortUpdates(in.Updates)
		in.LatestUpdate = termtext.Line(in.Updates[0].Body)
		for _, u := range in.Updates {
			if u.Status != "" {
				in.Status = u.Status
				break
			}
		}
		if in.Resolved() {
			in.ResolvedAt = in.UpdatedAt
		}
		out = append(out, *in)
	}
	return out
}

// microsoftItem reads an Azure or Microsoft 365 status item: an issue that
// is current, with a <status> word on Microsoft 365.
func microsoftItem(it *gofeed.Item, kind feedKind) observe.Incident {
	published, updated := itemTimes(it)
	body := HTMLText(itemBody(it))
	in := observe.Incident{
		ID:        termtext.Line(it.GUID),
		Title:     termtext.Line(HTMLText(it.Title)),
		URL:       cleanURL(it.Link),
		StartedAt: published,
		UpdatedAt: updated,
	}
	if in.ID == "" {
		in.ID = in.URL
	}
	if body != "" {
		in.Updates = []observe.Update{{Body: body, At: updated}}
		in.LatestUpdate = termtext.Line(body)
	}
	state := observe.Degraded // Azure gives no severity: an item is a problem
	if kind == m365Feed {
		state = stateWord(it.Custom["status"])
		if !state.Known() {
			state = observe.Degraded
		}
		if len(in.Updates) > 0 { // an item without a body has no update
			in.Updates[0].Status = lowerStatus(it.Custom["status"])
		}
	}
	in.Status = "investigating"
	if state == observe.Operational || inferStatus(in.Title) == "resolved" {
		in.Status, in.ResolvedAt = "resolved", updated
	}
	in.Impact = impactOf(state)
	return in
}

// genericItem reads an item of any other feed: one incident per item,
// with a status only when its words say so.
func genericItem(it *gofeed.Item) observe.Incident {
	published, updated := itemTimes(it)
	body := MarkdownText(itemBody(it))
	in := observe.Incident{
		ID:        termtext.Line(it.GUID),
		Title:     termtext.Line(HTMLText(it.Title)),
		URL:       cleanURL(it.Link),
		StartedAt: published,
		UpdatedAt: updated,
	}
	if in.ID == "" {
		in.ID = in.URL
	}
	in.Status = inferStatus(in.Title, firstLine(body))
	if body != "" {
		in.Updates = []observe.Update{{Status: in.Status, Body: body, At: updated}}
		in.LatestUpdate = termtext.Line(body)
	}
	if in.Resolved() {
		in.ResolvedAt = updated
	}
	return in
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
