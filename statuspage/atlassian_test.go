package statuspage

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file (run go test -update): %v", err)
	}
	if string(want) != string(b) {
		t.Errorf("%s differs from golden file %s:\n%s", name, path, b)
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadStatuspageCorpus(t *testing.T) {
	tests := []struct {
		file          string
		state         observe.State
		openIncidents int
		maintenances  int
		parts         Parts
	}{
		{"anthropic__statuspage_summary_none.json", observe.Operational, 0, 0, Parts{Page: true, Status: true, Components: true, Incidents: true, Maintenances: true}},
		{"anthropic__statuspage_summary_incident_investigating.json", observe.Degraded, 1, 0, Parts{Page: true, Status: true, Components: true, Incidents: true, Maintenances: true}},
		{"cloudflare__statuspage_summary_minor_pops_derived.json", observe.Degraded, 1, 0, Parts{Page: true, Status: true, Components: true, Incidents: true, Maintenances: true}},
		{"anthropic__statuspage_scheduled_maintenances.json", observe.Unknown, 0, 2, Parts{Page: true, Maintenances: true}},
		{"openai__incidentio_v2_summary_operational_2026-09-24.json", observe.Operational, 0, 0, Parts{Page: true, Status: true, Components: true, IncidentIO: true}},
		{"openai__incidentio_v2_summary_incident_derived.json", observe.Degraded, 1, 0, Parts{Page: true, Status: true, Components: true, Incidents: true, IncidentIO: true}},
		{"github__statuspage_incidents_unresolved_critical.json", observe.MajorOutage, 1, 0, Parts{Page: true, Incidents: true}},
		{"github__statuspage_incidents_unresolved_major.json", observe.PartialOutage, 1, 0, Parts{Page: true, Incidents: true}},
		{"github__statuspage_incidents_unresolved_empty.json", observe.Operational, 0, 0, Parts{Page: true, Incidents: true}},
		{"github__statuspage_status_none.json", observe.Operational, 0, 0, Parts{Page: true, Status: true}},
		{"github__statuspage_status_major.json", observe.PartialOutage, 0, 0, Parts{Page: true, Status: true}},
		{"github__statuspage_status_critical.json", observe.MajorOutage, 0, 0, Parts{Page: true, Status: true}},
		{"github__statuspage_status_maintenance.json", observe.UnderMaintenance, 0, 0, Parts{Page: true, Status: true}},
		{"github__statuspage_scheduled_maintenances_active.json", observe.Unknown, 0, 1, Parts{Page: true, Maintenances: true}},
		{"github__statuspage_scheduled_maintenances_active_empty.json", observe.Unknown, 0, 0, Parts{Page: true, Maintenances: true}},
		{"cloudflare__statuspage_incidents_unresolved_minor.json", observe.Degraded, 1, 0, Parts{Page: true, Incidents: true}},
		{"cloudflare__statuspage_status_minor.json", observe.Degraded, 0, 0, Parts{Page: true, Status: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			st, parts, err := ReadStatuspage(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if st.State != tt.state {
				t.Errorf("state = %s, want %s", st.State, tt.state)
			}
			if n := len(st.Open()); n != tt.openIncidents {
				t.Errorf("open incidents = %d, want %d", n, tt.openIncidents)
			}
			if n := len(st.Maintenances); n != tt.maintenances {
				t.Errorf("maintenances = %d, want %d", n, tt.maintenances)
			}
			if parts != tt.parts {
				t.Errorf("parts = %+v, want %+v", parts, tt.parts)
			}
			golden(t, strings.TrimSuffix(tt.file, ".json")+".golden.json", st)
		})
	}
}

// The Anthropic capture of 2026-09-22: an investigating incident with one
// update; the incident's fields must come through exactly.
func TestReadStatuspageIncidentFields(t *testing.T) {
	st, _, err := ReadStatuspage(readFixture(t, "anthropic__statuspage_summary_incident_investigating.json"))
	if err != nil {
		t.Fatal(err)
	}
	in := st.Incidents[0]
	if in.Title != "Elevated errors for multiple models" || in.Status != "investigating" || in.Impact != "major" {
		t.Errorf("incident = %q/%q/%q", in.Title, in.Status, in.Impact)
	}
	if in.URL != "https://stspg.io/90s4l9yywzbk" {
		t.Errorf("url = %q, want the shortlink", in.URL)
	}
	if !strings.HasPrefix(in.LatestUpdate, "We are investigating elevated errors") {
		t.Errorf("latest update = %q", in.LatestUpdate)
	}
	if got := in.StartedAt.Format("2006-01-02T15:04:05Z07:00"); got != "2026-09-22T00:57:26Z" {
		t.Errorf("started_at = %s", got)
	}
	if len(in.Components) != 4 {
		t.Errorf("components = %v", in.Components)
	}
	if st.Description != "Minor Service Outage" {
		t.Errorf("description = %q", st.Description)
	}
}

// incident.io's compat incidents have no shortlink, components or
// started_at: the URL is built from the page and the start from created_at.
func TestReadStatuspageIncidentIOVariant(t *testing.T) {
	st, _, err := ReadStatuspage(readFixture(t, "openai__incidentio_v2_summary_incident_derived.json"))
	if err != nil {
		t.Fatal(err)
	}
	in := st.Incidents[0]
	if in.URL != "https://status.openai.com/incidents/"+in.ID {
		t.Errorf("url = %q", in.URL)
	}
	if in.StartedAt.IsZero() {
		t.Error("started_at is zero; want created_at")
	}
	if len(in.Updates) != 2 || in.Updates[0].At.Before(in.Updates[1].At) {
		t.Errorf("updates not newest first: %+v", in.Updates)
	}
}

func TestReadStatuspageWrongFormat(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"html", "<!DOCTYPE html><html><body>Moved</body></html>", "an HTML page"},
		{"empty", "  \n", "an empty body"},
		{"other json", `{"hello":"world"}`, "JSON of another shape"},
		{"truncated", `{"page":{"id":"x"},"status":{"indicator":"no`, "malformed JSON"},
		{"wrong types", `{"page":"x","status":[1,2]}`, "malformed JSON"},
		{"feed", `<?xml version="1.0"?><rss></rss>`, "an XML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadStatuspage([]byte(tt.body))
			if !errors.Is(err, ErrWrongFormat) {
				t.Fatalf("err = %v, want ErrWrongFormat", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to say %q", err, tt.want)
			}
		})
	}
}

// Remote text must reach the model without escape sequences or control
// characters, and HTML bodies become plain text.
func TestReadStatuspageSanitizes(t *testing.T) {
	body := `{"page":{"url":"https://x.test"},"status":{"indicator":"major","description":"Bad\u001b[31m red"},
	"incidents":[{"id":"a","name":"API \u001b]0;pwned\u0007down\r\nnow","status":"Investigating","impact":"major",
	"incident_updates":[{"status":"investigating","body":"Line one<br />Line <b>two</b> &amp; \u009b2J","created_at":"2026-05-21T12:35:00Z"}]}]}`
	st, _, err := ReadStatuspage([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	in := st.Incidents[0]
	if in.Title != "API down now" {
		t.Errorf("title = %q", in.Title)
	}
	if st.Description != "Bad red" {
		t.Errorf("description = %q", st.Description)
	}
	if in.Updates[0].Body != "Line one\nLine two & 2J" {
		t.Errorf("body = %q", in.Updates[0].Body)
	}
	if in.Status != "investigating" {
		t.Errorf("status = %q", in.Status)
	}
}

func TestFilterComponents(t *testing.T) {
	st, _, err := ReadStatuspage(readFixture(t, "anthropic__statuspage_summary_incident_investigating.json"))
	if err != nil {
		t.Fatal(err)
	}
	Filter(st, []string{"claude console (platform.claude.com)"})
	if len(st.Components) != 1 || st.Components[0].State != observe.Operational {
		t.Fatalf("components = %+v", st.Components)
	}
	if len(st.Incidents) != 0 || st.State != observe.Operational {
		t.Errorf("state = %s with %d incidents, want operational with none", st.State, len(st.Incidents))
	}
}

func FuzzReadStatuspage(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			f.Add(readFixture(f, e.Name()))
		}
	}
	f.Add([]byte(`{"page":null,"status":{},"incidents":[{"incident_updates":[null]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, _, err := ReadStatuspage(data)
		if err == nil && st == nil {
			t.Fatal("nil status without an error")
		}
	})
}
