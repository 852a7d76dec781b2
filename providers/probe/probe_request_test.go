package probe

import (
	"context"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// Each catalog probe sends its free, read-only request: the documented
// method and path, the key in the vendor's auth header and nowhere else,
// and the version header the classifier's reading depends on.
func TestProbeRequestShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vendor, key, path, query string
		headers                  map[string]string
	}{
		{"github", fixture.GitHubToken, "/rate_limit", "", map[string]string{"Authorization": "Bearer " + fixture.GitHubToken, "X-Github-Api-Version": "2022-11-28"}},
		{"github", fixture.GitHubFineGrained, "/rate_limit", "", map[string]string{"Authorization": "Bearer " + fixture.GitHubFineGrained}},
		{"openrouter", fixture.OpenRouterKey, "/api/v1/key", "", map[string]string{"Authorization": "Bearer " + fixture.OpenRouterKey}},
		{"groq", fixture.GroqKey, "/openai/v1/models", "", map[string]string{"Authorization": "Bearer " + fixture.GroqKey}},
		{"mistral", fixture.MistralKey, "/v1/models", "", map[string]string{"Authorization": "Bearer " + fixture.MistralKey}},
		{"cartesia", fixture.CartesiaKey, "/voices", "limit=1", map[string]string{"Authorization": "Bearer " + fixture.CartesiaKey, "Cartesia-Version": "2026-03-01"}},
		{"retell", fixture.RetellKey, "/get-concurrency", "", map[string]string{"Authorization": "Bearer " + fixture.RetellKey}},
	}
	for _, tt := range tests {
		t.Run(tt.vendor+"/"+Fingerprint(tt.key), func(t *testing.T) {
			t.Parallel()
			api, srv := vendortest.NewAPI(t, tt.key, vendortest.Reply{Status: 200})
			v := vendortest.CatalogVendor(t, tt.vendor, srv.URL, config.Key{})
			p, _ := testChecker([]catalog.Vendor{v}, map[string]string{"VW_KEY": tt.key})
			p.Check(context.Background())
			probes := api.Probes()
			if len(probes) != 1 {
				t.Fatalf("%d probes sent, want 1", len(probes))
			}
			r := probes[0]
			if r.Method != "GET" || r.URL.Path != tt.path || r.URL.RawQuery != tt.query {
				t.Errorf("probe = %s %s?%s, want GET %s?%s", r.Method, r.URL.Path, r.URL.RawQuery, tt.path, tt.query)
			}
			for name, want := range tt.headers {
				if got := r.Header.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, "the expected value")
				}
			}
			for _, h := range []string{"X-Api-Key", "Xi-Api-Key", "X-Goog-Api-Key"} {
				if r.Header.Get(h) != "" {
					t.Errorf("the key also went in %s", h)
				}
			}
		})
	}
}
