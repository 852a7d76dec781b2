package statuspage

import (
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// The Atlassian Statuspage home page, as its HTML shows it: the page's
// indicator, its components, the unresolved incidents with every update,
// the maintenances in progress (shown among the incidents) and those
// scheduled. Times are printed in the page's zone without a year
// ("Jan 5, 08:05 CET"); the page gives their year by the time it was
// rendered (<meta name="issued">, else its first day of history), and
// the offsets of its zone where it prints a time beside its Unix time
// (a scheduled maintenance's data-unix-time).

var spYearDate = lazyregexp.New(`([A-Z][a-z]{2})\s+(\d{1,2}),\s+(\d{4})`)

// readStatuspageHTML reads an Atlassian Statuspage home page.
func readStatuspageHTML(doc *goquery.Document) *observe.Status {
	st := &observe.Status{State: IndicatorState(pageIndicator(doc))}
	st.Description = termtext.Line(doc.Find(".page-status .status").First().Text())
	doc.Find(".component-inner-container[data-component-status]").Each(func(_ int, c *goquery.Selection) {
		if c.Is("[data-js-hook=component-group-opener]") {
			return // a group takes its children's state; list the children
		}
		comp := observe.Component{Name: htmlName(c), State: ComponentState(c.AttrOr("data-component-status", ""))}
		if g := c.Closest(".component-container.is-group"); g.Length() > 0 {
			comp.Group = htmlName(g.Find("[data-js-hook=component-group-opener]").First())
		}
		st.Components = append(st.Components, comp)
	})

	clock := htmlClock(doc)
	doc.Find(".unresolved-incident").Each(func(_ int, s *goquery.Selection) {
		in := htmlIncident(s, clock)
		if m, ok := htmlActiveMaintenance(s, in); ok {
			st.Maintenances = append(st.Maintenances, m)
			return
		}
		st.Incidents = append(st.Incidents, in)
	})
	attributeMaintenance(st)
	doc.Find(".scheduled-maintenance").Each(func(_ int, s *goquery.Selection) {
		st.Maintenances = append(st.Maintenances, htmlScheduled(s, clock))
	})
	// The indicator is the page's verdict, as in the API (atlassian.go):
	// it stands whatever a few of its components say. Only a page that
	// shows no indicator falls back on its worst component.
	if !st.State.Known() && len(st.Components) > 0 {
		st.State = worstComponent(st.Components)
	}
	st.Claims = st.State.Known()
	if st.Description == "" {
		st.Description = describeState(st.State)
	}
	return st
}

// htmlClock is the page's clock: its "now" and the zone offsets it shows.
func htmlClock(doc *goquery.Document) pageClock {
	var c pageClock
	if sec, err := strconv.ParseInt(strings.TrimSpace(doc.Find(`meta[name="issued"]`).AttrOr("content", "")), 10, 64); err == nil && sec > 0 {
		c.ref = time.Unix(sec, 0).UTC()
	} else if m := spYearDate().FindStringSubmatch(strings.Join(strings.Fields(doc.Find(".status-day .date").First().Text()), " ")); m != nil {
		// The first day of the history list is the page's own today;
		// its end, in the zone furthest east, bounds what it prints.
		if t, err := time.Parse("Jan 2 2006", m[1]+" "+m[2]+" "+m[3]); err == nil {
			c.ref = t.Add(24*time.Hour - time.Second)
		}
	}
	doc.Find("[data-unix-time], [data-datetime-unix]").Each(func(_ int, s *goquery.Selection) {
		raw := s.AttrOr("data-unix-time", s.AttrOr("data-datetime-unix", ""))
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil || n <= 0 {
			return
		}
		at := time.Unix(n, 0)
		if n > 1e11 { // milliseconds
			at = time.UnixMilli(n)
		}
		c.learn(s.Text(), at.UTC(), time.Minute)
	})
	return c
}

// htmlIncident reads one .unresolved-incident block.
func htmlIncident(s *goquery.Selection, clock pageClock) observe.Incident {
	in := observe.Incident{}
	for _, imp := range []string{"none", "minor", "major", "critical", "maintenance"} {
		if s.HasClass("impact-" + imp) {
			in.Impact = imp
		}
	}
	title := s.Find(".actual-title, .incident-title a").First()
	in.Title = termtext.Line(title.Text())
	if href, ok := title.Attr("href"); ok {
		in.URL = termtext.Line(href)
		if m := spIncidentLink().FindStringSubmatch(in.URL); m != nil {
			in.ID = m[1]
		}
	}
	s.Find(".update").Each(func(_ int, u *goquery.Selection) {
		label := termtext.Line(u.Find("strong").First().Text())
		when := clock.at(u.Find("small").First().Text())
		in.Updates = append(in.Updates, observe.Update{Status: lowerStatus(label), Body: htmlUpdateText(u), At: when})
	})
	in.Components = htmlAffected(s)
	sortUpdates(in.Updates)
	for _, u := range in.Updates {
		if u.Status != "" && u.Status != "update" {
			in.Status = u.Status
			break
		}
	}
	if in.Status == "" {
		in.Status = "investigating"
	}
	if n := len(in.Updates); n > 0 {
		in.LatestUpdate = termtext.Line(in.Updates[0].Body)
		in.UpdatedAt, in.StartedAt = in.Updates[0].At, in.Updates[n-1].At
	}
	return in
}

// htmlUpdateText is an update's text without its status label and time,
// its line breaks (<br>, paragraphs, list items) kept as line breaks so
// sentences and links never run together.
func htmlUpdateText(u *goquery.Selection) string {
	body := u.Clone()
	body.Find("strong, small").First().Remove()
	body.Find("small").Remove()
	h, err := body.Html()
	if err != nil {
		return ""
	}
	text := strings.TrimSpace(HTMLText(h))
	return termtext.Text(strings.TrimSpace(strings.TrimPrefix(text, "-")))
}

// htmlAffected reads a block's "This incident affects: API (Search,
// Git) and Web." line, when the page prints one: the components'
// names, each once, then their groups' once.
func htmlAffected(s *goquery.Selection) []string {
	line := termtext.Line(s.Find(".components-affected").First().Text())
	if line == "" {
		return nil
	}
	if i := strings.Index(line, ":"); i >= 0 {
		line = line[i+1:]
	}
	line = strings.TrimSuffix(strings.TrimSpace(line), ".")
	var names, groups []string
	for _, part := range splitAffected(line) {
		if m := ioComponent().FindStringSubmatch(part); m != nil {
			for _, c := range strings.Split(m[2], ",") {
				names = appendUnique(names, strings.TrimSpace(c))
			}
			groups = appendUnique(groups, strings.TrimSpace(m[1]))
			continue
		}
		names = appendUnique(names, part)
	}
	for _, g := range groups {
		names = appendUnique(names, g)
	}
	return names
}

// splitAffected splits "A (x, y), B and C" at the commas and "and"s
// outside parentheses.
func splitAffected(s string) []string {
	var out []string
	depth, start := 0, 0
	flush := func(end int) {
		if p := strings.TrimSpace(s[start:end]); p != "" {
			out = append(out, p)
		}
	}
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '(':
			depth++
		case s[i] == ')' && depth > 0:
			depth--
		case depth == 0 && s[i] == ',':
			flush(i)
			start = i + 1
		case depth == 0 && strings.HasPrefix(s[i:], " and "):
			flush(i)
			start = i + 5
			i += 4
		}
	}
	flush(len(s))
	return out
}

// htmlActiveMaintenance reads an unresolved block that is a maintenance
// (impact-maintenance, or updates labelled "In progress", "Verifying"):
// Statuspage lists a maintenance among the incidents while it runs.
func htmlActiveMaintenance(s *goquery.Selection, in observe.Incident) (observe.Maintenance, bool) {
	status := maintStatus(in.Status)
	if status == "" && in.Impact != "maintenance" {
		return observe.Maintenance{}, false
	}
	if status == "" || status == "scheduled" {
		status = "in_progress" // it is listed as unresolved: it has begun
	}
	m := observe.Maintenance{ID: in.ID, Title: in.Title, Status: status, URL: in.URL, Components: in.Components}
	// It began with its first "In progress" update, else its first.
	for i := len(in.Updates) - 1; i >= 0; i-- {
		if in.Updates[i].Status == "in_progress" {
			m.StartsAt = in.Updates[i].At
			break
		}
	}
	if m.StartsAt.IsZero() && len(in.Updates) > 0 {
		m.StartsAt = in.Updates[len(in.Updates)-1].At
	}
	return m, true
}

// htmlScheduled reads a .scheduled-maintenance block: its title and link,
// and its window, printed as "Jan 30, 22:00 - Jan 31, 06:00 CET" or
// "Jan 24, 00:00-03:00 UTC" beside the start's Unix time.
func htmlScheduled(s *goquery.Selection, clock pageClock) observe.Maintenance {
	title := s.Find(".incident-title a").First()
	m := observe.Maintenance{Status: "scheduled", Title: termtext.Line(title.AttrOr("title", ""))}
	if m.Title == "" {
		m.Title = termtext.Line(title.Text())
	}
	if href, ok := title.Attr("href"); ok {
		m.URL = termtext.Line(href)
		if sm := spIncidentLink().FindStringSubmatch(m.URL); sm != nil {
			m.ID = sm[1]
		}
	}
	window := s.Find(".incident-title small").First()
	clock.ahead = true // a scheduled window is to come
	m.StartsAt, m.EndsAt = htmlWindow(window.Text(), clock)
	if n, err := strconv.ParseInt(strings.TrimSpace(window.AttrOr("data-unix-time", "")), 10, 64); err == nil && n > 0 {
		start := time.Unix(n, 0).UTC()
		if !m.EndsAt.IsZero() && !m.StartsAt.IsZero() {
			m.EndsAt = start.Add(m.EndsAt.Sub(m.StartsAt))
		}
		m.StartsAt = start
	}
	m.Components = htmlAffected(s)
	return m
}

// spWindowText matches a maintenance window: a start "Mon D, HH:MM",
// then "- Mon D, HH:MM" or "-HH:MM", then the zone.
var spWindowText = lazyregexp.New(`^([A-Z][a-z]{2}\s+\d{1,2}),\s+(\d{1,2}:\d{2})\s*-\s*(?:([A-Z][a-z]{2}\s+\d{1,2}),\s+)?(\d{1,2}:\d{2})\s*(\S+)`)

// htmlWindow reads a maintenance window as two instants, either zero
// when it cannot be read. The end is never before the start: a window
// printed "22:00-02:00" ends the next day.
func htmlWindow(text string, clock pageClock) (start, end time.Time) {
	m := spWindowText().FindStringSubmatch(strings.Join(strings.Fields(text), " "))
	if m == nil {
		return clock.at(text), time.Time{}
	}
	endDay := m[3]
	if endDay == "" {
		endDay = m[1]
	}
	start = clock.at(m[1] + ", " + m[2] + " " + m[5])
	end = clock.at(endDay + ", " + m[4] + " " + m[5])
	if !start.IsZero() && !end.IsZero() {
		for end.Before(start) {
			end = end.Add(24 * time.Hour)
		}
	}
	return start, end
}

// attributeMaintenance names the components a lone maintenance in
// progress affects when the page does not print them: those the page
// shows under maintenance while it runs. With two or more in progress,
// which covers which cannot be told, and none is named.
func attributeMaintenance(st *observe.Status) {
	if len(st.Maintenances) != 1 || len(st.Maintenances[0].Components) > 0 {
		return
	}
	for _, c := range st.Components {
		if c.State == observe.UnderMaintenance {
			st.Maintenances[0].Components = appendUnique(st.Maintenances[0].Components, c.Name)
		}
	}
}
