package probe

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// checker probes vendors as one check of the poller does: every key of
// each vendor and its keyless request.
type checker struct {
	p       *Prober
	vendors []catalog.Vendor
}

// Check probes every vendor once.
func (c *checker) Check(ctx context.Context) observe.Snapshot {
	snap := observe.Snapshot{GeneratedAt: c.p.Now().UTC()}
	for _, v := range c.vendors {
		r := observe.VendorResult{ID: v.ID, Name: v.Name, Keys: []observe.KeyResult{}}
		for _, k := range v.Keys {
			r.Keys = append(r.Keys, c.p.Key(ctx, v, k))
		}
		r.Reachability = c.p.Reach(ctx, &v)
		snap.Vendors = append(snap.Vendors, r)
	}
	return snap
}

// testChecker probes vendors with no real waiting between retries; the
// waits asked for are recorded. env holds the variables secret references
// see. A request times out after vendortest.HangTimeout when hang is set,
// else after 5s.
func testChecker(vendors []catalog.Vendor, env map[string]string, hang ...bool) (*checker, *[]time.Duration) {
	timeout := 5 * time.Second
	if len(hang) > 0 && hang[0] {
		timeout = vendortest.HangTimeout
	}
	var mu sync.Mutex
	waits := &[]time.Duration{}
	p := New(fetch.New(fetch.Options{Timeout: timeout}), Options{
		Resolver: &config.Resolver{LookupEnv: vendortest.Env(env)},
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			*waits = append(*waits, d)
			mu.Unlock()
			return ctx.Err()
		},
	})
	return &checker{p: p, vendors: vendors}, waits
}

// Every key lands in its class, from the vendors' real answers.
func TestProbeClassifiesRealAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, vendor, key string
		reply             vendortest.Reply
		want              observe.Result
		code              string
		marker            bool
		inMsg, inHint     string
	}{
		{"openai ok", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 200, File: "openai__200_models.json"}, observe.ResultOK, "", false, "", ""},
		{"openai revoked", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 401, File: "openai__401_invalid_api_key.json"}, observe.ResultInvalidKey, "invalid_api_key", true, "Incorrect API key provided: sk-…wjh3.", ""},
		{"openai account deactivated", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 401, File: "openai__401_account_deactivated.json"}, observe.ResultAccountDisabled, "account_deactivated", false, "deactivated account", ""},
		{"openai missing scopes", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 401, File: "openai__401_missing_scopes.json"}, observe.ResultNoPermission, "invalid_request_error", false, "Missing scopes: model.request", "restricted key"},
		{"openai wrong org header", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 401, File: "openai__401_mismatched_organization.json"}, observe.ResultMisconfigured, "mismatched_organization", false, "should match", "OpenAI-Organization"},
		{"openai insufficient quota", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 429, File: "openai__429_insufficient_quota.json"}, observe.ResultQuotaExceeded, "insufficient_quota", false, "exceeded your current quota", ""},
		{"openai billing not active", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 429, File: "openai__429_billing_not_active.json"}, observe.ResultQuotaExceeded, "billing_not_active", false, "not active", ""},
		{"openai rate limited", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 429, File: "openai__429_rate_limit_exceeded.json"}, observe.ResultRateLimited, "rate_limit_exceeded", false, "Rate limit reached", ""},
		{"openai overloaded 503 JSON", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 503, File: "openai__503_server_is_overloaded.json"}, observe.ResultVendorError, "server_is_overloaded", false, "overloaded", ""},
		{"openai cloudflare 502 HTML", "openai", fixture.OpenAIKey, vendortest.Reply{Status: 502, File: "openai__502_cloudflare.html", Header: map[string]string{"Server": "cloudflare", "Cf-Ray": "8c1f2a3b4c5d6e7f-AMS", "Content-Type": "text/html"}}, observe.ResultVendorError, "", false, "an HTML page (HTTP 502) where the vendor's JSON was expected; served by cloudflare", ""},
		{"openai timeout", "openai", fixture.OpenAIKey, vendortest.Reply{Hang: true}, observe.ResultTimeout, "", false, "no answer within 300ms", ""},
		{"vapi ok", "vapi", fixture.VAPIKey, vendortest.Reply{Status: 200, File: "vapi__200_assistants.json"}, observe.ResultOK, "", false, "", ""},
		{"vapi invalid key with the hint", "vapi", fixture.VAPIKey, vendortest.Reply{Status: 401, File: "vapi__401_invalid_key.json"}, observe.ResultInvalidKey, "invalid_key", true, "Invalid Key.", "Hot tip, you may be using the private key instead of the public key, or vice versa."},
		{"anthropic ok", "anthropic", fixture.AnthropicKey, vendortest.Reply{Status: 200, File: "anthropic__200_models.json"}, observe.ResultOK, "", false, "", ""},
		{"anthropic invalid key", "anthropic", fixture.AnthropicKey, vendortest.Reply{Status: 401, File: "anthropic__401_authentication_error.json"}, observe.ResultInvalidKey, "authentication_error", true, "invalid x-api-key", ""},
		{"anthropic overloaded 529", "anthropic", fixture.AnthropicKey, vendortest.Reply{Status: 529, File: "anthropic__529_overloaded_error.json", Header: map[string]string{"X-Should-Retry": "true"}}, observe.ResultVendorError, "overloaded_error", false, "Overloaded", ""},
		{"anthropic credit too low", "anthropic", fixture.AnthropicKey, vendortest.Reply{Status: 400, File: "anthropic__400_credit_balance_too_low.json"}, observe.ResultQuotaExceeded, "invalid_request_error", false, "credit balance is too low", ""},
		{"gemini invalid key", "gemini", fixture.GeminiKey, vendortest.Reply{Status: 400, File: "gemini__400_api_key_invalid.json"}, observe.ResultInvalidKey, "API_KEY_INVALID", true, "API key not valid", ""},
		{"gemini leaked", "gemini", fixture.GeminiKey, vendortest.Reply{Status: 403, File: "gemini__403_reported_as_leaked.json"}, observe.ResultInvalidKey, "API_KEY_LEAKED", true, "reported as leaked", ""},
		{"gemini project denied", "gemini", fixture.GeminiKey, vendortest.Reply{Status: 403, File: "gemini__403_project_denied.json"}, observe.ResultAccountDisabled, "PERMISSION_DENIED", false, "denied access", ""},
		{"elevenlabs invalid key", "elevenlabs", fixture.ElevenKey, vendortest.Reply{Status: 401, File: "elevenlabs__401_invalid_api_key.json"}, observe.ResultInvalidKey, "invalid_api_key", true, "Invalid API key", ""},
		{"elevenlabs quota on a 401", "elevenlabs", fixture.ElevenKey, vendortest.Reply{Status: 401, File: "elevenlabs__401_quota_exceeded.json"}, observe.ResultQuotaExceeded, "quota_exceeded", false, "0 credits remaining", ""},
		{"elevenlabs scoped key on a 401", "elevenlabs", fixture.ElevenKey, vendortest.Reply{Status: 401, File: "elevenlabs__401_missing_permissions.json"}, observe.ResultNoPermission, "missing_permissions", false, "user_read", "user_read"},
		{"deepgram invalid", "deepgram", fixture.DeepgramKey, vendortest.Reply{Status: 401, File: "deepgram__401_invalid_auth.json"}, observe.ResultInvalidKey, "INVALID_AUTH", true, "Invalid credentials.", ""},
		{"twilio ok", "twilio", fixture.TwilioToken, vendortest.Reply{Status: 200, File: "twilio__200_account_active.json"}, observe.ResultOK, "", false, "", ""},
		{"twilio suspended account", "twilio", fixture.TwilioToken, vendortest.Reply{Status: 200, File: "twilio__200_account_suspended.json"}, observe.ResultAccountDisabled, "suspended", false, "the Twilio account is suspended", ""},
		{"twilio 20003", "twilio", fixture.TwilioToken, vendortest.Reply{Status: 401, File: "twilio__401_20003.json"}, observe.ResultInvalidKey, "20003", true, "Authenticate", ""},
		{"groq invalid", "groq", fixture.GroqKey, vendortest.Reply{Status: 401, File: "groq__401_invalid_api_key.json"}, observe.ResultInvalidKey, "invalid_api_key", true, "Invalid API Key", ""},
		{"groq rate limited", "groq", fixture.GroqKey, vendortest.Reply{Status: 429, File: "groq__429_rate_limit_exceeded.json"}, observe.ResultRateLimited, "rate_limit_exceeded", false, "tokens per minute (TPM)", ""},
		{"groq cloudflare block", "groq", fixture.GroqKey, vendortest.Reply{Status: 403, File: "groq__403_cloudflare_blocked.html", Header: map[string]string{"Server": "cloudflare", "Content-Type": "text/html; charset=UTF-8"}}, observe.ResultVendorError, "", false, "an HTML page (HTTP 403) where the vendor's JSON was expected; served by cloudflare", "proxy or firewall"},
		{"groq org restricted", "groq", fixture.GroqKey, vendortest.Reply{Status: 400, File: "groq__400_organization_restricted.json"}, observe.ResultAccountDisabled, "organization_restricted", false, "restricted", ""},
		{"mistral bare 401", "mistral", fixture.MistralKey, vendortest.Reply{Status: 401, File: "mistral__401_unauthorized.json"}, observe.ResultInvalidKey, "unauthorized", false, "Unauthorized", "created in the last few minutes"},
		{"mistral detail 401 on /v1/models", "mistral", fixture.MistralKey, vendortest.Reply{Status: 401, File: "mistral__401_detail_unauthorized.json"}, observe.ResultInvalidKey, "unauthorized", false, "Unauthorized", "wrong or deleted key"},
		{"mistral 429 rate_limited", "mistral", fixture.MistralKey, vendortest.Reply{Status: 429, File: "mistral__429_rate_limited.json"}, observe.ResultRateLimited, "rate_limited", false, "Rate limit exceeded", ""},
		{"mistral 429 gateway", "mistral", fixture.MistralKey, vendortest.Reply{Status: 429, File: "mistral__429_requests_rate_limit.json"}, observe.ResultRateLimited, "rate_limited", false, "Requests rate limit exceeded", ""},
		{"cohere valid", "cohere", fixture.CohereKey, vendortest.Reply{Status: 200, File: "cohere__200_valid.json"}, observe.ResultOK, "", false, "", ""},
		{"cohere not valid on a 200", "cohere", fixture.CohereKey, vendortest.Reply{Status: 200, File: "cohere__200_not_valid.json"}, observe.ResultInvalidKey, "valid_false", true, "not valid", ""},
		{"stripe invalid", "stripe", fixture.StripeKey, vendortest.Reply{Status: 401, File: "stripe__401_invalid_api_key.json"}, observe.ResultInvalidKey, "invalid_request_error", true, "Invalid API Key provided: sk_test_…", ""},
		{"stripe restricted key still valid", "stripe", fixture.StripeKey, vendortest.Reply{Status: 403, File: "stripe__403_restricted_key.json"}, observe.ResultNoPermission, "restricted_key", false, "rak_balance_read", "restricted key"},
		{"github classic token ok", "github", fixture.GitHubToken, vendortest.Reply{Status: 200, File: "github__200_rate_limit.json"}, observe.ResultOK, "", false, "", ""},
		{"github fine-grained token ok", "github", fixture.GitHubFineGrained, vendortest.Reply{Status: 200, File: "github__200_rate_limit.json"}, observe.ResultOK, "", false, "", ""},
		{"github bad credentials", "github", fixture.GitHubToken, vendortest.Reply{Status: 401, File: "github__401_bad_credentials.json"}, observe.ResultInvalidKey, "bad_credentials", true, "Bad credentials", ""},
		{"github fine-grained bad credentials", "github", fixture.GitHubFineGrained, vendortest.Reply{Status: 401, File: "github__401_bad_credentials.json"}, observe.ResultInvalidKey, "bad_credentials", true, "Bad credentials", ""},
		{"github REST limit used up on a 200", "github", fixture.GitHubToken, vendortest.Reply{Status: 200, File: "github__200_rate_limit_core_used_up.json"}, observe.ResultRateLimited, "rate_limit_exceeded", false, "used up (5000 of 5000 requests); it resets at 2025-12-26T16:52:30Z", ""},
		{"github secondary rate limit", "github", fixture.GitHubToken, vendortest.Reply{Status: 403, File: "github__403_secondary_rate_limit.json"}, observe.ResultRateLimited, "secondary_rate_limit", false, "secondary rate limit", ""},
		{"github account suspended", "github", fixture.GitHubToken, vendortest.Reply{Status: 403, File: "github__403_account_suspended.json"}, observe.ResultAccountDisabled, "account_suspended", false, "suspended", ""},
		{"github enterprise without rate limiting", "github", fixture.GitHubToken, vendortest.Reply{Status: 404, File: "github__404_rate_limiting_disabled.json"}, observe.ResultMisconfigured, "rate_limiting_disabled", false, "Rate limiting is not enabled.", "cannot test a token"},
		{"openrouter ok", "openrouter", fixture.OpenRouterKey, vendortest.Reply{Status: 200, File: "openrouter__200_key.json"}, observe.ResultOK, "", false, "", ""},
		{"openrouter key limit used up on a 200", "openrouter", fixture.OpenRouterKey, vendortest.Reply{Status: 200, File: "openrouter__200_key_limit_used_up.json"}, observe.ResultQuotaExceeded, "key_limit_exceeded", false, "credit limit is used up ($5.00 of $5.00)", "openrouter.ai/settings/keys"},
		{"openrouter user not found", "openrouter", fixture.OpenRouterKey, vendortest.Reply{Status: 401, File: "openrouter__401_user_not_found.json"}, observe.ResultInvalidKey, "user_not_found", false, "User not found.", ""},
		{"openrouter no credentials seen", "openrouter", fixture.OpenRouterKey, vendortest.Reply{Status: 401, File: "openrouter__401_no_auth_credentials.json"}, observe.ResultMisconfigured, "no_auth_credentials", false, "No auth credentials found", "strips the Authorization header"},
		{"openrouter key limit exceeded", "openrouter", fixture.OpenRouterKey, vendortest.Reply{Status: 403, File: "openrouter__403_key_limit_exceeded.json"}, observe.ResultQuotaExceeded, "key_limit_exceeded", false, "Key limit exceeded", "openrouter.ai/settings/keys"},
		{"cartesia ok", "cartesia", fixture.CartesiaKey, vendortest.Reply{Status: 200, File: "cartesia__200_voices.json"}, observe.ResultOK, "", false, "", ""},
		{"cartesia 401", "cartesia", fixture.CartesiaKey, vendortest.Reply{Status: 401, File: "cartesia__401_unauthorized.json"}, observe.ResultInvalidKey, "", false, "Invalid API key.", ""},
		{"cartesia 401 in plain text", "cartesia", fixture.CartesiaKey, vendortest.Reply{Status: 401, File: "cartesia__401_plain.txt", Header: map[string]string{"Content-Type": "text/plain; charset=utf-8"}}, observe.ResultInvalidKey, "", false, "Unauthorized: Invalid API key", ""},
		{"cartesia concurrency limited", "cartesia", fixture.CartesiaKey, vendortest.Reply{Status: 429, File: "cartesia__429_concurrency_limited.json"}, observe.ResultRateLimited, "concurrency_limited", false, "concurrency limit", "concurrent request"},
		{"retell ok", "retell", fixture.RetellKey, vendortest.Reply{Status: 200, File: "retell__200_concurrency.json"}, observe.ResultOK, "", false, "", ""},
		{"retell invalid key", "retell", fixture.RetellKey, vendortest.Reply{Status: 401, File: "retell__401_invalid_key.json"}, observe.ResultInvalidKey, "invalid_key", false, "API key is missing or invalid.", ""},
		{"retell server error", "retell", fixture.RetellKey, vendortest.Reply{Status: 500, File: "retell__500_error.json"}, observe.ResultVendorError, "", false, "An unexpected server error occurred.", ""},
		{"langsmith invalid", "langsmith", fixture.LangSmithKey, vendortest.Reply{Status: 401, File: "langsmith__401_invalid_token.json"}, observe.ResultInvalidKey, "invalid_token", true, "Invalid token", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, srv := vendortest.NewAPI(t, tt.key, tt.reply)
			key := config.Key{}
			if tt.vendor == "twilio" {
				key.Account, api.Account = fixture.TwilioAccount, fixture.TwilioAccount
			}
			v := vendortest.CatalogVendor(t, tt.vendor, srv.URL, key)
			p, _ := testChecker([]catalog.Vendor{v}, map[string]string{"VW_KEY": tt.key}, tt.reply.Hang)
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
			if k.CheckedAt.IsZero() || k.Consecutive != 0 || !k.Since.IsZero() {
				t.Errorf("checked at %v, streak %d since %v: a probe reports its own check; correlate counts streaks", k.CheckedAt, k.Consecutive, k.Since)
			}
			if tt.reply.Status != 0 && k.HTTPStatus != tt.reply.Status {
				t.Errorf("http_status = %d", k.HTTPStatus)
			}
			if k.LeakReported != strings.Contains(tt.name, "leaked") {
				t.Errorf("leak_reported = %v", k.LeakReported)
			}
			b, _ := json.Marshal(vr)
			vendortest.AssertNoKey(t, "the vendor result", string(b), tt.key, Fingerprint(tt.key))
		})
	}
}

// An unset variable is our problem, not the vendor's: no_secret, the
// reference named, nothing sent.
func TestProbeNoSecret(t *testing.T) {
	t.Parallel()
	api, srv := vendortest.NewAPI(t, fixture.OpenAIKey, vendortest.Reply{Status: 200, File: "openai__200_models.json"})
	v := vendortest.CatalogVendor(t, "openai", srv.URL, config.Key{Secret: config.SecretRef{Kind: config.SecretEnv, Value: "OPENAI_API_KEY"}})
	p, _ := testChecker([]catalog.Vendor{v}, nil)
	vr, _ := p.Check(context.Background()).Vendor("openai")
	k := vr.Keys[0]
	if k.Result != observe.ResultNoSecret || k.Code != config.SecretEnvUnset || k.Message != "env:OPENAI_API_KEY: the variable is not set" || k.Fingerprint != "" {
		t.Errorf("key = %+v", k)
	}
	if api.ProbeCount() != 0 {
		t.Error("a probe was sent without a key")
	}
	if vr.Reachability == nil || vr.Reachability.Result != observe.ResultReachable {
		t.Errorf("reachability = %+v; the keyless check does not need the secret", vr.Reachability)
	}
}

// A key for a vendor vendorwatch cannot probe is reported, not guessed at.
func TestProbeVendorWithoutProbe(t *testing.T) {
	t.Parallel()
	v := catalog.Vendor{ID: "acme", Name: "Acme", API: catalog.APISpec{BaseURL: "https://api.acme.example"},
		Keys: []config.Key{{Name: "ci", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "ACME_TOKEN"}}}}
	k := New(fetch.New(fetch.Options{Timeout: 2 * time.Second}), Options{}).Key(context.Background(), v, v.Keys[0])
	if k.Result != observe.ResultMisconfigured || k.Code != "no_probe" {
		t.Errorf("key = %+v", k)
	}
}
