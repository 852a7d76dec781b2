package statuspage

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// A page of 5,000 components is cut to 2,000: the ones not operational
// are kept wherever they are on the page, then the first operational
// ones in page order, and the rest is counted. Both the Statuspage API and
// the HTML page are cut this way, while they are read.
func TestCapComponentsKeepsTheWorst(t *testing.T) {
	t.Parallel()
	pages := map[string]struct {
		read  func() (*observe.Status, error)
		state observe.State // the page's indicator
	}{
		"statuspage": {func() (*observe.Status, error) { return Parse(Statuspage, bigSummary(t, 5000, false, 10, 4990)) }, observe.Degraded},
		"html":       {func() (*observe.Status, error) { return Parse(HTML, bigHTML(t, 5000, 10, 4990)) }, observe.Operational},
	}
	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st, err := page.read()
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Components) != DefaultLimits.Components || st.ComponentsOmitted != 3000 {
				t.Fatalf("%d components kept, %d omitted; want 2000 and 3000", len(st.Components), st.ComponentsOmitted)
			}
			var down []string
			for _, c := range st.Components {
				if c.State != observe.Operational {
					down = append(down, c.Name)
				}
			}
			if len(down) != 2 || !strings.HasSuffix(down[0], "#10") || !strings.HasSuffix(down[1], "#4990") {
				t.Errorf("kept not operational: %v, want #10 and #4990", down)
			}
			if !strings.HasSuffix(st.Components[0].Name, "#0") || !strings.HasSuffix(st.Components[1998].Name, "#1998") ||
				!strings.HasSuffix(st.Components[1999].Name, "#4990") {
				t.Errorf("kept %q … %q, %q: want #0 … #1998 then #4990, in page order",
					st.Components[0].Name, st.Components[1998].Name, st.Components[1999].Name)
			}
			if name == "statuspage" && st.Components[0].Group == "" {
				t.Error("the kept components lost their group")
			}
			if st.State != page.state {
				t.Errorf("state = %s, want %s: the page's indicator still decides", st.State, page.state)
			}
		})
	}
}

// The components a team names in components: are kept first, and once
// they are, the components left out are the ones the filter would drop
// anyway: none is counted as missing.
func TestCapComponentsKeepsTheWatched(t *testing.T) {
	t.Parallel()
	summary := bigSummary(t, 5000, false)
	whole, err := Limits{}.Parse(Statuspage, summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		f       Format
		data    []byte
		watched string
	}{
		{Statuspage, summary, strings.ToUpper(whole.Components[4500].Name)}, // names match in any case
		{HTML, bigHTML(t, 5000), "TextExpander Server #4500"},
	} {
		t.Run(string(p.f), func(t *testing.T) {
			t.Parallel()
			lim := DefaultLimits
			lim.Keep = []string{p.watched}
			st, err := lim.Parse(p.f, p.data)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(st.Components, func(c observe.Component) bool { return strings.EqualFold(c.Name, p.watched) }) {
				t.Fatalf("the watched component %q was cut", p.watched)
			}
			if st.ComponentsOmitted != 0 {
				t.Errorf("components omitted = %d, want 0: every watched one is kept", st.ComponentsOmitted)
			}
			Filter(st, lim.Keep)
			if len(st.Components) != 1 || st.OmittedNote() != "" {
				t.Errorf("after the filter: %d components, note %q", len(st.Components), st.OmittedNote())
			}
		})
	}
	// A group's name counts as it does in Filter: watching the group
	// keeps its components first, wherever they are on the page.
	lim := DefaultLimits
	lim.Keep = []string{"Oceania"}
	st, err := lim.Parse(Statuspage, summary)
	if err != nil {
		t.Fatal(err)
	}
	inGroup := func(cs []observe.Component) (n int) {
		for _, c := range cs {
			if c.Group == "Oceania" {
				n++
			}
		}
		return n
	}
	if n, want := inGroup(st.Components), inGroup(whole.Components); n != want || st.ComponentsOmitted != 0 {
		t.Errorf("%d of the watched group's %d components kept, %d counted as omitted", n, want, st.ComponentsOmitted)
	}
}

// With tiny limits, every reader of every format cuts what it read and
// counts exactly what it left out: kept plus omitted is what the page
// listed.
func TestCapEveryFormat(t *testing.T) {
	t.Parallel()
	tiny := Limits{Components: 1, Incidents: 1, Maintenances: 1, Updates: 1, Affected: 1}
	type payload struct {
		f    Format
		file string
	}
	all := []payload{}
	for _, f := range statuspageCorpus {
		all = append(all, payload{Statuspage, f})
	}
	for _, c := range corpus {
		all = append(all, payload{c.format, c.file})
	}
	cut := map[string]bool{}
	for _, p := range all {
		t.Run(p.file, func(t *testing.T) {
			data := readFixture(t, p.file)
			whole, err := Limits{}.Parse(p.f, data)
			if err != nil {
				t.Fatal(err)
			}
			st, err := tiny.Parse(p.f, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Components) > 1 || len(st.Incidents) > 1 || len(st.Maintenances) > 1 {
				t.Fatalf("kept %d components, %d incidents, %d maintenances", len(st.Components), len(st.Incidents), len(st.Maintenances))
			}
			for _, c := range []struct {
				what                string
				kept, omitted, want int
			}{
				{"components", len(st.Components), st.ComponentsOmitted, len(whole.Components)},
				{"incidents", len(st.Incidents), st.IncidentsOmitted, len(whole.Incidents)},
				{"maintenances", len(st.Maintenances), st.MaintenancesOmitted, len(whole.Maintenances)},
			} {
				if c.kept+c.omitted != c.want {
					t.Errorf("%s: %d kept + %d omitted, but the page has %d", c.what, c.kept, c.omitted, c.want)
				}
				if c.omitted > 0 {
					cut[c.what] = true
				}
			}
			for _, in := range st.Incidents {
				if len(in.Updates) > 1 || len(in.Components) > 1 {
					t.Errorf("incident %q kept %d updates and %d components", in.Title, len(in.Updates), len(in.Components))
				}
				if in.UpdatesOmitted > 0 {
					cut["updates"] = true
				}
			}
			if whole.ComponentsOmitted+whole.IncidentsOmitted+whole.MaintenancesOmitted != 0 {
				t.Errorf("no limits, yet something was cut: %+v", whole)
			}
		})
	}
	t.Run("the corpus exercises every cut", func(t *testing.T) {
		for _, what := range []string{"components", "incidents", "maintenances", "updates"} {
			if !cut[what] && !t.Failed() {
				t.Errorf("no payload of the corpus had its %s cut", what)
			}
		}
	})
}

// Open incidents and maintenances in progress are kept before the rest;
// an incident keeps its newest updates.
func TestCapKeepsOpenIncidentsAndNewestUpdates(t *testing.T) {
	t.Parallel()
	var incs, maints []string
	for i := range 8 {
		status := "resolved"
		if i == 6 {
			status = "investigating"
		}
		var updates []string
		for u := range 60 {
			updates = append(updates, fmt.Sprintf(`{"status":"update","body":"update %d","created_at":"2026-01-01T%02d:%02d:00Z"}`, u, u/60, u%60))
		}
		incs = append(incs, fmt.Sprintf(`{"id":"i%d","name":"Incident %d","status":%q,"impact":"minor","incident_updates":[%s]}`,
			i, i, status, strings.Join(updates, ",")))
		mstatus := "completed"
		if i == 5 {
			mstatus = "in_progress"
		}
		maints = append(maints, fmt.Sprintf(`{"id":"m%d","name":"Maintenance %d","status":%q}`, i, i, mstatus))
	}
	doc := `{"page":{"id":"p","url":"https://status.example.com"},"incidents":[` + strings.Join(incs, ",") +
		`],"scheduled_maintenances":[` + strings.Join(maints, ",") + `]}`
	lim := Limits{Incidents: 2, Maintenances: 1, Updates: 50}
	st, _, err := lim.ReadStatuspage([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Incidents) != 2 || st.Incidents[0].ID != "i0" || st.Incidents[1].ID != "i6" || st.IncidentsOmitted != 6 {
		t.Fatalf("incidents %v, %d omitted: want i0 and the open i6, 6 omitted", ids(st.Incidents), st.IncidentsOmitted)
	}
	in := st.Incidents[1]
	if len(in.Updates) != 50 || in.UpdatesOmitted != 10 || in.Updates[0].Body != "update 59" || in.LatestUpdate != "update 59" {
		t.Errorf("updates: %d kept (newest %q), %d omitted; want the newest 50", len(in.Updates), in.Updates[0].Body, in.UpdatesOmitted)
	}
	if in.URL != "https://status.example.com/incidents/i6" {
		t.Errorf("url = %q: the page, read after the incidents, names their links", in.URL)
	}
	if len(st.Maintenances) != 1 || st.Maintenances[0].ID != "m5" || st.MaintenancesOmitted != 7 {
		t.Errorf("maintenances %+v, %d omitted: want the one in progress", st.Maintenances, st.MaintenancesOmitted)
	}
}

// Long texts are clipped with an ellipsis, and a link too long to be one
// is dropped.
func TestCapClipsText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 3*maxBody)
	st := &observe.Status{
		Description: long,
		Components:  []observe.Component{{Name: long, Group: long, State: observe.Operational}},
		Incidents: []observe.Incident{{ID: "x", Title: long, URL: "https://example.com/" + strings.Repeat("a", maxURL),
			LatestUpdate: long, Updates: []observe.Update{{Status: "update", Body: long, At: time.Now()}}}},
		Maintenances: []observe.Maintenance{{Title: long, URL: "https://example.com/m"}},
	}
	DefaultLimits.Cap(st)
	for what, s := range map[string]string{
		"description": st.Description, "component": st.Components[0].Name, "group": st.Components[0].Group,
		"title": st.Incidents[0].Title, "maintenance": st.Maintenances[0].Title,
	} {
		if n := len([]rune(s)); n != maxLine || !strings.HasSuffix(s, "…") {
			t.Errorf("%s: %d characters, want %d ending in an ellipsis", what, n, maxLine)
		}
	}
	for what, s := range map[string]string{"body": st.Incidents[0].Updates[0].Body, "latest update": st.Incidents[0].LatestUpdate} {
		if n := len([]rune(s)); n != maxBody || !strings.HasSuffix(s, "…") {
			t.Errorf("%s: %d characters, want %d", what, n, maxBody)
		}
	}
	if st.Incidents[0].URL != "" || st.Maintenances[0].URL != "https://example.com/m" {
		t.Errorf("links: %q, %q", st.Incidents[0].URL, st.Maintenances[0].URL)
	}
}

// Merge carries what the caps left out of each source: the components'
// count from the source the components come from, the others summed.
func TestMergeCountsOmitted(t *testing.T) {
	t.Parallel()
	a := &observe.Status{Components: []observe.Component{{Name: "API"}}, ComponentsOmitted: 5, IncidentsOmitted: 2}
	b := &observe.Status{Components: []observe.Component{{Name: "Other"}}, ComponentsOmitted: 7, IncidentsOmitted: 3, MaintenancesOmitted: 1}
	m := Merge(a, b)
	if m.ComponentsOmitted != 5 || m.IncidentsOmitted != 5 || m.MaintenancesOmitted != 1 {
		t.Errorf("merged omitted: %d components, %d incidents, %d maintenances", m.ComponentsOmitted, m.IncidentsOmitted, m.MaintenancesOmitted)
	}
}

// The streamed lists of a Statuspage document keep json.Unmarshal's
// strictness: a list of the wrong type, or anything after the document,
// is a wrong format, and null is as good as absent.
func TestStatuspageStreamStrictness(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`{"components":"API"}`,
		`{"components":[{"name":5}]}`,
		`{"status":{"indicator":"none"}} {"status":{}}`,
		`{"status":{"indicator":"none"}} x`,
		`[{"status":{"indicator":"none"}}]`,
		`null`,
	} {
		if _, _, err := ReadStatuspage([]byte(doc)); !errors.Is(err, ErrWrongFormat) {
			t.Errorf("%s: err = %v, want ErrWrongFormat", doc, err)
		}
	}
	st, parts, err := ReadStatuspage([]byte(`{"Status":{"indicator":"major"},"components":null,"incidents":[]}`))
	if err != nil || st.State != observe.PartialOutage || parts.Components || !parts.Incidents {
		t.Errorf("state %v, parts %+v, err %v", st, parts, err)
	}
}

func ids(in []observe.Incident) []string {
	var out []string
	for _, i := range in {
		out = append(out, i.ID)
	}
	return out
}

// An Atlassian HTML page is cut before its tree is built: the unresolved
// incidents and updates over the limits are left out and counted, the
// history after its first day and the never-read parts (an <svg> icon in
// a component's name, scripts) go without changing what is read.
func TestCapHTMLIncidentsAndUpdates(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><script>var x = "<div class='unresolved-incident'>";</script></head>` +
		`<body class="status status-major"><div class="page-status status-major"><span class="status">Partial System Outage</span></div>` +
		`<div class="unresolved-incidents">`)
	for i := range 3 {
		fmt.Fprintf(&b, `<div class="unresolved-incident impact-major"><div class="incident-title"><a class="actual-title" href="/incidents/i%d">Incident %d</a></div><div class="updates">`, i, i)
		for u := 5; u > 0; u-- {
			fmt.Fprintf(&b, `<div class="update"><strong>Update</strong> - Update %d of incident %d.<br><small>Jan <var>%d</var>, <var>10:0%d</var> UTC</small></div>`, u, i, u, u)
		}
		b.WriteString(`</div></div>`)
	}
	b.WriteString(`</div><div class="component-container"><div class="component-inner-container" data-component-status="major_outage">` +
		`<span class="name"><svg><title>icon</title></svg>API</span></div></div>` +
		`<div class="status-day"><div class="date">Jan <var>5</var>, 2026</div></div>` +
		`<div class="status-day"><div class="date">Jan <var>4</var>, 2026</div><div class="unresolved-incident"><a class="actual-title">Old</a></div></div>` +
		`</body></html>`)
	lim := Limits{Incidents: 2, Updates: 3}
	st, err := lim.ReadHTML([]byte(b.String()), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Incidents) != 2 || st.IncidentsOmitted != 1 || st.Incidents[0].Title != "Incident 0" || st.Incidents[1].Title != "Incident 1" {
		t.Fatalf("incidents %+v, %d omitted: want incidents 0 and 1, 1 omitted", st.Incidents, st.IncidentsOmitted)
	}
	for _, in := range st.Incidents {
		if len(in.Updates) != 3 || in.UpdatesOmitted != 2 || !strings.HasPrefix(in.Updates[0].Body, "Update 5 ") {
			t.Errorf("%s: %d updates (newest %q), %d omitted; want the newest 3 and 2 omitted", in.Title, len(in.Updates), in.Updates[0].Body, in.UpdatesOmitted)
		}
	}
	if len(st.Components) != 1 || st.Components[0].Name != "API" || st.State != observe.PartialOutage {
		t.Errorf("components %+v, state %s", st.Components, st.State)
	}
	whole, err := Limits{}.ReadHTML([]byte(b.String()), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(whole.Incidents) != 3 || len(whole.Incidents[2].Updates) != 5 {
		t.Errorf("without limits: %d incidents", len(whole.Incidents))
	}
}
