package providers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
)

// reply is one canned answer of a fake vendor API.
type reply struct {
	status int
	file   string // under testdata/probes; {{KEY}} and {{ACCOUNT}} are filled in
	header map[string]string
	hang   bool // never answer (until the client gives up)
}

// fakeAPI is a vendor API on loopback. Requests that carry a credential
// are probes and get the replies in order (the last one repeats); keyless
// ones are reachability checks and get reach.
type fakeAPI struct {
	t       *testing.T
	key     string
	account string
	reach   reply

	mu      sync.Mutex
	replies []reply
	probes  []*http.Request
}

func newFakeAPI(t *testing.T, key string, replies ...reply) (*fakeAPI, *httptest.Server) {
	t.Helper()
	f := &fakeAPI{t: t, key: key, replies: replies,
		reach: reply{status: 401, file: "openai__401_invalid_api_key.json"}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func carriesCredential(r *http.Request) bool {
	for _, h := range []string{"Authorization", "X-Api-Key", "Xi-Api-Key", "X-Goog-Api-Key"} {
		if r.Header.Get(h) != "" {
			return true
		}
	}
	return false
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	rep := f.reach
	if carriesCredential(r) {
		f.probes = append(f.probes, r.Clone(context.Background()))
		rep = f.replies[0]
		if len(f.replies) > 1 {
			f.replies = f.replies[1:]
		}
	}
	f.mu.Unlock()
	if rep.hang {
		<-r.Context().Done()
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	body := []byte("{}")
	if rep.file != "" {
		b, err := os.ReadFile(filepath.Join("testdata", "probes", rep.file))
		if err != nil {
			f.t.Errorf("fixture: %v", err)
		}
		body = []byte(strings.NewReplacer("{{KEY}}", f.key, "{{ACCOUNT}}", f.account).Replace(string(b)))
	}
	if w.Header().Get("Content-Type") == "" && !strings.HasSuffix(rep.file, ".html") {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(rep.status)
	w.Write(body)
}

func (f *fakeAPI) probeCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.probes)
}

// catalogVendor is a catalog vendor pointed at base, with one key read
// from the variable VW_KEY.
func catalogVendor(t *testing.T, id, base string, key config.Key) catalog.Vendor {
	t.Helper()
	e, ok := catalog.Builtin().Get(id)
	if !ok {
		t.Fatalf("no catalog entry %q", id)
	}
	if key.Name == "" {
		key.Name = "prod"
	}
	if key.Secret.IsZero() {
		key.Secret = config.SecretRef{Kind: config.SecretEnv, Value: "VW_KEY"}
	}
	return catalog.Vendor{ID: e.ID, Name: e.Name, API: catalog.APISpec{BaseURL: base, Reach: e.API.Reach}, Probe: e.Probe, Keys: []config.Key{key}}
}

// hangTimeout is the request timeout of tests whose fake vendor never
// answers; the others get a generous one, so a loaded machine (-race)
// does not turn an answer into a timeout.
const hangTimeout = 300 * time.Millisecond

// testPoller polls vendors with no real waiting between retries; the waits
// asked for are recorded. env holds the variables secret references see.
// A request times out after hangTimeout when hang is set, else after 5s.
func testPoller(vendors []catalog.Vendor, env map[string]string, hang ...bool) (*Poller, *[]time.Duration) {
	timeout := 5 * time.Second
	if len(hang) > 0 && hang[0] {
		timeout = hangTimeout
	}
	p := NewPoller(vendors, fetch.New(fetch.Options{Timeout: timeout}))
	var mu sync.Mutex
	waits := &[]time.Duration{}
	p.probes.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	p.probes.resolver = &config.Resolver{LookupEnv: func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}}
	return p, waits
}

// assertNoKey fails if blob holds the key or any 8 characters of the part
// a fingerprint hides.
func assertNoKey(t *testing.T, where, blob, key string) {
	t.Helper()
	if strings.Contains(blob, key) {
		t.Fatalf("%s contains the key %s:\n%s", where, Fingerprint(key), blob)
	}
	hidden := key[len(Fingerprint(key))-len("…")-4 : len(key)-4]
	for i := 0; i+8 <= len(hidden); i++ {
		if strings.Contains(blob, hidden[i:i+8]) {
			t.Fatalf("%s contains part of the key (%q):\n%s", where, hidden[i:i+8], blob)
		}
	}
}

// Every key lands in its class, from the vendors' real answers.
func TestProbeClassifiesRealAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, vendor, key string
		reply             reply
		want              observe.Result
		code              string
		marker            bool
		inMsg, inHint     string
	}{
		{"openai ok", "openai", fixture.OpenAIKey, reply{status: 200, file: "openai__200_models.json"}, observe.ResultOK, "", false, "", ""},
		{"openai revoked", "openai", fixture.OpenAIKey, reply{status: 401, file: "openai__401_invalid_api_key.json"}, observe.ResultInvalidKey, "invalid_api_key", true, "Incorrect API key provided: sk-…wjh3.", ""},
		{"openai account deactivated", "openai", fixture.OpenAIKey, reply{status: 401, file: "openai__401_account_deactivated.json"}, observe.ResultAccountDisabled, "account_deactivated", false, "deactivated account", ""},
		{"openai missing scopes", "openai", fixture.OpenAIKey, reply{status: 401, file: "openai__401_missing_scopes.json"}, observe.ResultNoPermission, "invalid_request_error", false, "Missing scopes: model.request", "restricted key"},
		{"openai wrong org header", "openai", fixture.OpenAIKey, reply{status: 401, file: "openai__401_mismatched_organization.json"}, observe.ResultMisconfigured, "mismatched_organization", false, "should match", "OpenAI-Organization"},
		{"openai insufficient quota", "openai", fixture.OpenAIKey, reply{status: 429, file: "openai__429_insufficient_quota.json"}, observe.ResultQuotaExceeded, "insufficient_quota", false, "exceeded your current quota", ""},
		{"openai billing not active", "openai", fixture.OpenAIKey, reply{status: 429, file: "openai__429_billing_not_active.json"}, observe.ResultQuotaExceeded, "billing_not_active", false, "not active", ""},
		{"openai rate limited", "openai", fixture.OpenAIKey, reply{status: 429, file: "openai__429_rate_limit_exceeded.json"}, observe.ResultRateLimited, "rate_limit_exceeded", false, "Rate limit reached", ""},
		{"openai overloaded 503 JSON", "openai", fixture.OpenAIKey, reply{status: 503, file: "openai__503_server_is_overloaded.json"}, observe.ResultVendorError, "server_is_overloaded", false, "overloaded", ""},
		{"openai cloudflare 502 HTML", "openai", fixture.OpenAIKey, reply{status: 502, file: "openai__502_cloudflare.html", header: map[string]string{"Server": "cloudflare", "Cf-Ray": "8c1f2a3b4c5d6e7f-AMS", "Content-Type": "text/html"}}, observe.ResultVendorError, "", false, "an HTML page (HTTP 502) where the vendor's JSON was expected; served by cloudflare", ""},
		{"openai timeout", "openai", fixture.OpenAIKey, reply{hang: true}, observe.ResultTimeout, "", false, "no answer within 300ms", ""},
		{"vapi ok", "vapi", fixture.VAPIKey, reply{status: 200, file: "vapi__200_assistants.json"}, observe.ResultOK, "", false, "", ""},
		{"vapi invalid key with the hint", "vapi", fixture.VAPIKey, reply{status: 401, file: "vapi__401_invalid_key.json"}, observe.ResultInvalidKey, "invalid_key", true, "Invalid Key.", "Hot tip, you may be using the private key instead of the public key, or vice versa."},
		{"anthropic ok", "anthropic", fixture.AnthropicKey, reply{status: 200, file: "anthropic__200_models.json"}, observe.ResultOK, "", false, "", ""},
		{"anthropic invalid key", "anthropic", fixture.AnthropicKey, reply{status: 401, file: "anthropic__401_authentication_error.json"}, observe.ResultInvalidKey, "authentication_error", true, "invalid x-api-key", ""},
		{"anthropic overloaded 529", "anthropic", fixture.AnthropicKey, reply{status: 529, file: "anthropic__529_overloaded_error.json", header: map[string]string{"X-Should-Retry": "true"}}, observe.ResultVendorError, "overloaded_error", false, "Overloaded", ""},
		{"anthropic credit too low", "anthropic", fixture.AnthropicKey, reply{status: 400, file: "anthropic__400_credit_balance_too_low.json"}, observe.ResultQuotaExceeded, "invalid_request_error", false, "credit balance is too low", ""},
		{"gemini invalid key", "gemini", fixture.GeminiKey, reply{status: 400, file: "gemini__400_api_key_invalid.json"}, observe.ResultInvalidKey, "API_KEY_INVALID", true, "API key not valid", ""},
		{"gemini leaked", "gemini", fixture.GeminiKey, reply{status: 403, file: "gemini__403_reported_as_leaked.json"}, observe.ResultInvalidKey, "API_KEY_LEAKED", true, "reported as leaked", ""},
		{"gemini project denied", "gemini", fixture.GeminiKey, reply{status: 403, file: "gemini__403_project_denied.json"}, observe.ResultAccountDisabled, "PERMISSION_DENIED", false, "denied access", ""},
		{"elevenlabs invalid key", "elevenlabs", fixture.ElevenKey, reply{status: 401, file: "elevenlabs__401_invalid_api_key.json"}, observe.ResultInvalidKey, "invalid_api_key", true, "Invalid API key", ""},
		{"elevenlabs quota on a 401", "elevenlabs", fixture.ElevenKey, reply{status: 401, file: "elevenlabs__401_quota_exceeded.json"}, observe.ResultQuotaExceeded, "quota_exceeded", false, "0 credits remaining", ""},
		{"elevenlabs scoped key on a 401", "elevenlabs", fixture.ElevenKey, reply{status: 401, file: "elevenlabs__401_missing_permissions.json"}, observe.ResultNoPermission, "missing_permissions", false, "user_read", "user_read"},
		{"deepgram invalid", "deepgram", fixture.DeepgramKey, reply{status: 401, file: "deepgram__401_invalid_auth.json"}, observe.ResultInvalidKey, "INVALID_AUTH", true, "Invalid credentials.", ""},
		{"twilio ok", "twilio", fixture.TwilioToken, reply{status: 200, file: "twilio__200_account_active.json"}, observe.ResultOK, "", false, "", ""},
		{"twilio suspended account", "twilio", fixture.TwilioToken, reply{status: 200, file: "twilio__200_account_suspended.json"}, observe.ResultAccountDisabled, "suspended", false, "the Twilio account is suspended", ""},
		{"twilio 20003", "twilio", fixture.TwilioToken, reply{status: 401, file: "twilio__401_20003.json"}, observe.ResultInvalidKey, "20003", true, "Authenticate", ""},
		{"groq invalid", "groq", fixture.GroqKey, reply{status: 401, file: "groq__401_invalid_api_key.json"}, observe.ResultInvalidKey, "invalid_api_key", true, "Invalid API Key", ""},
		{"groq org restricted", "groq", fixture.GroqKey, reply{status: 400, file: "groq__400_organization_restricted.json"}, observe.ResultAccountDisabled, "organization_restricted", false, "restricted", ""},
		{"mistral bare 401", "mistral", fixture.MistralKey, reply{status: 401, file: "mistral__401_unauthorized.json"}, observe.ResultInvalidKey, "", false, "Unauthorized", ""},
		{"cohere valid", "cohere", fixture.CohereKey, reply{status: 200, file: "cohere__200_valid.json"}, observe.ResultOK, "", false, "", ""},
		{"cohere not valid on a 200", "cohere", fixture.CohereKey, reply{status: 200, file: "cohere__200_not_valid.json"}, observe.ResultInvalidKey, "valid_false", true, "not valid", ""},
		{"stripe invalid", "stripe", fixture.StripeKey, reply{status: 401, file: "stripe__401_invalid_api_key.json"}, observe.ResultInvalidKey, "invalid_request_error", true, "Invalid API Key provided: sk_test_…", ""},
		{"stripe restricted key still valid", "stripe", fixture.StripeKey, reply{status: 403, file: "stripe__403_restricted_key.json"}, observe.ResultNoPermission, "restricted_key", false, "rak_balance_read", "restricted key"},
		{"langsmith invalid", "langsmith", fixture.LangSmithKey, reply{status: 401, file: "langsmith__401_invalid_token.json"}, observe.ResultInvalidKey, "invalid_token", true, "Invalid token", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, srv := newFakeAPI(t, tt.key, tt.reply)
			key := config.Key{}
			if tt.vendor == "twilio" {
				key.Account, api.account = fixture.TwilioAccount, fixture.TwilioAccount
			}
			v := catalogVendor(t, tt.vendor, srv.URL, key)
			p, _ := testPoller([]catalog.Vendor{v}, map[string]string{"VW_KEY": tt.key}, tt.reply.hang)
			vr, _ := p.Check(context.Background()).Vendor(tt.vendor)
			if len(vr.Keys) != 1 {
				t.Fatalf("keys = %+v", vr.Keys)
			}
			k := vr.Keys[0]
			if k.Result != tt.want || k.Code != tt.code || k.RevocationMarker != tt.marker {
				t.Errorf("got %s code %q marker %v, want %s code %q marker %v (message %q)", k.Result, k.Code, k.RevocationMarker, tt.want, tt.code, tt.marker, k.Message)
			}
			if !strings.Contains(k.Message, tt.inMsg) || !strings.Contains(k.Hint, tt.inHint) {
				t.Errorf("message %q / hint %q, want them to hold %q / %q", k.Message, k.Hint, tt.inMsg, tt.inHint)
			}
			if tt.want == observe.ResultOK && tt.code == "" && (k.Message != "" || k.Code != "") {
				t.Errorf("ok keeps body text: %q %q", k.Code, k.Message)
			}
			if k.Fingerprint != Fingerprint(tt.key) || !strings.Contains(k.Fingerprint, "…") {
				t.Errorf("fingerprint = %q", k.Fingerprint)
			}
			if k.Consecutive != 1 || k.Since.IsZero() || k.CheckedAt.IsZero() {
				t.Errorf("streak = %d since %v", k.Consecutive, k.Since)
			}
			if tt.reply.status != 0 && k.HTTPStatus != tt.reply.status {
				t.Errorf("http_status = %d", k.HTTPStatus)
			}
			if k.LeakReported != strings.Contains(tt.name, "leaked") {
				t.Errorf("leak_reported = %v", k.LeakReported)
			}
			b, _ := json.Marshal(vr)
			assertNoKey(t, "the vendor result", string(b), tt.key)
		})
	}
}

// An unset variable is our problem, not the vendor's: no_secret, the
// reference named, nothing sent.
func TestProbeNoSecret(t *testing.T) {
	t.Parallel()
	api, srv := newFakeAPI(t, fixture.OpenAIKey, reply{status: 200, file: "openai__200_models.json"})
	v := catalogVendor(t, "openai", srv.URL, config.Key{Secret: config.SecretRef{Kind: config.SecretEnv, Value: "OPENAI_API_KEY"}})
	p, _ := testPoller([]catalog.Vendor{v}, nil)
	vr, _ := p.Check(context.Background()).Vendor("openai")
	k := vr.Keys[0]
	if k.Result != observe.ResultNoSecret || k.Code != config.SecretEnvUnset || k.Message != "env:OPENAI_API_KEY: the variable is not set" || k.Fingerprint != "" {
		t.Errorf("key = %+v", k)
	}
	if api.probeCount() != 0 {
		t.Error("a probe was sent without a key")
	}
	if vr.Reachability == nil || vr.Reachability.Result != observe.ResultReachable {
		t.Errorf("reachability = %+v; the keyless check does not need the secret", vr.Reachability)
	}
}

// A key for a vendor vendorwatch cannot probe is reported, not guessed at.
func TestProbeVendorWithoutProbe(t *testing.T) {
	t.Parallel()
	v := catalog.Vendor{ID: "github", Name: "GitHub", API: catalog.APISpec{BaseURL: "https://api.github.com"},
		Keys: []config.Key{{Name: "ci", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "GH_TOKEN"}}}}
	k := newProber(testFetcher(), time.Now).probeKey(context.Background(), v, v.Keys[0])
	if k.Result != observe.ResultMisconfigured || k.Code != "no_probe" {
		t.Errorf("key = %+v", k)
	}
}
