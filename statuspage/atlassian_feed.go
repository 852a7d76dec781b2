package statuspage

import (
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// feedZoneSlack is how far an entry's exact time may be from its newest
// printed update for the entry to decide what an ambiguous zone
// abbreviation means (an edit moves the entry's time a little).
const feedZoneSlack = 20 * time.Minute

// statuspageItem reads an Atlassian Statuspage history entry: every update
// of the incident inside, newest first, as
// <p><small>Sep 3, 17:11 UTC</small><br><strong>Resolved</strong> - text</p>.
// The printed times are in the page's zone; the entry's own time (Atom
// <updated>, RSS <pubDate>, exact instants) gives their year and, for an
// ambiguous abbreviation such as CST or IST, which zone it is.
func statuspageItem(it *gofeed.Item) feedEvent {
	published, updated := itemTimes(it)
	in := observe.Incident{
		ID:        itemID(it, spIncidentLink()),
		Title:     termtext.Line(HTMLText(it.Title)),
		URL:       cleanURL(it.Link),
		StartedAt: published,
		UpdatedAt: updated,
	}
	in.Updates = statuspageUpdates(itemBody(it), updated)
	sortUpdates(in.Updates)
	for _, u := range in.Updates {
		if u.Status != "" && u.Status != "update" {
			in.Status = u.Status
			break
		}
	}
	if len(in.Updates) > 0 {
		in.LatestUpdate = termtext.Line(in.Updates[0].Body)
		if at := in.Updates[len(in.Updates)-1].At; !at.IsZero() {
			in.StartedAt = at
		}
		if at := in.Updates[0].At; !at.IsZero() {
			in.UpdatedAt = at
		}
	}
	if in.Status == "" {
		in.Status = inferStatus(in.Title, in.LatestUpdate)
	}
	if isMaintenanceStatus(in.Status) {
		return feedEvent{maintenance: &observe.Maintenance{ID: in.ID, Title: in.Title, Status: maintStatus(in.Status), URL: in.URL}}
	}
	if in.Resolved() && len(in.Updates) > 0 {
		in.ResolvedAt = in.Updates[0].At
	}
	return feedEvent{incident: in}
}

// feedUpdate is one update of a history entry as printed.
type feedUpdate struct{ label, text, when string }

// statuspageUpdates splits a Statuspage history body into its updates.
// Their printed times are read in the zone the body prints, with the year
// and an ambiguous zone's meaning taken from ref, the entry's time.
func statuspageUpdates(body string, ref time.Time) []observe.Update {
	if !strings.Contains(body, "<") {
		return nil
	}
	var printed []feedUpdate
	for _, part := range strings.Split(body, "</p>") {
		small, rest, ok := cutTag(part, "small")
		if !ok {
			continue
		}
		label, text, ok := cutTag(rest, "strong")
		if !ok {
			continue
		}
		printed = append(printed, feedUpdate{label: label, text: text, when: HTMLText(small)})
	}
	clock := pageClock{ref: ref}
	if len(printed) > 0 {
		// The body is newest first; the entry's time is its newest update's.
		clock.learn(printed[0].when, ref, feedZoneSlack)
	}
	out := make([]observe.Update, 0, len(printed))
	for _, p := range printed {
		text := strings.TrimSpace(HTMLText(p.text))
		text = strings.TrimSpace(strings.TrimPrefix(text, "-"))
		out = append(out, observe.Update{
			Status: lowerStatus(HTMLText(p.label)),
			Body:   text,
			At:     clock.at(p.when),
		})
	}
	return out
}

// cutTag returns the inner HTML of the first <tag>…</tag> in s and what
// follows it.
func cutTag(s, tag string) (inner, after string, ok bool) {
	i := strings.Index(s, "<"+tag)
	if i < 0 {
		return "", "", false
	}
	j := strings.Index(s[i:], ">")
	if j < 0 {
		return "", "", false
	}
	start := i + j + 1
	k := strings.Index(s[start:], "</"+tag+">")
	if k < 0 {
		return "", "", false
	}
	return s[start : start+k], s[start+k+len(tag)+3:], true
}

// statuspageDate reads "Sep 3, 17:11 UTC" as an instant, in the year of
// ref (the year before when that would put it after ref), with the zone
// abbreviation's usual offset (pageClock).
func statuspageDate(s string, ref time.Time) time.Time {
	return pageClock{ref: ref}.at(s)
}
