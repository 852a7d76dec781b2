package statuspage

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// AWS's Service Health Dashboard feeds (status.aws.amazon.com/rss/all.rss
// and one per service and region, rss/<service>-<region>.rss) hold one
// item per posted update, newest first, for years: a service's feed is its
// whole history. Each item's guid names the service and region
// ("#ec2-us-east-1_1640371277") and its title is the state then, a prefix
// and the event's title: "Informational message: Instance Availability",
// "Service degradation: …", "Service is operating normally: [RESOLVED] …".
//
// awsItems splits a service's items into events, oldest first: an item
// whose title says the service is operating normally or [RESOLVED] closes
// the event it belongs to, and an item whose event title differs from the
// open event's starts a new one. Only the newest event of a service can be
// open; an older one left open was overtaken by the next and counts as
// over. An open informational message is at least degraded, as Checkmk's
// AWS status check reads it: AWS posts "Informational message" while
// instances are impaired.

// awsItem is one feed item read.
type awsItem struct {
	service, key string
	prefix       string // the state words before the first ": "
	title        string // the event's title, without the state or [RESOLVED]
	at           time.Time
	body         string
	link         string
	resolved     bool
	impact       string
}

// awsItems turns a feed's items into events, one incident each.
func awsItems(items []*gofeed.Item) []observe.Incident {
	byService := map[string][]awsItem{}
	var order []string
	for _, it := range items {
		ai := readAWSItem(it)
		if _, ok := byService[ai.service]; !ok {
			order = append(order, ai.service)
		}
		byService[ai.service] = append(byService[ai.service], ai)
	}
	var out []observe.Incident
	for _, service := range order {
		out = append(out, awsEvents(byService[service])...)
	}
	return out
}

// readAWSItem reads one item's service, state, title and time.
func readAWSItem(it *gofeed.Item) awsItem {
	key := strings.TrimSpace(it.GUID)
	if i := strings.LastIndex(key, "#"); i >= 0 {
		key = key[i+1:]
	}
	service := key
	if i := strings.LastIndex(key, "_"); i > 0 {
		service = key[:i]
	}
	published, _ := itemTimes(it)
	full := termtext.Line(HTMLText(it.Title))
	prefix, title, found := strings.Cut(full, ": ")
	if !found {
		prefix, title = "", full
	}
	resolved := strings.Contains(strings.ToUpper(full), "[RESOLVED]") || strings.Contains(strings.ToLower(prefix), "operating normally")
	return awsItem{
		service:  termtext.Line(service),
		key:      termtext.Line(key),
		prefix:   prefix,
		title:    awsTitle(title),
		at:       published,
		body:     HTMLText(itemBody(it)),
		link:     cleanURL(it.Link),
		resolved: resolved,
		impact:   awsImpact(prefix),
	}
}

// awsTitle is an event's title without its [RESOLVED] marks.
func awsTitle(s string) string {
	s = strings.ReplaceAll(s, "[RESOLVED]", "")
	s = strings.ReplaceAll(s, "[Resolved]", "")
	return strings.Join(strings.Fields(s), " ")
}

// awsImpact maps a title's state words to an impact. "Informational
// message" is degraded, like "Performance issues" and "Service
// degradation"; a disruption is a partial outage and an outage a major
// one. Words not seen before count as degraded: an item is a problem
// until it says otherwise.
func awsImpact(prefix string) string {
	p := strings.ToLower(prefix)
	switch {
	case strings.Contains(p, "operating normally"):
		return ""
	case strings.Contains(p, "disruption"):
		return impactOf(observe.PartialOutage)
	case strings.Contains(p, "outage"):
		return impactOf(observe.MajorOutage)
	}
	return impactOf(observe.Degraded)
}

// sameEvent reports whether two event titles are one event's.
func sameEvent(a, b string) bool { return strings.EqualFold(a, b) }

// awsEvents splits one service's items into events.
func awsEvents(items []awsItem) []observe.Incident {
	slices.SortStableFunc(items, func(a, b awsItem) int { return a.at.Compare(b.at) })
	var events []observe.Incident
	var open *observe.Incident // the event the next item may continue
	for _, it := range items {
		switch {
		case open == nil, !sameEvent(open.Title, it.title):
			if open != nil && !open.Resolved() {
				// A new title while the last event is open: AWS moved on
				// to another event, and the last one is over.
				open.Status, open.ResolvedAt = "resolved", it.at
			}
			events = append(events, observe.Incident{
				ID:         it.key,
				Title:      it.title,
				URL:        it.link,
				StartedAt:  it.at,
				Components: appendUnique(nil, it.service),
			})
			open = &events[len(events)-1]
		case open.Resolved() && !it.resolved:
			// The same title again after it was resolved: it came back.
			events = append(events, observe.Incident{
				ID: it.key, Title: it.title, URL: it.link, StartedAt: it.at, Components: appendUnique(nil, it.service),
			})
			open = &events[len(events)-1]
		}
		status := "investigating"
		if it.resolved {
			status = "resolved"
		}
		open.Updates = append(open.Updates, observe.Update{Status: status, Body: it.body, At: it.at})
		open.UpdatedAt = it.at
		open.Impact = worstImpact(open.Impact, it.impact)
		switch {
		case it.resolved:
			if !open.Resolved() {
				open.Status, open.ResolvedAt = "resolved", it.at
			}
		default:
			open.Status, open.ResolvedAt = status, time.Time{}
		}
	}
	for i := range events {
		in := &events[i]
		sortUpdates(in.Updates)
		in.LatestUpdate = termtext.Line(in.Updates[0].Body)
		if in.Impact == "" {
			in.Impact = "none" // resolved as soon as it was posted
		}
	}
	return events
}

// worstImpact is the more severe of two impacts.
func worstImpact(a, b string) string {
	sa, sb := observe.ImpactState(a), observe.ImpactState(b)
	if !sa.Known() {
		return b
	}
	if !sb.Known() {
		return a
	}
	return cmp.Or(impactOf(observe.Worst(sa, sb)), a)
}
