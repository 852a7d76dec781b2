package statuspage

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// filterCase is a components: list and the state it must narrow a page to.
type filterCase struct {
	names []string
	want  observe.State
}

// checkFilters applies each filter to a copy of st and checks the state.
func checkFilters(t *testing.T, st *observe.Status, cases []filterCase) {
	t.Helper()
	for _, c := range cases {
		got := st.Clone()
		Filter(got, c.names)
		if got.State != c.want {
			t.Errorf("filtered to %q: state = %s, want %s", c.names, got.State, c.want)
		}
	}
}

// Issue 15, item 9: three of Cloudflare's 107 regional PoPs in
// partial_outage, the page's indicator "minor". The vendor is degraded,
// as its page says; each PoP keeps its own state; a team that watches a
// broken PoP sees its partial outage, and one that watches a healthy PoP
// sees it operational.
func TestIndicatorOutranksRegionalComponents(t *testing.T) {
	st, _, err := ReadStatuspage(readFixture(t, "cloudflare__statuspage_summary_minor_pops_derived.json"))
	if err != nil {
		t.Fatal(err)
	}
	if st.State != observe.Degraded || !st.Claims || st.Description != "Minor Service Outage" {
		t.Errorf("state = %s (claims %v, %q), want degraded, as the page's indicator says", st.State, st.Claims, st.Description)
	}
	var broken []string
	for _, c := range st.Components {
		if c.State == observe.PartialOutage {
			broken = append(broken, c.Name)
		}
	}
	if len(st.Components) != 108 || strings.Join(broken, "; ") != "Lagos, Nigeria - (LOS); Karachi, Pakistan - (KHI); Lima, Peru - (LIM)" {
		t.Errorf("%d components, broken %q; want 108 with three PoPs in partial_outage", len(st.Components), broken)
	}
	checkFilters(t, st, []filterCase{
		{[]string{"Lagos, Nigeria - (LOS)"}, observe.PartialOutage},
		{[]string{"lima, peru - (lim)"}, observe.PartialOutage},
		{[]string{"Africa"}, observe.PartialOutage}, // a group holding a broken PoP
		{[]string{"Amsterdam, Netherlands - (AMS)"}, observe.Operational},
		{[]string{"Europe", "North America"}, observe.Operational},
		{[]string{"WARP"}, observe.Degraded}, // degraded, with its minor incident
		// A name the page does not list narrows nothing: the page's own
		// verdict stands, so a misspelt filter neither hides the vendor
		// nor raises it to its worst PoP.
		{[]string{"Atlantis - (ATL)"}, observe.Degraded},
	})
}

// The indicator is the page's verdict in the other direction too: "none"
// beside an open incident of major impact (a page that is fine again
// while it monitors) reads as operational, and the incident stays open
// with its impact for correlate to weigh. Only a document without an
// indicator (components.json) derives the state from its components.
func TestStatuspageIndicatorIsTheState(t *testing.T) {
	tests := []struct {
		name, body string
		want       observe.State
	}{
		{"none beside a major incident", `{"page":{"id":"x"},"status":{"indicator":"none","description":"All Systems Operational"},
			"components":[{"id":"a","name":"API","status":"operational"}],
			"incidents":[{"id":"i","name":"API errors","status":"monitoring","impact":"major","components":[{"name":"API"}]}]}`, observe.Operational},
		{"minor beside a major outage of one component", `{"page":{"id":"x"},"status":{"indicator":"minor"},
			"components":[{"id":"a","name":"API","status":"major_outage"},{"id":"b","name":"Web","status":"operational"},{"id":"c","name":"CDN","status":"operational"}]}`, observe.Degraded},
		{"components.json has no indicator", `{"page":{"id":"x"},
			"components":[{"id":"a","name":"API","status":"partial_outage"},{"id":"b","name":"Web","status":"operational"}]}`, observe.PartialOutage},
		{"an indicator word we do not know", `{"page":{"id":"x"},"status":{"indicator":"purple"},
			"components":[{"id":"a","name":"API","status":"degraded_performance"}]}`, observe.Degraded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, err := ReadStatuspage([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if st.State != tt.want || !st.Claims {
				t.Errorf("state = %s (claims %v), want %s", st.State, st.Claims, tt.want)
			}
			if open := st.Open(); len(open) > 0 && open[0].Impact != "major" {
				t.Errorf("incident impact = %q, want major kept", open[0].Impact)
			}
		})
	}
}

// statuspageHTML is a Statuspage home page: body holds the <body> tag's
// classes ("" for none), banner the .page-status banner's, and comps the
// components as name=status pairs.
func statuspageHTML(body, banner string, comps ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html><body class="%s">`, body)
	if banner != "" {
		fmt.Fprintf(&b, `<div class="page-status %s"><span class="status">Minor Service Outage</span></div>`, banner)
	}
	for _, c := range comps {
		name, status, _ := strings.Cut(c, "=")
		fmt.Fprintf(&b, `<div class="component-inner-container" data-component-status="%s"><span class="name">%s</span></div>`, status, name)
	}
	b.WriteString(`</body></html>`)
	return []byte(b.String())
}

// A Statuspage HTML page: the status-* class of <body>, else of the
// .page-status banner, is the state; components decide only on a page
// that shows neither. status.python.org's capture (98 components, one in
// partial_outage, body status-minor) is degraded.
func TestHTMLIndicatorIsTheState(t *testing.T) {
	pops := []string{"Fastly Tokyo (HND)=operational", "Fastly Osaka (ITM)=operational", "Fastly Lagos (LOS)=partial_outage", "Fastly Lima (LIM)=operational"}
	tests := []struct {
		name    string
		page    []byte
		want    observe.State
		filters []filterCase
	}{
		{"body indicator", statuspageHTML("status index status-minor", "", pops...), observe.Degraded, []filterCase{
			{[]string{"Fastly Lagos (LOS)"}, observe.PartialOutage},
			{[]string{"Fastly Lima (LIM)"}, observe.Operational},
			{[]string{"Fastly Nowhere (XXX)"}, observe.Degraded},
		}},
		{"banner indicator", statuspageHTML("", "status-minor", pops...), observe.Degraded, nil},
		{"no indicator", statuspageHTML("", "", pops...), observe.PartialOutage, nil},
		{"status.python.org", readFixture(t, "python-infra__statuspage_page_unresolved_incident.html"), observe.Degraded, []filterCase{
			// Its open incident names no component, so it counts for
			// every filter, as Filter has always done.
			{[]string{"pypi.org - Backends"}, observe.PartialOutage},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(HTML, tt.page)
			if err != nil {
				t.Fatal(err)
			}
			if st.State != tt.want || !st.Claims {
				t.Errorf("state = %s (claims %v), want %s", st.State, st.Claims, tt.want)
			}
			checkFilters(t, st, tt.filters)
		})
	}
}

// betterStackDoc is an index.json with the page's aggregate state ("" for
// none) and one monitored resource per state, named r0, r1, ….
func betterStackDoc(aggregate string, states ...string) []byte {
	attrs := `{}`
	if aggregate != "" {
		attrs = `{"aggregate_state":"` + aggregate + `"}`
	}
	var inc []string
	for i, s := range states {
		inc = append(inc, fmt.Sprintf(`{"id":"%d","type":"status_page_resource","attributes":{"public_name":"r%d","status":"%s"}}`, i+1, i, s))
	}
	return []byte(`{"data":{"id":"1","type":"status_page","attributes":` + attrs + `},"included":[` + strings.Join(inc, ",") + `]}`)
}

// manyWith is n states "operational" with the given ones first.
func manyWith(n int, first ...string) []string {
	out := append([]string(nil), first...)
	for len(out) < n {
		out = append(out, "operational")
	}
	return out
}

// Better Stack's aggregate_state is the state; a page without one falls
// back on its worst resource.
func TestBetterStackAggregateIsTheState(t *testing.T) {
	tests := []struct {
		name    string
		doc     []byte
		want    observe.State
		filters []filterCase
	}{
		{"degraded with three of twenty down", betterStackDoc("degraded", manyWith(20, "downtime", "downtime", "downtime")...), observe.Degraded, []filterCase{
			{[]string{"r0"}, observe.MajorOutage},
			{[]string{"r5"}, observe.Operational},
		}},
		{"operational beside a degraded resource", betterStackDoc("operational", manyWith(10, "degraded")...), observe.Operational, []filterCase{
			{[]string{"r0"}, observe.Degraded},
		}},
		{"no aggregate", betterStackDoc("", manyWith(20, "downtime", "downtime", "downtime")...), observe.PartialOutage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(BetterStack, tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if st.State != tt.want || !st.Claims {
				t.Errorf("state = %s (claims %v), want %s", st.State, st.Claims, tt.want)
			}
			checkFilters(t, st, tt.filters)
		})
	}
}

// instatusDoc is a summary.json with the page status, components c0, c1,
// … in the given states, and one active MAJOROUTAGE incident on c0. An
// empty page status makes it a components.json: the components alone.
func instatusDoc(page string, states ...string) []byte {
	var comps []string
	for i, s := range states {
		comps = append(comps, fmt.Sprintf(`{"name":"c%d","status":"%s"}`, i, s))
	}
	list := `"components":[` + strings.Join(comps, ",") + `]`
	if page == "" {
		return []byte(`{` + list + `}`)
	}
	return []byte(`{"page":{"name":"x","url":"https://x.test","status":"` + page + `"},` + list + `,
	"activeIncidents":[{"id":"1","name":"c0 down","status":"INVESTIGATING","impact":"MAJOROUTAGE","affectedServices":[{"name":"c0"}]}]}`)
}

// Instatus's page status is the state: HASISSUES says there is trouble,
// not how much, however bad one incident or a few components are.
// Instatus's documentation example (HASISSUES, one MAJOROUTAGE incident)
// is degraded.
func TestInstatusPageStatusIsTheState(t *testing.T) {
	tests := []struct {
		name    string
		doc     []byte
		want    observe.State
		filters []filterCase
	}{
		{"has issues", instatusDoc("HASISSUES", manyWith(20, "MAJOROUTAGE", "PARTIALOUTAGE", "MAJOROUTAGE")...), observe.Degraded, []filterCase{
			{[]string{"c0"}, observe.MajorOutage},
			{[]string{"c1"}, observe.PartialOutage},
			{[]string{"c7"}, observe.Operational},
		}},
		{"components.json", instatusDoc("", manyWith(20, "PARTIALOUTAGE")...), observe.PartialOutage, nil},
		{"documentation example", readFixture(t, "instatus__summary_hasissues_docs_example.json"), observe.Degraded, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(Instatus, tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if st.State != tt.want || !st.Claims {
				t.Errorf("state = %s (claims %v), want %s", st.State, st.Claims, tt.want)
			}
			checkFilters(t, st, tt.filters)
		})
	}
}

// status.io's status_overall is the state: GitLab's page with "API" and
// "Git Operations" at 500 and the overall at 100 is operational, and a
// team watching the API sees its outage. An overall code we cannot read
// falls back on the components.
func TestStatusIOOverallIsTheState(t *testing.T) {
	st := mustParse(t, StatusIO, "gitlab__statusio_status_components_down_curated.json")
	if st.State != observe.Operational || st.Description != "Operational" {
		t.Errorf("state = %s (%q), want operational as status_overall says", st.State, st.Description)
	}
	checkFilters(t, st, []filterCase{
		{[]string{"API"}, observe.MajorOutage},
		{[]string{"Website"}, observe.Operational},
	})
	tests := []struct {
		overall string
		want    observe.State
	}{
		{`300`, observe.Degraded},
		{`"300"`, observe.Degraded},
		{`null`, observe.MajorOutage},
		{`999`, observe.MajorOutage},
	}
	for _, tt := range tests {
		doc := `{"result":{"status_overall":{"status":"x","status_code":` + tt.overall + `},
		"status":[{"name":"API","status_code":500},{"name":"Web","status_code":100},{"name":"CDN","status_code":100}],"incidents":[]}}`
		st, err := Parse(StatusIO, []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if st.State != tt.want || !st.Claims {
			t.Errorf("overall %s: state = %s (claims %v), want %s", tt.overall, st.State, st.Claims, tt.want)
		}
	}
}
