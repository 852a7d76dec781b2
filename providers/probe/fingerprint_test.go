package probe

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

func TestFingerprint(t *testing.T) {
	tests := map[string]string{
		fixture.OpenAIKey:                          "sk-proj-…MxYA",
		fixture.AnthropicKey:                       "sk-ant-api03-…igAA",
		"sk_live_51PJ7J3APDiRt6Wy8Zb1Cd5Ef0Gh1234": "sk_live_…1234",
		fixture.StripeKey:                          "rk_live_…1234",
		fixture.GeminiKey:                          "AIza…Gh2J",
		fixture.GroqKey:                            "gsk_…CdEf",
		fixture.LangSmithKey:                       "lsv2_pt_…0a1b",
		fixture.ElevenKey:                          "sk_…3d4e",
		fixture.TwilioToken:                        "…b1a0",
		fixture.VAPIKey:                            "…4e5f",
		"sk-short":                                 "sk-…",
		"abc":                                      "…",
		"":                                         "",
		"  " + fixture.OpenAIKey + "\n":            "sk-proj-…MxYA",
		"sk-VKMIs***************************************wjh3": "sk-…wjh3",
		"AIza****************************":                    "AIza…",
	}
	for key, want := range tests {
		if got := Fingerprint(key); got != want {
			t.Errorf("Fingerprint(%q) = %q, want %q", key, got, want)
		}
	}
}

// A fingerprint never shows more than the prefix and four characters.
func FuzzFingerprint(f *testing.F) {
	for _, k := range []string{fixture.OpenAIKey, fixture.AnthropicKey, fixture.VAPIKey, fixture.TwilioToken, "sk-", "x"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		fp := Fingerprint(key)
		if fp == "" {
			return
		}
		prefix, tail, ok := strings.Cut(fp, "…")
		if !ok || len(tail) > 4 || (prefix != "" && !slices.Contains(keyPrefixes, prefix)) {
			t.Fatalf("Fingerprint(%q) = %q", key, fp)
		}
	})
}

func TestScrub(t *testing.T) {
	tests := []struct{ in, secret, want string }{
		{"Incorrect API key provided: " + fixture.OpenAIKey + ".", fixture.OpenAIKey, "Incorrect API key provided: sk-proj-…MxYA."},
		{"Incorrect API key provided: sk-VKMIs***************************************wjh3.", "", "Incorrect API key provided: sk-…wjh3."},
		{`{"auth_token": "0123456789abcdef0123456789abcdef", "status": "active"}`, "", `{"auth_token": "[redacted]", "status": "active"}`},
		{"line one\n\x1b[31mred\x1b[0m line two", "", "line one red line two"},
		{"Permission denied: Consumer 'api_key:AIzaSyD3xq7Vn2Lm9Kp4Rt6Wy8Zb1Cd5Ef0Gh2J' has been suspended.", "", "Permission denied: Consumer 'api_key:AIza…Gh2J' has been suspended."},
	}
	for _, tt := range tests {
		if got := Scrub(tt.in, tt.secret, 300); got != tt.want {
			t.Errorf("scrub(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
	long := strings.Repeat("word ", 100)
	if got := Scrub(long, "", 200); len([]rune(got)) != 200 || !strings.HasSuffix(got, "…") {
		t.Errorf("not cut to 200: %d", len([]rune(got)))
	}
	// A key straddling the excerpt's end is still scrubbed.
	body := strings.Repeat("x", 190) + " " + fixture.OpenAIKey
	if got := excerpt([]byte(body), ""); strings.Contains(got, fixture.OpenAIKey[:20]) {
		t.Errorf("excerpt cut a key in half and kept it: %q", got)
	}
}

// The classifiers never panic and always answer with a result from the
// vocabulary, whatever the body.
func FuzzClassify(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "probes", "*"))
	for _, name := range files {
		b, _ := os.ReadFile(name)
		f.Add(401, b)
	}
	f.Add(200, []byte(`[]`))
	f.Add(200, []byte(`{"error":[1,2,{"code":{}}],"detail":[null]}`))
	valid := []observe.Result{observe.ResultOK, observe.ResultInvalidKey, observe.ResultAccountDisabled, observe.ResultNoPermission, observe.ResultMisconfigured,
		observe.ResultQuotaExceeded, observe.ResultRateLimited, observe.ResultVendorError, observe.ResultUnexpected}
	fams := []string{"generic"}
	for name := range families {
		fams = append(fams, name)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, fam := range fams {
			v := classify(fam, newAnswer(status, http.Header{}, body, nil))
			if !slices.Contains(valid, v.Result) {
				t.Fatalf("%s: result %q", fam, v.Result)
			}
		}
	})
}

// Scrubbing is idempotent: a fingerprint survives being scrubbed again.
func TestScrubKeepsFingerprints(t *testing.T) {
	for _, key := range []string{fixture.OpenAIKey, fixture.AnthropicKey, "sk-svcacct-Hk2Lp9Wq4Zr7Tn1Vb6Xm3Cd8Fg5Jh0Ks2Lq7Wp4Zr9Tn1VbCnRy", fixture.StripeKey, fixture.GeminiKey, fixture.VAPIKey} {
		once := Scrub("key "+key+" rejected", key, 300)
		if twice := Scrub(once, "", 300); once != "key "+Fingerprint(key)+" rejected" || twice != once {
			t.Errorf("%s: once %q, twice %q", Fingerprint(key), once, twice)
		}
	}
}
