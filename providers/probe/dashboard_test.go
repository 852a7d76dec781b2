package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
)

// The dashboard check loads the dashboard's page and sends the API the
// preflight of a keyed GET from the dashboard's origin, without a key. A
// page that loads while the API refuses the preflight (or answers it with
// a 5xx) is a dashboard that shows nothing.
func TestDashboardCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		pageStatus           int
		allow                string // the preflight's Access-Control-Allow-Origin; "origin" echoes it
		preflightStatus      int
		wantPage, wantFlight observe.Result
		inError              string
	}{
		{"working", 200, "origin", 204, observe.ResultReachable, observe.ResultReachable, ""},
		{"any origin allowed", 302, "*", 200, observe.ResultReachable, observe.ResultReachable, ""},
		{"back end down behind the preflight", 200, "", 502, observe.ResultReachable, observe.ResultVendorError, "HTTP 502"},
		{"origin not allowed", 200, "https://other.example", 204, observe.ResultReachable, observe.ResultVendorError, "does not allow the dashboard's origin (it allows https://other.example)"},
		{"no CORS answer", 200, "", 404, observe.ResultReachable, observe.ResultVendorError, "does not allow"},
		{"page down", 503, "origin", 204, observe.ResultVendorError, observe.ResultReachable, "HTTP 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var credentials atomic.Int64
			dash := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.pageStatus)
			}))
			defer dash.Close()
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "" {
					credentials.Add(1)
				}
				if r.Method != http.MethodOptions || r.URL.Path != "/assistant" || r.Header.Get("Origin") != dash.URL ||
					r.Header.Get("Access-Control-Request-Method") != "GET" {
					t.Errorf("unexpected request %s %s %v", r.Method, r.URL, r.Header)
				}
				switch tt.allow {
				case "origin":
					w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
				case "":
				default:
					w.Header().Set("Access-Control-Allow-Origin", tt.allow)
				}
				w.WriteHeader(tt.preflightStatus)
			}))
			defer api.Close()
			p := New(fetch.New(fetch.Options{Timeout: 5 * time.Second}), Options{
				Resolver: &config.Resolver{},
				Sleep:    func(ctx context.Context, d time.Duration) error { return ctx.Err() },
			})
			v := catalog.Vendor{ID: "vapi", Name: "VAPI", API: catalog.APISpec{BaseURL: api.URL, Reach: "/assistant?limit=1", Dashboard: dash.URL}}
			d := p.Dashboard(context.Background(), &v)
			if d == nil || d.Origin != dash.URL {
				t.Fatalf("dashboard = %+v", d)
			}
			if d.Page.Result != tt.wantPage || d.Preflight.Result != tt.wantFlight {
				t.Errorf("page %s, preflight %s; want %s, %s (%+v)", d.Page.Result, d.Preflight.Result, tt.wantPage, tt.wantFlight, d)
			}
			if got := d.Page.Error + d.Preflight.Error; !strings.Contains(got, tt.inError) {
				t.Errorf("errors %q, want %q", got, tt.inError)
			}
			if d.Failed() != (tt.wantPage != observe.ResultReachable || tt.wantFlight != observe.ResultReachable) {
				t.Errorf("Failed() = %v", d.Failed())
			}
			if credentials.Load() != 0 {
				t.Error("the dashboard check sent a credential")
			}
		})
	}
	// A vendor without a dashboard is not checked.
	p := New(fetch.New(fetch.Options{Timeout: time.Second}), Options{Resolver: &config.Resolver{}})
	if d := p.Dashboard(context.Background(), &catalog.Vendor{ID: "openai", API: catalog.APISpec{BaseURL: "http://127.0.0.1:1"}}); d != nil {
		t.Errorf("dashboard = %+v for a vendor without one", d)
	}
}
