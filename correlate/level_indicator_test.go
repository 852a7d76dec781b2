package correlate_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// Issue 15, item 9, as a level: Cloudflare's page says "minor" while three
// of its 107 regional PoPs are in partial_outage. The page is read by the
// real reader (this test's one reach into a parser, to hold the two
// packages together), and the vendor's level follows the page's indicator:
// a warning when the page alone speaks, nothing to act on when our keys
// work. A team that watches a broken PoP (components:) still gets that
// PoP's partial outage: critical on the page alone, a warning beside
// working keys.
func TestLevelFollowsIndicator(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "statuspage", "testdata", "cloudflare__statuspage_summary_minor_pops_derived.json"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	page := func(components ...string) observe.Status {
		st, _, err := statuspage.ReadStatuspage(body)
		if err != nil {
			t.Fatal(err)
		}
		statuspage.Filter(st, components)
		st.Sources = []observe.Source{{URL: "https://www.cloudflarestatus.com/api/v2/summary.json", Format: "statuspage", OK: true}}
		return *st
	}
	keysWork := func(v *observe.VendorResult) {
		v.Reachability = &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, CheckedAt: now}
		v.Keys = []observe.KeyResult{{Name: "prod", Result: observe.ResultOK, HTTPStatus: 200, CheckedAt: now}}
	}
	tests := []struct {
		name   string
		status observe.Status
		probe  func(*observe.VendorResult)
		want   correlate.Level
	}{
		{"page alone", page(), nil, correlate.LevelWarning},
		{"keys work", page(), keysWork, correlate.LevelOK},
		{"page alone, watching a broken PoP", page("Lagos, Nigeria - (LOS)"), nil, correlate.LevelCritical},
		{"keys work, watching a broken PoP", page("Lagos, Nigeria - (LOS)"), keysWork, correlate.LevelWarning},
		{"page alone, watching a healthy PoP", page("Amsterdam, Netherlands - (AMS)"), nil, correlate.LevelOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := observe.VendorResult{ID: "cloudflare", Name: "Cloudflare", Status: tt.status, Keys: []observe.KeyResult{}}
			if tt.probe != nil {
				tt.probe(&v)
			}
			r, _ := correlate.Assess(observe.Snapshot{GeneratedAt: now, Vendors: []observe.VendorResult{v}}, correlate.Memory{})
			got, _ := r.Vendor("cloudflare")
			if got.Level != tt.want {
				t.Errorf("level = %s, want %s (state %s; findings %+v)", got.Level, tt.want, tt.status.State, r.Findings)
			}
		})
	}
}
