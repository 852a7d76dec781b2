package statusread

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// A timeline of separate processes (each --once a new reader on the same
// state dir, the validators coming from http/index and the models from
// models.bin) over two vendors: Anthropic's page goes from operational to
// an incident and back, while GitHub's page keeps an unrelated incident
// open all along. At every check each vendor reads what its page says
// now: a 304 is answered with the model of the document the server
// confirmed, never with the one before it, and a changed page is read
// again in full.
func TestIndexTimelineAcrossProcesses(t *testing.T) {
	t.Parallel()
	anthropic, github := &vendortest.Page{}, &vendortest.Page{}
	github.Set("anthropic__statuspage_summary_incident_investigating.json", `"g1"`, may21)
	a, g := httptest.NewServer(anthropic), httptest.NewServer(github)
	defer a.Close()
	defer g.Close()
	vendors := []catalog.Vendor{
		{ID: "anthropic", Name: "Anthropic", Sources: []catalog.SourceSpec{{URL: a.URL + "/s.json", Format: statuspage.Statuspage}}},
		{ID: "github", Name: "GitHub", Sources: []catalog.SourceSpec{{URL: g.URL + "/s.json", Format: statuspage.Statuspage}}},
	}
	state := t.TempDir()

	steps := []struct {
		at        string
		page      string // Anthropic's document from now on ("" keeps it)
		etag      string
		incident  bool // Anthropic shows an open incident
		unchanged bool // Anthropic's page answered 304
	}{
		{"12:00 operational, first sight", "anthropic__statuspage_summary_none.json", `"a1"`, false, false},
		{"12:01 still operational", "", "", false, true},
		{"12:02 incident posted", "anthropic__statuspage_summary_incident_investigating.json", `"a2"`, true, false},
		{"12:03 incident still open", "", "", true, true},
		{"12:04 resolved", "anthropic__statuspage_summary_none.json", `"a3"`, false, false},
		{"12:05 still resolved", "", "", false, true},
	}
	for i, step := range steps {
		if step.page != "" {
			anthropic.Set(step.page, step.etag, may21.Add(time.Duration(i)*time.Minute))
		}
		p := newTestPoller(vendors, testFetcher())
		p.SetStateDir(state) // a new process
		snap := p.Check(context.Background())
		av, _ := snap.Vendor("anthropic")
		gv, _ := snap.Vendor("github")

		src := av.Status.Sources[0]
		if !src.OK || src.NotModified != step.unchanged {
			t.Errorf("%s: Anthropic's source %+v, want ok and not_modified=%v", step.at, src, step.unchanged)
		}
		if got := openIncidents(av.Status) > 0; got != step.incident {
			t.Errorf("%s: Anthropic shows an open incident: %v, want %v (state %s)", step.at, got, step.incident, av.Status.State)
		}
		if step.incident == (av.Status.State == observe.Operational) {
			t.Errorf("%s: Anthropic's state %s with incident=%v", step.at, av.Status.State, step.incident)
		}
		if i > 0 {
			if h := anthropic.Last(); h.Get("If-None-Match") == "" {
				t.Errorf("%s: Anthropic's request was not conditional", step.at)
			}
		}

		// The unrelated incident stays open at every check, from the
		// first download and then from 304s.
		if openIncidents(gv.Status) == 0 || gv.Status.Sources[0].NotModified != (i > 0) {
			t.Errorf("%s: GitHub's page %+v with %d open incidents, want its incident at every check", step.at, gv.Status.Sources[0], openIncidents(gv.Status))
		}
	}
}

// openIncidents counts the incidents a status shows as not resolved.
func openIncidents(s observe.Status) int {
	n := 0
	for _, inc := range s.Incidents {
		if inc.ResolvedAt.IsZero() {
			n++
		}
	}
	return n
}
