package catalog

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

func TestCatalogIsComplete(t *testing.T) {
	cat := Builtin()
	required := []string{"openai", "vapi", "anthropic", "elevenlabs", "deepgram", "twilio", "gemini", "google-cloud",
		"firebase", "groq", "mistral", "cohere", "langsmith", "github", "cloudflare", "stripe", "vercel", "supabase",
		"pinecone", "slack", "aws"}
	for _, id := range required {
		if !cat.Has(id) {
			t.Errorf("catalog lacks %s", id)
		}
	}
	for _, e := range cat.All() {
		if e.Name == "" || !strings.HasPrefix(e.Page, "https://") || len(e.Status) == 0 {
			t.Errorf("%s: needs a name, an https page and a status source: %+v", e.ID, e)
		}
		for _, s := range e.Status {
			if _, err := statuspage.ParseFormat(string(s.Format)); err != nil || !strings.HasPrefix(s.URL, "https://") {
				t.Errorf("%s: bad source %+v (%v)", e.ID, s, err)
			}
		}
		if e.API.BaseURL != "" && !strings.HasPrefix(e.API.BaseURL, "https://") {
			t.Errorf("%s: API must be https: %s", e.ID, e.API.BaseURL)
		}
		if e.Probe != nil && (e.API.BaseURL == "" || e.Probe.Auth == "" || e.Probe.Family == "") {
			t.Errorf("%s: a probe needs an API base URL, an auth style and a family", e.ID)
		}
	}
}

func TestCatalogSearchAndSuggest(t *testing.T) {
	cat := Builtin()
	hits := cat.Search("claude")
	if len(hits) == 0 || hits[0].ID != "anthropic" {
		t.Errorf("search claude = %v", ids(hits))
	}
	if hits := cat.Search("OpenAI"); hits[0].ID != "openai" {
		t.Errorf("search OpenAI = %v", ids(hits))
	}
	if len(cat.Search("")) != len(cat.All()) {
		t.Error("empty query does not list everything")
	}
	if s := cat.Suggest("opena"); s != "openai" {
		t.Errorf("suggest opena = %q", s)
	}
	if s := cat.Suggest("zzzzzzzzzz"); s != "" {
		t.Errorf("suggest nonsense = %q", s)
	}
	if e, ok := cat.Get("claude"); !ok || e.ID != "anthropic" {
		t.Error("alias claude does not resolve")
	}
}

func ids(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestResolve(t *testing.T) {
	cat := Builtin()
	cfg := config.Default()
	cfg.Vendors = []config.Vendor{
		{ID: "openai", Components: []string{"API"}, API: &config.API{BaseURL: "http://127.0.0.1:9/"}},
		{ID: "vapi", DependsOn: []string{"openai"}, Status: []config.Source{{URL: "http://127.0.0.1:9/index.json", Format: "betterstack"}}},
		{ID: "acme", Name: "Acme Voice", Status: []config.Source{{URL: "https://status.acme.dev/x"}}},
	}
	vs, err := Resolve(cfg, cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if vs[0].Name != "OpenAI" || vs[0].API.BaseURL != "http://127.0.0.1:9" || vs[0].API.Reach != "/v1/models" ||
		!slices.Equal(vs[0].Components, []string{"API"}) || vs[0].Interval != config.DefaultInterval {
		t.Errorf("openai = %+v", vs[0])
	}
	if len(vs[1].Sources) != 1 || vs[1].Sources[0].URL != "http://127.0.0.1:9/index.json" || vs[1].PageURL != "https://status.vapi.ai" {
		t.Errorf("vapi = %+v", vs[1])
	}
	if vs[2].Name != "Acme Voice" || vs[2].PageURL != "https://status.acme.dev" {
		t.Errorf("acme = %+v", vs[2])
	}
	// VAPI's dashboard comes with the catalog's API host: a base_url of
	// one's own drops it (no request to the real dashboard from a test or
	// a proxy setup), unless dashboard: is given too.
	if vs[1].API.Dashboard != "https://dashboard.vapi.ai" {
		t.Errorf("vapi dashboard = %q", vs[1].API.Dashboard)
	}
	for _, tt := range []struct {
		api  config.API
		want string
	}{
		{config.API{BaseURL: "http://127.0.0.1:9"}, ""},
		{config.API{BaseURL: "http://127.0.0.1:9", Dashboard: "http://127.0.0.1:10/"}, "http://127.0.0.1:10"},
	} {
		c := config.Default()
		c.Vendors = []config.Vendor{{ID: "vapi", API: &tt.api}}
		got, err := Resolve(c, cat, nil)
		if err != nil || got[0].API.Dashboard != tt.want {
			t.Errorf("api %+v: dashboard %q, want %q (%v)", tt.api, got[0].API.Dashboard, tt.want, err)
		}
	}
	only, err := Resolve(cfg, cat, []string{"vapi"})
	if err != nil || len(only) != 1 || only[0].ID != "vapi" {
		t.Errorf("--only vapi = %v, %v", only, err)
	}
	if _, err := Resolve(cfg, cat, []string{"nope"}); err == nil {
		t.Error("--only with an unknown id is not an error")
	}
}

func TestDefaultConfigPicksUpEnvKeys(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-test")
	cat := Builtin()
	cfg := DefaultConfig(cat)
	var openai *config.Vendor
	for i, v := range cfg.Vendors {
		if v.ID == "openai" {
			openai = &cfg.Vendors[i]
		}
	}
	if openai == nil || len(openai.Keys) != 1 || openai.Keys[0].Secret.Kind != config.SecretEnv || openai.Keys[0].Secret.Value != "OPENAI_API_KEY" {
		t.Fatalf("openai = %+v", openai)
	}
	for _, must := range []string{"vapi", "anthropic", "github", "cloudflare"} {
		if !slices.ContainsFunc(cfg.Vendors, func(v config.Vendor) bool { return v.ID == must }) {
			t.Errorf("default set lacks %s", must)
		}
	}
}

// BenchmarkResolve is what `--once` spends merging a config of 1,000
// vendors that are in neither the curated catalog nor the directory (as
// cmd/vwbench's are) with the catalog, the directory already loaded:
//
//	go test -run '^$' -bench Resolve -benchmem ./providers/catalog/
func BenchmarkResolve(b *testing.B) {
	cfg := config.Default()
	for i := range 1000 {
		cfg.Vendors = append(cfg.Vendors, config.Vendor{
			ID: fmt.Sprintf("bench-%03d", i), Name: fmt.Sprintf("Bench %03d", i),
			Status: []config.Source{{URL: fmt.Sprintf("http://127.0.0.1:9/v%03d/api/v2/summary.json", i), Format: "statuspage"}},
		})
	}
	cat := Builtin()
	cat.DirectorySize() // the directory is loaded once per process, not per Resolve
	for b.Loop() {
		if _, err := Resolve(cfg, cat, nil); err != nil {
			b.Fatal(err)
		}
	}
}
