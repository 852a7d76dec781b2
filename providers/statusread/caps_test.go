package statusread

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// bigPages serves a Statuspage summary and an Atlassian HTML page of n
// components each ("Component 0" …), operational but for "Component 10".
func bigPages(t *testing.T, n int) *httptest.Server {
	t.Helper()
	var js, html strings.Builder
	js.WriteString(`{"page":{"id":"p1","name":"Big","url":"https://status.big.example"},"status":{"indicator":"minor","description":"Minor Service Outage"},"incidents":[],"scheduled_maintenances":[],"components":[`)
	html.WriteString(`<!DOCTYPE html><html><body class="status status-minor"><div class="page-status status-minor"><span class="status">Minor Service Outage</span></div>`)
	for i := range n {
		state := "operational"
		if i == 10 {
			state = "partial_outage"
		}
		if i > 0 {
			js.WriteString(",")
		}
		fmt.Fprintf(&js, `{"id":"c%d","name":"Component %d","status":%q,"group":false,"group_id":null}`, i, i, state)
		fmt.Fprintf(&html, `<div class="component-container"><div class="component-inner-container" data-component-status=%q><span class="name">Component %d</span></div></div>`, state, i)
	}
	js.WriteString("]}")
	html.WriteString("</body></html>")
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v2/summary.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(js.String()))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("ETag", `"big"`)
		w.Write([]byte(html.String()))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// A page of 5,000 components reaches the snapshot cut to 2,000, the one
// in trouble among them and the cut counted; a vendor that names its
// components gets them, with nothing counted as missing. Two vendors
// reading one page for different components each get their own: the
// remembered model of a page depends on the components named.
func TestReadCapsBigPages(t *testing.T) {
	t.Parallel()
	srv := bigPages(t, 5000)
	for _, format := range []statuspage.Format{statuspage.Statuspage, statuspage.HTML} {
		t.Run(string(format), func(t *testing.T) {
			t.Parallel()
			url := srv.URL + "/api/v2/summary.json"
			if format == statuspage.HTML {
				url = srv.URL + "/"
			}
			spec := []catalog.SourceSpec{{URL: url, Format: format}}
			vendors := []catalog.Vendor{
				{ID: "all", Name: "All", Sources: spec},
				{ID: "one", Name: "One", Sources: spec, Components: []string{"Component 4321"}},
				{ID: "other", Name: "Other", Sources: spec, Components: []string{"component 4999"}},
			}
			p := newTestPoller(vendors, testFetcher())
			for range 2 { // the second check reads the HTML page from the memo
				snap := p.Check(context.Background())
				all, _ := snap.Vendor("all")
				st := all.Status
				if !st.Sources[0].OK {
					t.Fatalf("source: %+v", st.Sources[0])
				}
				if len(st.Components) != 2000 || st.ComponentsOmitted != 3000 || st.State != observe.Degraded {
					t.Fatalf("all: %d components, %d omitted, %s", len(st.Components), st.ComponentsOmitted, st.State)
				}
				if st.Components[10].Name != "Component 10" || st.Components[10].State != observe.PartialOutage {
					t.Errorf("the component in trouble was not kept: %+v", st.Components[10])
				}
				if st.OmittedNote() == "" {
					t.Error("no note says the page was cut")
				}
				for id, want := range map[string]string{"one": "Component 4321", "other": "Component 4999"} {
					r, _ := snap.Vendor(id)
					if len(r.Status.Components) != 1 || r.Status.Components[0].Name != want ||
						r.Status.ComponentsOmitted != 0 || r.Status.State != observe.Operational {
						t.Errorf("%s: %+v, %d omitted, %s; want only %s, operational", id, r.Status.Components, r.Status.ComponentsOmitted, r.Status.State, want)
					}
				}
			}
		})
	}
}
