package statusread

import (
	"context"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// Issue 15, item 9, as a check reads it: a Statuspage summary whose
// indicator is "minor" while three of its 107 regional PoPs are in
// partial_outage. A vendor with no components: list is degraded, as the
// page says, and still lists every PoP in its own state; one that watches
// a broken PoP is in partial outage; one that watches a healthy PoP is
// operational; one whose list names nothing on the page keeps the page's
// verdict.
func TestReadFollowsIndicatorUnlessFiltered(t *testing.T) {
	t.Parallel()
	site := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "cloudflare__statuspage_summary_minor_pops_derived.json"}}
	url := vendortest.Serve(t, site) + "/api/v2/summary.json"
	tests := []struct {
		id         string
		components []string
		want       observe.State
		listed     int
	}{
		{"all", nil, observe.Degraded, 108},
		{"lagos", []string{"Lagos, Nigeria - (LOS)"}, observe.PartialOutage, 1},
		{"amsterdam", []string{"Amsterdam, Netherlands - (AMS)"}, observe.Operational, 1},
		{"misspelt", []string{"Amsterdam, Netherland - (AMS)"}, observe.Degraded, 0},
	}
	var vendors []catalog.Vendor
	for _, tt := range tests {
		vendors = append(vendors, catalog.Vendor{ID: tt.id, Name: tt.id, Components: tt.components,
			Sources: []catalog.SourceSpec{{URL: url, Format: statuspage.Statuspage}}})
	}
	snap := newTestPoller(vendors, testFetcher()).Check(context.Background())
	for _, tt := range tests {
		v, _ := snap.Vendor(tt.id)
		if !v.Status.Sources[0].OK {
			t.Fatalf("%s: source = %+v", tt.id, v.Status.Sources[0])
		}
		if v.Status.State != tt.want || len(v.Status.Components) != tt.listed {
			t.Errorf("%s (components %q): state = %s with %d components, want %s with %d",
				tt.id, tt.components, v.Status.State, len(v.Status.Components), tt.want, tt.listed)
		}
	}
	all, _ := snap.Vendor("all")
	var broken []string
	for _, c := range all.Status.Components {
		if c.State == observe.PartialOutage {
			broken = append(broken, c.Name)
		}
	}
	if len(broken) != 3 || !strings.HasPrefix(broken[0], "Lagos") {
		t.Errorf("PoPs in partial outage = %q, want the page's three", broken)
	}
}
