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
	spIncidentLink = regexp.MustCompile(`/incidents/([A-Za-z0-9]+)/?$`)
	bsIncidentLink = regexp.MustCompile(`/incident/([0-9A-Za-z]+)/?$`)
	ioStatusLine   = regexp.MustCompile(`(?i)<b>\s*Status:\s*([^<]+)</b>`)
	ioComponent    = regexp.MustCompile(`^(.*\S)\s*\(([^()]+)\)$`)
	spDateText     = regexp.MustCompile(`([A-Z][a-z]{2})\s+(\d{1,2}),\s+(\d{1,2}:\d{2})\s*([A-Z]{2,5})`)
)

// parseFeed reads an RSS, Atom or JSON feed.
func parseFeed(data []byte) (*Status, error) {
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
	f, err := gofeed.NewParser().Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: want %s, got a malformed feed: %s", ErrWrongFormat, want, CleanLine(err.Error()))
	}
	st := &Status{State: Unknown, PageURL: strings.TrimRight(CleanLine(f.Link), "/")}
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
		st.State, st.Claims = Operational, true
		for _, in := range st.Open() {
			s := ImpactState(in.Impact)
			if !s.Known() {
				s = Degraded
			}
			st.State = Worst(st.State, s)
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
		case ioStatusLine.MatchString(body):
			return incidentioFeed
		case strings.Contains(body, "data-var='date'") || strings.Contains(body, `data-var="date"`):
			return statuspageFeed
		case bsIncidentLink.MatchString(it.Link) && strings.Contains(it.GUID, "#"):
			return betterstackFeed
		}
	}
	return genericFeed
}

// feedEvent is one feed item read as an incident or a maintenance.
type feedEvent struct {
	incident    Incident
	maintenance *Maintenance
}

func addFeedEvent(st *Status, ev feedEvent) {
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
		return CleanLine(it.GUID)
	}
	return CleanLine(it.Link)
}

// cleanURL tidies a remote link; incident.io writes "//incidents".
func cleanURL(s string) string {
	s = CleanLine(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[:i+3] + strings.ReplaceAll(s[i+3:], "//", "/")
	}
	return s
}

func isMaintenanceStatus(s string) bool {
	switch s {
	case "scheduled", "in_progress", "verifying", "completed", "maintenance_scheduled", "maintenance_in_progress", "maintenance_complete":
		return true
	}
	return false
}

// statuspageItem reads an Atlassian Statuspage history entry: every update
// of the incident inside, newest first, as
// <p><small>Sep 3, 17:11 UTC</small><br><strong>Resolved</strong> - text</p>.
func statuspageItem(it *gofeed.Item) feedEvent {
	published, updated := itemTimes(it)
	in := Incident{
		ID:        itemID(it, spIncidentLink),
		Title:     CleanLine(HTMLText(it.Title)),
		URL:       cleanURL(it.Link),
		StartedAt: published,
		UpdatedAt: updated,
	}
	ref := updated
	for _, u := range statuspageUpdates(itemBody(it), ref) {
		in.Updates = append(in.Updates, u)
	}
	sortUpdates(in.Updates)
	for _, u := range in.Updates {
		if u.Status != "" && u.Status != "update" {
			in.Status = u.Status
			break
		}
	}
	if len(in.Updates) > 0 {
		in.LatestUpdate = CleanLine(in.Updates[0].Body)
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
		return feedEvent{maintenance: &Maintenance{ID: in.ID, Title: in.Title, Status: in.Status, URL: in.URL}}
	}
	if in.Resolved() && len(in.Updates) > 0 {
		in.ResolvedAt = in.Updates[0].At
	}
	return feedEvent{incident: in}
}

// statuspageUpdates splits a Statuspage history body into its updates.
// The dates have no year; it is taken from ref, the entry's time.
func statuspageUpdates(body string, ref time.Time) []Update {
	if !strings.Contains(body, "<") {
		return nil
	}
	var out []Update
	for _, part := range strings.Split(body, "</p>") {
		small, rest, ok := cutTag(part, "small")
		if !ok {
			continue
		}
		label, text, ok := cutTag(rest, "strong")
		if !ok {
			continue
		}
		text = strings.TrimSpace(HTMLText(text))
		text = strings.TrimSpace(strings.TrimPrefix(text, "-"))
		out = append(out, Update{
			Status: lowerStatus(HTMLText(label)),
			Body:   text,
			At:     statuspageDate(HTMLText(small), ref),
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

// statuspageDate reads "Sep 3, 17:11 UTC" in the year of ref (the year
// before when that would put it after ref).
func statuspageDate(s string, ref time.Time) time.Time {
	m := spDateText.FindStringSubmatch(strings.Join(strings.Fields(s), " "))
	if m == nil || ref.IsZero() {
		return time.Time{}
	}
	t, err := time.Parse("Jan 2 15:04 MST 2006", fmt.Sprintf("%s %s %s %s %d", m[1], m[2], m[3], m[4], ref.Year()))
	if err != nil {
		return time.Time{}
	}
	t = t.UTC()
	if t.After(ref.Add(48 * time.Hour)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t
}

// incidentioItem reads an incident.io feed entry: the incident's current
// state only, "<b>Status: Resolved</b>", the latest text and a list of
// affected components with their states.
func incidentioItem(it *gofeed.Item) feedEvent {
	published, updated := itemTimes(it)
	body := itemBody(it)
	in := Incident{
		ID:        itemID(it, spIncidentLink),
		Title:     CleanLine(HTMLText(it.Title)),
		URL:       cleanURL(it.Link),
		StartedAt: published,
		UpdatedAt: updated,
	}
	if m := ioStatusLine.FindStringSubmatch(body); m != nil {
		in.Status = lowerStatus(HTMLText(m[1]))
	}
	text := ioStatusLine.ReplaceAllString(body, "")
	var comps string
	if i := strings.Index(strings.ToLower(text), "<b>affected components</b>"); i >= 0 {
		text, comps = text[:i], text[i:]
	}
	worst := Unknown
	for _, line := range strings.Split(HTMLText(comps), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		m := ioComponent.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		in.Components = appendUnique(in.Components, CleanLine(m[1]))
		if s := stateWord(m[2]); s != Operational {
			worst = Worst(worst, s)
		}
	}
	in.Impact = impactOf(worst)
	latest := strings.TrimSpace(HTMLText(text))
	if latest != "" {
		in.Updates = []Update{{Status: in.Status, Body: latest, At: updated}}
		in.LatestUpdate = CleanLine(latest)
	}
	if in.Status == "" {
		in.Status = inferStatus(in.Title, latest)
	}
	if isMaintenanceStatus(in.Status) {
		st := strings.TrimPrefix(strings.Replace(in.Status, "complete", "completed", 1), "maintenance_")
		st = strings.Replace(st, "completedd", "completed", 1)
		return feedEvent{maintenance: &Maintenance{ID: in.ID, Title: in.Title, Status: st, URL: in.URL, Components: in.Components}}
	}
	if in.Resolved() {
		in.ResolvedAt = updated
	}
	return feedEvent{incident: in}
}

// betterstackItems groups a Better Stack feed, which has one item per
// update, into incidents by their /incident/<id> link.
func betterstackItems(items []*gofeed.Item) []Incident {
	var order []string
	byID := map[string]*Incident{}
	for _, it := range items {
		id := itemID(it, bsIncidentLink)
		published, _ := itemTimes(it)
		in, ok := byID[id]
		if !ok {
			link := cleanURL(it.Link)
			if link == "" {
				link, _, _ = strings.Cut(cleanURL(it.GUID), "#")
			}
			in = &Incident{ID: id, URL: link}
			byID[id] = in
			order = append(order, id)
		}
		title := CleanLine(HTMLText(it.Title))
		body := MarkdownText(itemBody(it))
		in.Updates = append(in.Updates, Update{Status: inferStatus(title, body), Body: body, At: published})
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
	out := make([]Incident, 0, len(order))
	for _, id := range order {
		in := byID[id]
		sortUpdates(in.Updates)
		in.LatestUpdate = CleanLine(in.Updates[0].Body)
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

// awsItems reads AWS's Service Health Dashboard feed. Each item is an
// update about one service in one region ("#ec2-us-east-1_1640371277");
// its title's prefix is the state: "Service is operating normally",
// "Informational message", "Performance issues", "Service disruption".
func awsItems(items []*gofeed.Item) []Incident {
	var order []string
	byKey := map[string]*Incident{}
	for _, it := range items {
		key := it.GUID
		if i := strings.LastIndex(key, "#"); i >= 0 {
			key = key[i+1:]
		}
		service := key
		if i := strings.LastIndex(key, "_"); i > 0 {
			service = key[:i]
		}
		published, _ := itemTimes(it)
		prefix, title, found := strings.Cut(CleanLine(it.Title), ": ")
		if !found {
			prefix, title = "", prefix
		}
		in, ok := byKey[service]
		if !ok {
			in = &Incident{ID: CleanLine(key), URL: cleanURL(it.Link), Components: appendUnique(nil, CleanLine(service))}
			byKey[service] = in
			order = append(order, service)
		}
		status, impact := awsState(prefix, title)
		in.Updates = append(in.Updates, Update{Status: status, Body: HTMLText(itemBody(it)), At: published})
		if in.Title == "" || !published.Before(in.UpdatedAt) {
			in.Title = strings.TrimSpace(strings.TrimPrefix(title, "[RESOLVED]"))
			in.UpdatedAt, in.Status, in.Impact = published, status, impact
		}
		if in.StartedAt.IsZero() || published.Before(in.StartedAt) {
			in.StartedAt = published
		}
	}
	out := make([]Incident, 0, len(order))
	for _, k := range order {
		in := byKey[k]
		sortUpdates(in.Updates)
		in.LatestUpdate = CleanLine(in.Updates[0].Body)
		if in.Resolved() {
			in.ResolvedAt = in.UpdatedAt
		}
		out = append(out, *in)
	}
	return out
}

func awsState(prefix, title string) (status, impact string) {
	p := strings.ToLower(prefix)
	if strings.Contains(strings.ToUpper(title), "[RESOLVED]") || strings.Contains(p, "operating normally") {
		return "resolved", "none"
	}
	switch {
	case strings.Contains(p, "informational"):
		return "investigating", "none"
	case strings.Contains(p, "performance"):
		return "investigating", impactOf(Degraded)
	case strings.Contains(p, "disruption"):
		return "investigating", impactOf(PartialOutage)
	case strings.Contains(p, "outage"):
		return "investigating", impactOf(MajorOutage)
	}
	return "investigating", impactOf(Degraded)
}

// microsoftItem reads an Azure or Microsoft 365 status item: an issue that
// is current, with a <status> word on Microsoft 365.
func microsoftItem(it *gofeed.Item, kind feedKind) Incident {
	published, updated := itemTimes(it)
	body := HTMLText(itemBody(it))
	in := Incident{
		ID:        CleanLine(it.GUID),
		Title:     CleanLine(HTMLText(it.Title)),
		URL:       cleanURL(it.Link),
		StartedAt: published,
		UpdatedAt: updated,
	}
	if in.ID == "" {
		in.ID = in.URL
	}
	if body != "" {
		in.Updates = []Update{{Body: body, At: updated}}
		in.LatestUpdate = CleanLine(body)
	}
	state := Degraded // Azure gives no severity: an item is a problem
	if kind == m365Feed {
		state = stateWord(it.Custom["status"])
		if !state.Known() {
			state = Degraded
		}
		in.Updates[0].Status = lowerStatus(it.Custom["status"])
	}
	in.Status = "investigating"
	if state == Operational || inferStatus(in.Title) == "resolved" {
		in.Status, in.ResolvedAt = "resolved", updated
	}
	in.Impact = impactOf(state)
	return in
}

// genericItem reads an item of any other feed: one incident per item,
// with a status only when its words say so.
func genericItem(it *gofeed.Item) Incident {
	published, updated := itemTimes(it)
	body := MarkdownText(itemBody(it))
	in := Incident{
		ID:        CleanLine(it.GUID),
		Title:     CleanLine(HTMLText(it.Title)),
		URL:       cleanURL(it.Link),
		StartedAt: published,
		UpdatedAt: updated,
	}
	if in.ID == "" {
		in.ID = in.URL
	}
	in.Status = inferStatus(in.Title, firstLine(body))
	if body != "" {
		in.Updates = []Update{{Status: in.Status, Body: body, At: updated}}
		in.LatestUpdate = CleanLine(body)
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

// trimResolved keeps every incident that is not resolved and the latest
// few that are (incidents are newest first).
func trimResolved(in []Incident) []Incident {
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

// DropStale removes the incidents whose status a feed did not state (a
// generic feed item with no status words) once they are older than
// maxAge at now: a feed is history, and an item nobody updated for that
// long is not an ongoing incident. Incidents with a status are kept.
func (s *Status) DropStale(now time.Time, maxAge time.Duration) {
	if s == nil {
		return
	}
	out := s.Incidents[:0]
	for _, in := range s.Incidents {
		last := in.UpdatedAt
		if last.IsZero() {
			last = in.StartedAt
		}
		if in.Status == "" && (last.IsZero() || now.Sub(last) > maxAge) {
			continue
		}
		out = append(out, in)
	}
	s.Incidents = out
}
