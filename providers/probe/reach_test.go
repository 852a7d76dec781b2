package probe

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// Reachability needs no key: the vendor answering in its own JSON (any
// status but a 5xx) is reachable; its edge's HTML or a 5xx is the vendor
// failing; no answer is ours to explain.
func TestReachability(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reach   vendortest.Reply
		want    observe.Result
		status  int
		inError string
	}{
		{"vendor JSON 401", vendortest.Reply{Status: 401, File: "openai__401_invalid_api_key.json"}, observe.ResultReachable, 401, ""},
		{"VAPI's NestJS 401", vendortest.Reply{Status: 401, File: "vapi__401_invalid_key.json"}, observe.ResultReachable, 401, ""},
		{"cloudflare 502", vendortest.Reply{Status: 502, File: "openai__502_cloudflare.html", Header: map[string]string{"Server": "cloudflare", "Content-Type": "text/html"}}, observe.ResultVendorError, 502, "served by cloudflare"},
		{"JSON 503", vendortest.Reply{Status: 503, File: "openai__503_server_is_overloaded.json"}, observe.ResultVendorError, 503, "HTTP 503: Our servers are currently overloaded"},
		{"529", vendortest.Reply{Status: 529, File: "anthropic__529_overloaded_error.json"}, observe.ResultVendorError, 529, "Overloaded"},
		{"hangs", vendortest.Reply{Hang: true}, observe.ResultTimeout, 0, "no answer within"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, srv := vendortest.NewAPI(t, "", vendortest.Reply{Status: 200})
			api.Reach = tt.reach
			v := catalog.Vendor{ID: "openai", Name: "OpenAI", API: catalog.APISpec{BaseURL: srv.URL, Reach: "/v1/models"}}
			p, waits := testChecker([]catalog.Vendor{v}, nil, tt.reach.Hang)
			vr, _ := p.Check(context.Background()).Vendor("openai")
			r := vr.Reachability
			if r == nil || r.Result != tt.want || r.HTTPStatus != tt.status || !strings.Contains(r.Error, tt.inError) || r.CheckedAt.IsZero() {
				t.Fatalf("reachability = %+v", r)
			}
			if wantRetry := tt.want != observe.ResultReachable && tt.want != observe.ResultTimeout; (len(*waits) == 1) != wantRetry {
				t.Errorf("waits = %v; a fast failure is retried once, a hang or success never", *waits)
			}
			if api.ProbeCount() != 0 {
				t.Error("the keyless check sent a credential")
			}
		})
	}
}

func TestReachabilityNetworkError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(nil)
	base := srv.URL
	srv.Close() // nothing listens there now
	v := catalog.Vendor{ID: "vapi", Name: "VAPI", API: catalog.APISpec{BaseURL: base, Reach: "/assistant?limit=1"}, Probe: BuiltinCatalogProbe(t, "vapi"),
		Keys: []config.Key{{Name: "prod", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_KEY"}}}}
	p, _ := testChecker([]catalog.Vendor{v}, map[string]string{"VW_KEY": fixture.VAPIKey})
	vr, _ := p.Check(context.Background()).Vendor("vapi")
	if vr.Reachability.Result != observe.ResultNetworkError || !strings.Contains(vr.Reachability.Error, "refused") {
		t.Errorf("reachability = %+v", vr.Reachability)
	}
	if k := vr.Keys[0]; k.Result != observe.ResultNetworkError || k.HTTPStatus != 0 || k.Fingerprint != Fingerprint(fixture.VAPIKey) {
		t.Errorf("key = %+v", k)
	}
}

// A vendor without a keyless request has no reachability.
func TestReachabilityNotConfigured(t *testing.T) {
	t.Parallel()
	p, _ := testChecker([]catalog.Vendor{{ID: "aws", Name: "AWS"}}, nil)
	vr, _ := p.Check(context.Background()).Vendor("aws")
	b, _ := json.Marshal(vr)
	if vr.Reachability != nil || strings.Contains(string(b), "reachability") {
		t.Errorf("reachability = %+v", vr.Reachability)
	}
}

// BuiltinCatalogProbe returns a catalog vendor's probe.
func BuiltinCatalogProbe(t *testing.T, id string) *catalog.ProbeSpec {
	t.Helper()
	e, _ := catalog.Builtin().Get(id)
	return e.Probe
}
