package probe

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// Each vendor gets the key in its own header, never in the URL, plus the
// headers its API requires.
func TestProbeSendsKeyTheVendorsWay(t *testing.T) {
	t.Parallel()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(fixture.TwilioAccount+":"+fixture.TwilioToken))
	tests := []struct {
		vendor, key, method, path string
		header                    map[string]string
	}{
		{"openai", fixture.OpenAIKey, "GET", "/v1/models", map[string]string{"Authorization": "Bearer " + fixture.OpenAIKey, "OpenAI-Organization": "org-abc"}},
		{"vapi", fixture.VAPIKey, "GET", "/assistant", map[string]string{"Authorization": "Bearer " + fixture.VAPIKey}},
		{"anthropic", fixture.AnthropicKey, "GET", "/v1/models", map[string]string{"X-Api-Key": fixture.AnthropicKey, "Anthropic-Version": "2023-06-01"}},
		{"elevenlabs", fixture.ElevenKey, "GET", "/v1/user", map[string]string{"Xi-Api-Key": fixture.ElevenKey}},
		{"deepgram", fixture.DeepgramKey, "GET", "/v1/projects", map[string]string{"Authorization": "Token " + fixture.DeepgramKey}},
		{"twilio", fixture.TwilioToken, "GET", "/2010-04-01/Accounts/" + fixture.TwilioAccount + ".json", map[string]string{"Authorization": basic}},
		{"gemini", fixture.GeminiKey, "GET", "/v1beta/models", map[string]string{"X-Goog-Api-Key": fixture.GeminiKey}},
		{"groq", fixture.GroqKey, "GET", "/openai/v1/models", map[string]string{"Authorization": "Bearer " + fixture.GroqKey}},
		{"mistral", fixture.MistralKey, "GET", "/v1/models", map[string]string{"Authorization": "Bearer " + fixture.MistralKey}},
		{"cohere", fixture.CohereKey, "POST", "/v1/check-api-key", map[string]string{"Authorization": "Bearer " + fixture.CohereKey}},
		{"stripe", fixture.StripeKey, "GET", "/v1/balance", map[string]string{"Authorization": "Bearer " + fixture.StripeKey}},
		{"langsmith", fixture.LangSmithKey, "GET", "/api/v1/api-key", map[string]string{"X-Api-Key": fixture.LangSmithKey}},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			t.Parallel()
			api, srv := vendortest.NewAPI(t, tt.key, vendortest.Reply{Status: 200, File: "cohere__200_valid.json"})
			k := config.Key{}
			if tt.vendor == "twilio" {
				k.Account = fixture.TwilioAccount
			}
			if tt.vendor == "openai" {
				k.Headers = map[string]string{"OpenAI-Organization": "org-abc"}
			}
			v := vendortest.CatalogVendor(t, tt.vendor, srv.URL, k)
			p, _ := testChecker([]catalog.Vendor{v}, map[string]string{"VW_KEY": tt.key})
			p.Check(context.Background())
			if api.ProbeCount() != 1 {
				t.Fatalf("%d probes sent", api.ProbeCount())
			}
			r := api.Probes()[0]
			if r.Method != tt.method || r.URL.Path != tt.path {
				t.Errorf("request = %s %s, want %s %s", r.Method, r.URL.Path, tt.method, tt.path)
			}
			if strings.Contains(r.URL.String(), tt.key) || strings.Contains(r.URL.RawQuery, "key=") {
				t.Errorf("the key is in the URL: %s", r.URL)
			}
			for h, want := range tt.header {
				if got := r.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			carriers := 0
			for _, h := range []string{"Authorization", "X-Api-Key", "Xi-Api-Key", "X-Goog-Api-Key"} {
				if r.Header.Get(h) != "" {
					carriers++
				}
			}
			if carriers != 1 {
				t.Errorf("the key went in %d headers, want 1: %v", carriers, r.Header)
			}
		})
	}
}

// A redirect to another host never carries the key there: it is not
// followed at all, and the result says why.
func TestProbeRedirectToOtherHostKeepsKey(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		if vendortest.CarriesCredential(r) {
			t.Errorf("the key reached another host: %v", r.Header)
		}
	}))
	defer other.Close()
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/v1/models", http.StatusTemporaryRedirect)
	}))
	defer home.Close()
	v := vendortest.CatalogVendor(t, "anthropic", home.URL, config.Key{})
	v.API.Reach = "" // only the key-carrying request matters here
	p, _ := testChecker([]catalog.Vendor{v}, map[string]string{"VW_KEY": fixture.AnthropicKey})
	vr, _ := p.Check(context.Background()).Vendor("anthropic")
	k := vr.Keys[0]
	if elsewhere.Load() != 0 {
		t.Errorf("the redirect was followed (%d requests to the other host)", elsewhere.Load())
	}
	if k.Result != observe.ResultUnexpected || k.Code != "redirect" || k.HTTPStatus != 307 || !strings.Contains(k.Message, "not followed") {
		t.Errorf("key = %+v", k)
	}
}

// A redirect within the vendor's own host is followed, key and all.
func TestProbeRedirectSameHostFollowed(t *testing.T) {
	t.Parallel()
	var sawKey atomic.Bool
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			http.Redirect(w, r, srv.URL+"/v2/models", http.StatusMovedPermanently)
			return
		}
		if r.Header.Get("Authorization") == "Bearer "+fixture.OpenAIKey {
			sawKey.Store(true)
		}
		w.Write([]byte(`{"object":"list","data":[]}`))
	}))
	defer srv.Close()
	v := vendortest.CatalogVendor(t, "openai", srv.URL, config.Key{})
	v.API.Reach = ""
	p, _ := testChecker([]catalog.Vendor{v}, map[string]string{"VW_KEY": fixture.OpenAIKey})
	vr, _ := p.Check(context.Background()).Vendor("openai")
	if vr.Keys[0].Result != observe.ResultOK || !sawKey.Load() {
		t.Errorf("key = %+v, key seen after redirect: %v", vr.Keys[0], sawKey.Load())
	}
}

// failTransport fails the test if anything is sent.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("a request went out to %s", r.URL)
	return nil, http.ErrNotSupported
}

// Keys go over HTTPS only; plain HTTP only to loopback.
func TestProbeRefusesPlainHTTPToRemoteHost(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"http://api.openai.example", "http://10.0.0.8:8080", "ftp://api.openai.com"} {
		v := vendortest.CatalogVendor(t, "openai", base, config.Key{})
		pr := New(fetch.New(fetch.Options{Transport: failTransport{t}}), Options{
			Resolver: &config.Resolver{LookupEnv: func(string) (string, bool) { return fixture.OpenAIKey, true }}})
		k := pr.Key(context.Background(), v, v.Keys[0])
		if k.Result != observe.ResultMisconfigured || k.Code != "insecure_url" || !strings.Contains(k.Message, "HTTPS only") {
			t.Errorf("%s: key = %+v", base, k)
		}
	}
	for _, u := range []string{"https://api.openai.com/v1", "http://127.0.0.1:9/x", "http://[::1]:9/x", "http://localhost:9/x"} {
		target, err := probeURL(u, "/m", "")
		if err != nil || !KeySafe(target) {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}

// Fast failures (5xx, 429, a reset connection) get one retry within the
// check, after the vendor's Retry-After when it gives one; a hang is never
// retried within the check (the next check is its retry, so a hanging API
// costs one probe timeout per check, not two and a pause); other answers
// are final.
func TestProbeRetryPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		replies []vendortest.Reply
		want    observe.Result
		probes  int
		waits   []time.Duration
		inHint  string
	}{
		{"503 then ok", []vendortest.Reply{{Status: 503, File: "openai__503_server_is_overloaded.json"}, {Status: 200, File: "openai__200_models.json"}}, observe.ResultOK, 2, []time.Duration{time.Millisecond}, ""},
		{"503 twice", []vendortest.Reply{{Status: 503, File: "openai__503_server_is_overloaded.json"}}, observe.ResultVendorError, 2, []time.Duration{time.Millisecond}, ""},
		{"429 with Retry-After 2", []vendortest.Reply{{Status: 429, File: "openai__429_rate_limit_exceeded.json", Header: map[string]string{"Retry-After": "2"}}, {Status: 200, File: "openai__200_models.json"}}, observe.ResultOK, 2, []time.Duration{2 * time.Second}, ""},
		{"429 asking for two minutes", []vendortest.Reply{{Status: 429, File: "openai__429_rate_limit_exceeded.json", Header: map[string]string{"Retry-After": "120"}}}, observe.ResultRateLimited, 1, nil, "retry after 2m0s"},
		{"a hang is not retried", []vendortest.Reply{{Hang: true}, {Status: 200, File: "openai__200_models.json"}}, observe.ResultTimeout, 1, nil, ""},
		{"reset then ok", []vendortest.Reply{{Reset: true}, {Status: 200, File: "openai__200_models.json"}}, observe.ResultOK, 2, []time.Duration{time.Millisecond}, ""},
		{"reset twice", []vendortest.Reply{{Reset: true}}, observe.ResultNetworkError, 2, []time.Duration{time.Millisecond}, ""},
		{"quota is not retried", []vendortest.Reply{{Status: 429, File: "openai__429_insufficient_quota.json"}}, observe.ResultQuotaExceeded, 1, nil, ""},
		{"revoked is not retried", []vendortest.Reply{{Status: 401, File: "openai__401_invalid_api_key.json"}}, observe.ResultInvalidKey, 1, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, srv := vendortest.NewAPI(t, fixture.OpenAIKey, tt.replies...)
			v := vendortest.CatalogVendor(t, "openai", srv.URL, config.Key{})
			v.API.Reach = ""
			p, waits := testChecker([]catalog.Vendor{v}, map[string]string{"VW_KEY": fixture.OpenAIKey}, tt.replies[0].Hang)
			p.p.retryWait = time.Millisecond
			vr, _ := p.Check(context.Background()).Vendor("openai")
			k := vr.Keys[0]
			if k.Result != tt.want || api.ProbeCount() != tt.probes {
				t.Errorf("got %s after %d probes, want %s after %d", k.Result, api.ProbeCount(), tt.want, tt.probes)
			}
			if len(*waits) != len(tt.waits) || (len(tt.waits) > 0 && (*waits)[0] != tt.waits[0]) {
				t.Errorf("waits = %v, want %v", *waits, tt.waits)
			}
			if !strings.Contains(k.Hint, tt.inHint) {
				t.Errorf("hint = %q", k.Hint)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"3": 3 * time.Second, "0.5": 500 * time.Millisecond, "Thu, 21 May 2026 12:00:30 GMT": 30 * time.Second,
	} {
		if got, ok := parseRetryAfter(in, now); !ok || got != want {
			t.Errorf("%q = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "soon", "-3"} {
		if _, ok := parseRetryAfter(in, now); ok {
			t.Errorf("%q accepted", in)
		}
	}
}
