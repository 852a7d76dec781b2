package statusread

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// One Statuspage incident's life, replayed update by update as a check
// reads it: status.claude.com's incident 978mjkgw6mh7 (investigating,
// identified, monitoring, resolved), its summary.json and incidents.json
// served from loopback at each step (statuspage/testdata/replay, see
// SOURCES.md). At every step the vendor's state is the page's, the
// incident's status is the step's, and its start stays the same UTC
// instant; once resolved, the summary no longer lists it and
// incidents.json says it is over.
func TestReplayStatuspageIncident(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "statuspage", "testdata", "replay")
	steps := []struct {
		name   string
		state  observe.State
		status string
		open   bool
	}{
		{"1_investigating", observe.Degraded, "investigating", true},
		{"2_identified", observe.Degraded, "identified", true},
		{"3_monitoring", observe.Degraded, "monitoring", true},
		{"4_resolved", observe.Operational, "resolved", false},
	}
	var step atomic.Value
	step.Store(steps[0].name)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var kind string
		switch r.URL.Path {
		case "/api/v2/summary.json":
			kind = "summary"
		case "/api/v2/incidents.json":
			kind = "incidents"
		default:
			http.NotFound(w, r)
			return
		}
		body, err := os.ReadFile(filepath.Join(dir, "anthropic__statuspage_"+kind+"_978mjkgw6mh7_"+step.Load().(string)+".json"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	vendor := catalog.Vendor{ID: "anthropic", Name: "Anthropic", Sources: []catalog.SourceSpec{
		{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage},
		{URL: srv.URL + "/api/v2/incidents.json", Format: statuspage.Statuspage},
	}}
	poller := newTestPoller([]catalog.Vendor{vendor}, testFetcher())
	started := time.Date(2026, 10, 7, 16, 21, 47, 0, time.UTC)
	for _, s := range steps {
		step.Store(s.name)
		snap := poller.Check(context.Background())
		v, _ := snap.Vendor("anthropic")
		st := v.Status
		if st.State != s.state {
			t.Errorf("%s: state = %s, want %s", s.name, st.State, s.state)
		}
		var found []observe.Incident
		for _, in := range st.Incidents {
			if in.ID == "978mjkgw6mh7" {
				found = append(found, in)
			}
		}
		if len(found) != 1 {
			t.Fatalf("%s: incident listed %d times: %+v", s.name, len(found), st.Incidents)
		}
		in := found[0]
		if in.Status != s.status || in.Resolved() == s.open {
			t.Errorf("%s: incident status = %q (resolved %v), want %q", s.name, in.Status, in.Resolved(), s.status)
		}
		if !in.StartedAt.Equal(started) || in.StartedAt.Location() != time.UTC {
			t.Errorf("%s: started_at = %s, want %s", s.name, in.StartedAt, started.Format(time.RFC3339))
		}
		if open := len(st.Open()); (open == 1) != s.open {
			t.Errorf("%s: %d open incidents", s.name, open)
		}
		if s.open && (len(in.Components) != 1 || in.Components[0] != "Claude Console (platform.claude.com)") {
			t.Errorf("%s: components = %q, want the one affected, once", s.name, in.Components)
		}
	}
}
