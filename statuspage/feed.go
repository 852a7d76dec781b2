package statuspage

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/mmcdole/gofeed"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Feeds (RSS, Atom, JSON Feed) are read through gofeed. Most are incident
// history: they add incidents but cannot say the vendor is operational, so
// their Status.Claims is false. Three are the state itself and claim it:
// AWS's and Azure's feeds list what is wrong now and are empty when all is
// well, and Microsoft 365's carries a <status> per item.

// feedKind is the platform behind a feed, which decides how its items
// become incidents.
type feedKind int

const (
	genericFeed feedKind = iota
	statuspageFeed
	incidentioFeed
	betterstackFeed
	awsFeed
	azureFeed
	m365Feed
)

var (
	spIncidentLink = lazyregexp.New(`/incidents/([A-Za-z0-9]+)/?$`)
	bsIncidentLink = lazyregexp.New(`/incident/([0-9A-Za-z]+)/?$`)
	ioStatusLine   = lazyregexp.New(`(?i)<b>\s*Status:\s*([^<]+)</b>`)
	ioComponent    = lazyregexp.New(`^(.*\S)\s*\(([^()]+)\)$`)
)

// parseFeed reads an RSS, Atom or JSON feed.
func parseFeed(data []byte) (*observe.Status, error) {
	const want = "an RSS or Atom feed"
	b := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(b) == 0 || (looksHTML(b) && !looksXML(b)) {
		return nil, wrongFormat(want, data)
	}
	if b[0] == '{' || b[0] == '[' {
		if !bytes.Contains(b[:min(len(b), 512)], []byte("jsonfeed.org")) {
			return nil, wrongFormat(want, data)
		}
	}
	// Escape sequences cannot be part of a valid feed; the XML reader would
	// drop their ESC and leave the rest as text, so remove them whole first.
	if bytes.IndexByte(b, 0x1b) >= 0 || bytes.Contains(b, []byte("\xc2\x9b")) {
		b = []byte(ansi.Strip(string(b)))
	}
	f, err := feedParser().Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: want %s, got a malformed feed: %s", ErrWrongFormat, want, termtext.Line(err.Error()))
	}
	st := &observe.Status{State: observe.Unknown, PageURL: strings.TrimRight(termtext.Line(f.Link), "/")}
	kind := feedFlavour(f)
	switch kind {
	case statuspageFeed:
		for _, it := range f.Items {
			addFeedEvent(st, statuspageItem(it))
		}
	case incidentioFeed:
		for _, it := range f.Items {
			addFeedEvent(st, incidentioItem(it))
		}
	case betterstackFeed:
		for _, in := range betterstackItems(f.Items) {
			addFeedEvent(st, feedEvent{incident: in})
		}
	case awsFeed:
		st.Incidents = awsItems(f.Items)
	case azureFeed, m365Feed:
		for _, it := range f.Items {
			st.Incidents = append(st.Incidents, microsoftItem(it, kind))
		}
	default:
		for _, it := range f.Items {
			st.Incidents = append(st.Incidents, genericItem(it))
		}
	}
	sortIncidents(st.Incidents)
	st.Incidents = trimResolved(st.Incidents)
	if kind == awsFeed || kind == azureFeed || kind == m365Feed {
		st.State, st.Claims = observe.Operational, true
		for _, in := range st.Open() {
			s := observe.ImpactState(in.Impact)
			if !s.Known() {
				s = observe.Degraded
			}
			st.State = observe.Worst(st.State, s)
		}
		st.Description = describeState(st.State)
	}
	return st, nil
}

// feedFlavour recognises the platform that wrote a feed.
func feedFlavour(f *gofeed.Feed) feedKind {
	host := func(raw string) string {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil {
			return ""
		}
		return strings.ToLower(u.Hostname())
	}
	h := host(f.Link)
	gen := strings.ToLower(f.Generator)
	switch {
	case strings.Contains(gen, "aws service health") || h == "status.aws.amazon.com" || h == "health.aws.amazon.com":
		return awsFeed
	case strings.HasSuffix(h, "azure.status.microsoft") || strings.Contains(h, "azurestatus") || strings.EqualFold(strings.TrimSpace(f.Title), "Azure Status"):
		return azureFeed
	case gen == "incident.io":
		return incidentioFeed
	case strings.HasPrefix(strings.TrimSpace(f.Title), "Incidents reported on status page for"):
		return betterstackFeed
	}
	for _, it := range f.Items {
		body := it.Content + it.Description
		switch {
		case it.Custom["status"] != "":
			return m365Feed
		case ioStatusLine().MatchString(body):
			return incidentioFeed
		case strings.Contains(body, "data-var='date'") || strings.Contains(body, `data-var="date"`):
			return statuspageFeed
		case bsIncidentLink().MatchString(it.Link) && strings.Contains(it.GUID, "#"):
			return betterstackFeed
		}
	}
	return genericFeed
}

// feedEvent is one feed item read as an incident or a maintenance.
type feedEvent struct {
	incident    observe.Incident
	maintenance *observe.Maintenance
}

func addFeedEvent(st *observe.Status, ev feedEvent) {
	if ev.maintenance != nil {
		st.Maintenances = append(st.Maintenances, *ev.maintenance)
		return
	}
	st.Incidents = append(st.Incidents, ev.incident)
}

// itemBody is an item's fullest text: its content, else its description.
func itemBody(it *gofeed.Item) string {
	if strings.TrimSpace(it.Content) != "" {
		return it.Content
	}
	return it.Description
}

func itemTimes(it *gofeed.Item) (published, updated time.Time) {
	if it.PublishedParsed != nil {
		published = it.PublishedParsed.UTC()
	}
	if it.UpdatedParsed != nil {
		updated = it.UpdatedParsed.UTC()
	}
	if updated.IsZero() {
		updated = published
	}
	if published.IsZero() {
		published = updated
	}
	return published, updated
}

// itemID is the incident id a page's JSON would use when the link names
// it, else the guid or the link.
func itemID(it *gofeed.Item, link *regexp.Regexp) string {
	for _, s := range []string{it.Link, it.GUID} {
		if m := link.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
			return m[1]
		}
	}
	if it.GUID != "" {
		return termtext.Line(it.GUID)
	}
	return termtext.Line(it.Link)
}

// cleanURL tidies a remote link; incident.io writes "//incidents".
func cleanURL(s string) string {
	s = termtext.Line(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[:i+3] + strings.ReplaceAll(s[i+3:], "//", "/")
	}
	return s
}

func isMaintenanceStatus(s string) bool { return maintStatus(s) != "" }

// maintStatus maps a maintenance status word of any platform to the
// Statuspage one (scheduled, in_progress, verifying, completed), or "".
func maintStatus(s string) string {
	switch strings.TrimPrefix(s, "maintenance_") {
	case "scheduled", "not_started_yet", "notstartedyet":
		return "scheduled"
	case "in_progress", "inprogress":
		return "in_progress"
	case "verifying":
		return "verifying"
	case "completed", "complete":
		return "completed"
	}
	return ""
}

// trimResolved keeps every incident that is not resolved and the latest
// few that are (incidents are newest first).
func trimResolved(in []observe.Incident) []observe.Incident {
	out := in[:0]
	resolved := 0
	for _, i := range in {
		if i.Resolved() {
			if resolved >= keepResolved {
				continue
			}
			resolved++
		}
		out = append(out, i)
	}
	return out
}

// DropStale removes the incidents a feed still shows as open but nobody
// has updated for a while: a feed is history, and its platform may never
// post a "resolved" item vendorwatch recognises. An item whose status the
// feed does not state at all goes after unstated; one with a status
// (investigating, monitoring, …) after stated. Resolved incidents stay.
func DropStale(s *observe.Status, now time.Time, unstated, stated time.Duration) {
	if s == nil {
		return
	}
	out := s.Incidents[:0]
	for _, in := range s.Incidents {
		last := in.UpdatedAt
		if last.IsZero() {
			last = in.StartedAt
		}
		maxAge := stated
		if in.Status == "" {
			maxAge = unstated
		}
		if !in.Resolved() && (last.IsZero() || now.Sub(last) > maxAge) {
			continue
		}
		out = append(out, in)
	}
	s.Incidents = out
}

// feedParser is a feed parser that does not look for an image in each RSS
// item's HTML: gofeed's default parses every description and content whole
// to find one, which nothing here reads (a fifth of the HTML parsed in a
// check of 5,000 vendors).
func feedParser() *gofeed.Parser {
	p := gofeed.NewParser()
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	return p
}
