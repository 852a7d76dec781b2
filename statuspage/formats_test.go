package statuspage

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// corpusCase is one recorded payload and what it must read as.
type corpusCase struct {
	file        string
	format      Format
	state       observe.State
	claims      bool
	open        int // open incidents
	incidents   int // all incidents kept
	maintenance int
}

// corpus lists every payload in testdata that is not an Atlassian
// Statuspage API document (those are in atlassian_test.go), with the
// state and incidents it must read to. SOURCES.md says where each came
// from and whether it is real, curated or synthetic.
var corpus = []corpusCase{
	// incident.io
	{"openai__incidentio_proxy_operational.json", IncidentIO, observe.Operational, true, 0, 0, 0},
	{"openai__incidentio_proxy_summary_ongoing_incident.json", IncidentIO, observe.PartialOutage, true, 1, 1, 0},
	{"openai__incidentio_v1_summary_none.json", IncidentIO, observe.Operational, true, 0, 0, 0},
	{"openai__incidentio_v1_summary_degraded.json", IncidentIO, observe.Degraded, true, 1, 1, 0},
	{"openai__incidentio_v1_summary_partial.json", IncidentIO, observe.PartialOutage, true, 1, 1, 0},
	{"openai__incidentio_v1_summary_major.json", IncidentIO, observe.MajorOutage, true, 1, 1, 0},
	{"openai__incidentio_v1_summary_maintenance.json", IncidentIO, observe.UnderMaintenance, true, 0, 0, 1},
	{"openai__incidentio_incident_resolved.json", IncidentIO, observe.Unknown, false, 0, 1, 0},
	{"openai__incidentio_history.atom", Feed, observe.Unknown, false, 0, 4, 0},
	// Better Stack
	{"latitude__betterstack_index_operational_trimmed.json", BetterStack, observe.Operational, true, 0, 0, 0},
	{"vapi__betterstack_index_outage_2026-05-21_reconstructed.json", BetterStack, observe.MajorOutage, true, 1, 2, 0},
	{"vapi__betterstack_index_maintenance_tomorrow_derived.json", BetterStack, observe.Operational, true, 0, 1, 1},
	{"vapi__betterstack_feed_outage_synthetic.rss", Feed, observe.Unknown, false, 1, 2, 0},
	{"vapi__betterstack_feed_rca_2026-05-22_reconstructed.rss", Feed, observe.Unknown, false, 0, 1, 0},
	// Instatus
	{"instatus__summary_hasissues_docs_example.json", Instatus, observe.Degraded, true, 1, 1, 1},
	{"wistia__instatus_summary_up.json", Instatus, observe.Operational, true, 0, 0, 0},
	// Google
	{"google-cloud__incidents.json", Google, observe.Operational, true, 0, 5, 0},
	{"google-cloud__incidents_boilerplate_derived.json", Google, observe.Operational, true, 0, 2, 0},
	// Slack
	{"slack__current_ok_docs_example.json", Slack, observe.Operational, true, 0, 0, 0},
	{"slack__current_active_docs_example.json", Slack, observe.Degraded, true, 1, 1, 0},
	{"slack__current_active_2023-09.json", Slack, observe.Degraded, true, 1, 1, 0},
	// Stripe
	{"stripe__current_full_degraded_constructed.json", Stripe, observe.Degraded, true, 0, 0, 0},
	{"stripe__current_legacy_up_constructed.json", Stripe, observe.Operational, true, 0, 0, 0},
	// status.io
	{"gitlab__statusio_status_operational_2023-06-29.json", StatusIO, observe.Operational, true, 0, 0, 1},
	{"gitlab__statusio_status_components_down_curated.json", StatusIO, observe.Operational, true, 0, 0, 1},
	// RSS / Atom
	{"github__statuspage_history.atom", Feed, observe.Unknown, false, 0, 4, 0},
	{"github__statuspage_history.rss", Feed, observe.Unknown, false, 0, 4, 0},
	{"staffbase__statuspage_history_cet.rss", Feed, observe.Unknown, false, 0, 2, 0},
	{"aws__service_health_rss_all_2021-12.rss", Feed, observe.Operational, true, 0, 2, 0},
	{"aws__ec2-ap-northeast-1_rss_2019-09.rss", Feed, observe.Operational, true, 0, 5, 0},
	{"microsoft365__admin_center_feed_available.rss", Feed, observe.Operational, true, 0, 1, 0},
	{"microsoft365__admin_center_feed_degraded.rss", Feed, observe.Degraded, true, 1, 1, 0},
	// HTML
	{"textexpander__statuspage_page_operational.html", HTML, observe.Operational, true, 0, 0, 0},
	{"python-infra__statuspage_page_unresolved_incident.html", HTML, observe.Degraded, true, 1, 1, 0},
	{"aquafadas__statuspage_page_degraded_incident.html", HTML, observe.Degraded, true, 1, 1, 0},
	{"fastly__statuspage_page_update_links.html", HTML, observe.Operational, true, 1, 1, 0},
	{"scalepoint__statuspage_page_scheduled_maintenance_cet.html", HTML, observe.Operational, true, 0, 0, 4},
	{"github__statuspage_page_maintenance_in_progress_built.html", HTML, observe.UnderMaintenance, true, 0, 0, 1},
}

// Every payload sniffs as its format and reads to the expected state and
// incidents; the whole normalized model is pinned by a golden file.
func TestCorpusReads(t *testing.T) {
	for _, tt := range corpus {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data := readFixture(t, tt.file)
			if got := Sniff(data); got != tt.format {
				t.Errorf("Sniff = %q, want %q", got, tt.format)
			}
			st, err := Parse(tt.format, data)
			if err != nil {
				t.Fatal(err)
			}
			if st.State != tt.state || st.Claims != tt.claims {
				t.Errorf("state = %s (claims %v), want %s (claims %v)", st.State, st.Claims, tt.state, tt.claims)
			}
			if n := len(st.Open()); n != tt.open {
				t.Errorf("open incidents = %d, want %d", n, tt.open)
			}
			if n := len(st.Incidents); n != tt.incidents {
				t.Errorf("incidents = %d, want %d", n, tt.incidents)
			}
			if n := len(st.Maintenances); n != tt.maintenance {
				t.Errorf("maintenances = %d, want %d", n, tt.maintenance)
			}
			assertClean(t, st)
			name := strings.TrimSuffix(tt.file, ".json") + ".golden.json"
			golden(t, name, st)
		})
	}
}

// Every fixture in testdata is listed in a corpus table, so none is left
// without a golden file.
func TestCorpusIsComplete(t *testing.T) {
	listed := map[string]bool{"SOURCES.md": true, "google-cloud__incidents.schema.json": true}
	for _, c := range corpus {
		listed[c.file] = true
	}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		// Statuspage API documents, incident.io's compatible ones included,
		// are in TestReadStatuspageCorpus.
		statuspageJSON := strings.HasSuffix(e.Name(), ".json") &&
			(strings.Contains(e.Name(), "__statuspage_") || strings.Contains(e.Name(), "__incidentio_v2_summary_"))
		if e.IsDir() || listed[e.Name()] || statuspageJSON {
			continue
		}
		t.Errorf("testdata/%s is not in the corpus table", e.Name())
	}
}

// assertClean fails when remote text in the model still holds escape
// sequences or control characters.
func assertClean(t *testing.T, st *observe.Status) {
	t.Helper()
	check := func(what, s string, multiline bool) {
		for _, r := range s {
			if r == '\n' && multiline {
				continue
			}
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' {
				t.Errorf("%s holds control character %U: %q", what, r, s)
				return
			}
		}
	}
	check("description", st.Description, false)
	for _, c := range st.Components {
		check("component", c.Name, false)
	}
	for _, in := range st.Incidents {
		check("title", in.Title, false)
		check("latest update", in.LatestUpdate, false)
		for _, u := range in.Updates {
			check("update", u.Body, true)
		}
	}
}

// The JSON Schema Google publishes next to incidents.json is not a list of
// incidents; reading it as one is a wrong-format error, not "operational".
func TestGoogleSchemaIsNotIncidents(t *testing.T) {
	_, err := Parse(Google, readFixture(t, "google-cloud__incidents.schema.json"))
	if !errors.Is(err, ErrWrongFormat) {
		t.Fatalf("err = %v, want ErrWrongFormat", err)
	}
}
