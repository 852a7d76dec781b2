package statuspage

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

func mustParse(t *testing.T, f Format, file string) *observe.Status {
	t.Helper()
	st, err := Parse(f, readFixture(t, file))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// VAPI's page during the 2026-05-21 outage: the report, its updates and
// the affected services come through; the resolved March report is
// history, not an open incident.
func TestBetterStackVAPIOutage(t *testing.T) {
	st := mustParse(t, BetterStack, "vapi__betterstack_index_outage_2026-05-21_reconstructed.json")
	if st.PageURL != "https://status.vapi.ai" {
		t.Errorf("page = %q", st.PageURL)
	}
	open := st.Open()
	if len(open) != 1 {
		t.Fatalf("open = %+v", open)
	}
	in := open[0]
	if in.ID != "901977" || in.URL != "https://status.vapi.ai/incident/901977" || in.Title != "Voice calls dropped and dashboard unavailable" {
		t.Errorf("incident = %q %q %q", in.ID, in.URL, in.Title)
	}
	if in.Impact != "critical" || in.Status != "downtime" {
		t.Errorf("impact/status = %q/%q", in.Impact, in.Status)
	}
	if strings.Join(in.Components, ",") != "Vapi API,Vapi API [Weekly],Vapi Dashboard" {
		t.Errorf("components = %v", in.Components)
	}
	if len(in.Updates) != 2 || !strings.HasPrefix(in.LatestUpdate, "Full outage") || strings.Contains(in.Updates[1].Body, "**") {
		t.Errorf("updates = %+v", in.Updates)
	}
	if got := in.StartedAt.Format(time.RFC3339); got != "2026-05-21T13:55:00Z" {
		t.Errorf("started = %s", got)
	}
	for _, c := range st.Components {
		if c.Name == "Anthropic" {
			t.Error("a not_monitored resource is listed")
		}
	}
}

// "downtime" is a major outage unless fewer than half of the monitored
// resources are down.
func TestBetterStackPartialDowntime(t *testing.T) {
	doc := func(states ...string) string {
		var inc []string
		for i, s := range states {
			inc = append(inc, `{"id":"`+string(rune('a'+i))+`","type":"status_page_resource","attributes":{"public_name":"r`+string(rune('a'+i))+`","status":"`+s+`"}}`)
		}
		return `{"data":{"id":"1","type":"status_page","attributes":{"aggregate_state":"downtime"}},"included":[` + strings.Join(inc, ",") + `]}`
	}
	tests := []struct {
		states []string
		want   observe.State
	}{
		{[]string{"downtime"}, observe.MajorOutage},
		{[]string{"downtime", "operational"}, observe.MajorOutage},
		{[]string{"downtime", "operational", "operational"}, observe.PartialOutage},
		{[]string{"downtime", "operational", "not_monitored", "operational"}, observe.PartialOutage},
		{[]string{"downtime", "downtime", "operational"}, observe.MajorOutage},
	}
	for _, tt := range tests {
		st, err := Parse(BetterStack, []byte(doc(tt.states...)))
		if err != nil {
			t.Fatal(err)
		}
		if st.State != tt.want {
			t.Errorf("%v: state = %s, want %s", tt.states, st.State, tt.want)
		}
	}
}

// Better Stack's feed has one item per update: items group into incidents
// by their /incident/<id> link, newest update first, and the id matches
// the index.json report so the two sources de-duplicate.
func TestBetterStackFeedGroupsUpdates(t *testing.T) {
	st := mustParse(t, Feed, "vapi__betterstack_feed_outage_synthetic.rss")
	if len(st.Incidents) != 2 {
		t.Fatalf("incidents = %d", len(st.Incidents))
	}
	in := st.Incidents[0]
	if in.ID != "901977" || len(in.Updates) != 2 || in.Resolved() || !strings.HasPrefix(in.LatestUpdate, "Full outage") {
		t.Errorf("outage = %+v", in)
	}
	if strings.Contains(in.LatestUpdate, "**") {
		t.Errorf("markdown left in %q", in.LatestUpdate)
	}
	if old := st.Incidents[1]; old.ID != "853214" || !old.Resolved() {
		t.Errorf("march incident = %+v", old)
	}
	index := mustParse(t, BetterStack, "vapi__betterstack_index_outage_2026-05-21_reconstructed.json")
	merged := Merge(index, st)
	if len(merged.Incidents) != 2 || merged.State != observe.MajorOutage {
		t.Errorf("merged = %s with %d incidents, want major_outage with 2", merged.State, len(merged.Incidents))
	}
}

// incident.io's front-end JSON names components by group and marks those
// an ongoing incident affects.
func TestIncidentIOProxyComponents(t *testing.T) {
	st := mustParse(t, IncidentIO, "openai__incidentio_proxy_summary_ongoing_incident.json")
	groups := map[string]bool{}
	hurt := 0
	for _, c := range st.Components {
		groups[c.Group] = true
		if c.State != observe.Operational {
			hurt++
		}
	}
	if !groups["APIs"] || hurt == 0 {
		t.Errorf("groups %v, %d components not operational", groups, hurt)
	}
	in := st.Incidents[0]
	if in.Status != "monitoring" || in.Impact != "major" || in.URL != "https://status.openai.com/incidents/01M1KWEDH417T2CF44YYHZDFCR" || len(in.Updates) != 2 {
		t.Errorf("incident = %+v", in)
	}
}

// Statuspage history feeds write dates without a year; the entry's time
// supplies it, also across New Year.
func TestStatuspageFeedDates(t *testing.T) {
	ref := time.Date(2027, 1, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want string
	}{
		{"Jan  2, 09:11 UTC", "2027-01-02T09:11:00Z"},
		{"Dec 31, 23:50 UTC", "2026-12-31T23:50:00Z"},
		{"Sep <var>3</var>, 17:11 UTC", ""},
		{"garbage", ""},
	}
	for _, tt := range tests {
		got := statuspageDate(tt.in, ref)
		s := ""
		if !got.IsZero() {
			s = got.Format(time.RFC3339)
		}
		if s != tt.want {
			t.Errorf("statuspageDate(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
}

// A user's selector reads any page; the healthy pattern decides.
func TestReadHTMLSelector(t *testing.T) {
	page := []byte(`<!DOCTYPE html><html><body><div class="state">All good here</div><p class="x">Partial outage in EU</p></body></html>`)
	tests := []struct {
		selector, healthy string
		want              observe.State
		err               string
	}{
		{".state", "", observe.Operational, ""},
		{".state", "^All good", observe.Operational, ""},
		{".state", "^Operational$", observe.Degraded, ""},
		{"p.x", "", observe.PartialOutage, ""},
		{".missing", "", observe.Unknown, "matched nothing"},
		{"[[[", "", observe.Unknown, "bad selector"},
	}
	for _, tt := range tests {
		st, err := ReadHTML(page, tt.selector, tt.healthy)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.selector, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if st.State != tt.want || !st.Claims {
			t.Errorf("%s /%s/: state = %s, want %s", tt.selector, tt.healthy, st.State, tt.want)
		}
	}
}

func TestSniff(t *testing.T) {
	for _, c := range corpus {
		if got := Sniff(readFixture(t, c.file)); got != c.format {
			t.Errorf("Sniff(%s) = %q, want %q", c.file, got, c.format)
		}
	}
	others := map[string]Format{
		`{"page":{"id":"x"},"status":{"indicator":"none"}}`:         Statuspage,
		`{"page":{"name":"x","status":"UP"}}`:                       Instatus,
		`{"components":[{"name":"API","status":"OPERATIONAL"}]}`:    Instatus,
		`{"status":"ok","active_incidents":[]}`:                     Slack,
		`{"result":{"status_overall":{"status_code":100}}}`:         StatusIO,
		`{"data":{"type":"status_page","attributes":{}}}`:           BetterStack,
		`{"summary":{"components":[]}}`:                             IncidentIO,
		`{"version":"https://jsonfeed.org/version/1.1","items":[]}`: Feed,
		`[]`:                           Auto,
		`{"hello":"world"}`:            Auto,
		`<html><body>hi</body></html>`: Auto,
		`<html><body><div class="page-status status-none">ok</div></body></html>`:         HTML,
		"\xef\xbb\xbf<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">": Feed,
		``: Auto,
	}
	for body, want := range others {
		if got := Sniff([]byte(body)); got != want {
			t.Errorf("Sniff(%.50q) = %q, want %q", body, got, want)
		}
	}
}

func TestStatusIOPageIDAndIncidentIOMarker(t *testing.T) {
	html := []byte(`<html><head><link rel="alternate" href="https://status.gitlab.com/pages/5b36dc6502d06804c08349f7/rss"></head><body>Powered by Status.io</body></html>`)
	if id := StatusIOPageID(html); id != "5b36dc6502d06804c08349f7" {
		t.Errorf("page id = %q", id)
	}
	if id := StatusIOPageID([]byte(`<html>nothing here /pages/5b36dc6502d06804c08349f7/</html>`)); id != "" {
		t.Errorf("page id without status.io = %q", id)
	}
	if !LooksIncidentIO(readFixture(t, "openai__incidentio_v2_summary_operational_2026-09-24.json")) {
		t.Error("OpenAI's compat summary not recognised as incident.io")
	}
	if LooksIncidentIO(readFixture(t, "anthropic__statuspage_summary_none.json")) {
		t.Error("Anthropic's Statuspage summary taken for incident.io")
	}
}

// Instatus writes JavaScript date strings; they parse.
func TestInstatusDates(t *testing.T) {
	st := mustParse(t, Instatus, "instatus__summary_hasissues_docs_example.json")
	in := st.Incidents[0]
	if got := in.StartedAt.Format(time.RFC3339); got != "2022-06-11T18:55:50Z" || in.ID != "cl4a8n3070721qtmzvts760c4" {
		t.Errorf("started %s id %q", got, in.ID)
	}
	m := st.Maintenances[0]
	if m.Status != "scheduled" || m.EndsAt.Sub(m.StartsAt) != time.Hour {
		t.Errorf("maintenance = %+v", m)
	}
}

// The feeds a page advertises are found by tokenizing it: alternate links
// of an RSS or Atom type, each once, whatever the page's size.
func TestAlternateFeeds(t *testing.T) {
	t.Parallel()
	page := `<!DOCTYPE html><html><head>
<link rel="alternate" type="application/rss+xml" href="/history.rss">
<LINK REL="alternate nofollow" TYPE="application/Atom+xml" HREF="/history.atom?a=1&amp;b=2" />
<link rel="alternate" hreflang="de" href="/de">
<link rel="stylesheet" type="text/css" href="/style.css">
<link rel="alternate" type="application/rss+xml" href="/history.rss">
</head><body>` + strings.Repeat(`<div class="x">filler</div>`, 100000) + `</body></html>`
	got := AlternateFeeds([]byte(page))
	if want := []string{"/history.rss", "/history.atom?a=1&b=2"}; !slices.Equal(got, want) {
		t.Errorf("feeds = %q, want %q", got, want)
	}
	if got := AlternateFeeds([]byte(`{"not":"html"}`)); got != nil {
		t.Errorf("feeds of JSON = %q", got)
	}
}
