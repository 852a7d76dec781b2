package providers

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// Reachability needs no key: the vendor answering in its own JSON (any
// status but a 5xx) is reachable; its edge's HTML or a 5xx is the vendor
// failing; no answer is ours to explain.
func TestReachability(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reach   reply
		want    observe.Result
		status  int
		inError string
	}{
		{"vendor JSON 401", reply{status: 401, file: "openai__401_invalid_api_key.json"}, observe.ResultReachable, 401, ""},
		{"VAPI's NestJS 401", reply{status: 401, file: "vapi__401_invalid_key.json"}, observe.ResultReachable, 401, ""},
		{"cloudflare 502", reply{status: 502, file: "openai__502_cloudflare.html", header: map[string]string{"Server": "cloudflare", "Content-Type": "text/html"}}, observe.ResultVendorError, 502, "served by cloudflare"},
		{"JSON 503", reply{status: 503, file: "openai__503_server_is_overloaded.json"}, observe.ResultVendorError, 503, "HTTP 503: Our servers are currently overloaded"},
		{"529", reply{status: 529, file: "anthropic__529_overloaded_error.json"}, observe.ResultVendorError, 529, "Overloaded"},
		{"hangs", reply{hang: true}, observe.ResultTimeout, 0, "no answer within"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, srv := newFakeAPI(t, "", reply{status: 200})
			api.reach = tt.reach
			v := catalog.Vendor{ID: "openai", Name: "OpenAI", API: catalog.APISpec{BaseURL: srv.URL, Reach: "/v1/models"}}
			p, waits := testPoller([]catalog.Vendor{v}, nil, tt.reach.hang)
			vr, _ := p.Check(context.Background()).Vendor("openai")
			r := vr.Reachability
			if r == nil || r.Result != tt.want || r.HTTPStatus != tt.status || !strings.Contains(r.Error, tt.inError) || r.CheckedAt.IsZero() {
				t.Fatalf("reachability = %+v", r)
			}
			if wantRetry := tt.want != observe.ResultReachable; (len(*waits) == 1) != wantRetry {
				t.Errorf("waits = %v; a failure is retried once, success never", *waits)
			}
			if api.probeCount() != 0 {
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
	p, _ := testPoller([]catalog.Vendor{v}, map[string]string{"VW_KEY": fixture.VAPIKey})
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
	p, _ := testPoller([]catalog.Vendor{{ID: "aws", Name: "AWS"}}, nil)
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

// Streaks continue across checks, and across processes through a saved
// snapshot (Poller.Seed); a new result or a rotated key starts over.
func TestProbeStreaksCarryForward(t *testing.T) {
	t.Parallel()
	api, srv := newFakeAPI(t, fixture.OpenAIKey, reply{status: 401, file: "openai__401_invalid_api_key.json"})
	v := catalogVendor(t, "openai", srv.URL, config.Key{})
	env := map[string]string{"VW_KEY": fixture.OpenAIKey}
	clock := time.Date(2026, 5, 21, 10, 57, 0, 0, time.UTC)
	tick := func(p *Poller) {
		p.now = func() time.Time { return clock }
		clock = clock.Add(time.Minute)
	}
	key := func(s observe.Snapshot) observe.KeyResult {
		vr, _ := s.Vendor("openai")
		return vr.Keys[0]
	}
	first, _ := testPoller([]catalog.Vendor{v}, env)
	tick(first)
	k1 := key(first.Check(context.Background()))
	tick(first)
	k2 := key(first.Check(context.Background()))
	if k1.Consecutive != 1 || k2.Consecutive != 2 || !k2.Since.Equal(k1.CheckedAt) || k2.CheckedAt.Equal(k1.CheckedAt) {
		t.Fatalf("streak: %d since %v, then %d since %v", k1.Consecutive, k1.Since, k2.Consecutive, k2.Since)
	}

	// A later process continues from the saved snapshot.
	saved, err := json.Marshal(first.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap observe.Snapshot
	if err := json.Unmarshal(saved, &snap); err != nil {
		t.Fatal(err)
	}
	second, _ := testPoller([]catalog.Vendor{v}, env)
	second.Seed(snap)
	tick(second)
	k3 := key(second.Check(context.Background()))
	if k3.Consecutive != 3 || !k3.Since.Equal(k1.CheckedAt) {
		t.Errorf("after Seed: %d since %v, want 3 since %v", k3.Consecutive, k3.Since, k1.CheckedAt)
	}

	// The key comes back: a new streak.
	api.mu.Lock()
	api.replies = []reply{{status: 200, file: "openai__200_models.json"}}
	api.mu.Unlock()
	tick(second)
	k4 := key(second.Check(context.Background()))
	if k4.Result != observe.ResultOK || k4.Consecutive != 1 || !k4.Since.Equal(k4.CheckedAt) {
		t.Errorf("recovered: %s %d since %v", k4.Result, k4.Consecutive, k4.Since)
	}

	// The key is rotated under the same name: the streak is the new key's.
	env2 := map[string]string{"VW_KEY": strings.Replace(fixture.OpenAIKey, "MxYA", "Zz9Q", 1)}
	third, _ := testPoller([]catalog.Vendor{v}, env2)
	third.Seed(second.Snapshot())
	tick(third)
	k5 := key(third.Check(context.Background()))
	if k5.Consecutive != 1 || k5.Fingerprint != "sk-proj-…Zz9Q" {
		t.Errorf("rotated: %d %s", k5.Consecutive, k5.Fingerprint)
	}
}
