package providers

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// A vendor's result carries the catalog's links from before its first
// check and after it, even when seeded from a snapshot of an older
// vendorwatch that had none: advice cites them (a holder's key page).
func TestPollerCarriesLinks(t *testing.T) {
	t.Parallel()
	page := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_none.json"}}
	srv := httptest.NewServer(page)
	defer srv.Close()
	v := catalog.Vendor{ID: "vapi", Name: "VAPI", Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: "statuspage"}},
		Links: catalog.Links{Keys: "https://dashboard.vapi.ai/org/api-keys"}}
	p := NewPoller([]catalog.Vendor{v}, testFetcher())
	want := observe.Links{Keys: "https://dashboard.vapi.ai/org/api-keys"}
	if got, _ := p.Snapshot().Vendor("vapi"); got.Links != want {
		t.Errorf("before the first check: links %+v", got.Links)
	}
	p.Seed(observe.Snapshot{Vendors: []observe.VendorResult{{ID: "vapi", Name: "VAPI"}}})
	if got, _ := p.Check(context.Background()).Vendor("vapi"); got.Links != want {
		t.Errorf("after a check from an old seed: links %+v", got.Links)
	}
}
