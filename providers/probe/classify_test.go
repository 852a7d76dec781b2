package probe

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Answers that are not the vendor's JSON: the edge's HTML is the vendor
// failing, an empty body leaves only the status, odd JSON is unexpected
// with an excerpt.
func TestClassifyWithoutVendorJSON(t *testing.T) {
	html := http.Header{"Content-Type": {"text/html"}}
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   observe.Result
		inMsg  string
		inHint string
	}{
		{"200 HTML", 200, html, "<html><body>Sign in to the proxy</body></html>", observe.ResultVendorError, "an HTML page (HTTP 200)", ""},
		{"403 HTML", 403, html, "<html>Access denied</html>", observe.ResultVendorError, "HTML page (HTTP 403)", "proxy or firewall"},
		{"429 HTML", 429, html, "<html>Too many</html>", observe.ResultRateLimited, "HTML page (HTTP 429)", ""},
		{"521 text", 521, http.Header{"Cf-Ray": {"x"}}, "error code: 521", observe.ResultVendorError, "a non-JSON answer (HTTP 521) where the vendor's JSON was expected; served by cloudflare", ""},
		{"empty 401", 401, nil, "", observe.ResultInvalidKey, "", ""},
		{"empty 503", 503, nil, "", observe.ResultVendorError, "", ""},
		{"empty 200", 200, nil, "", observe.ResultOK, "", ""},
		{"teapot JSON", 418, nil, `{"what":"a teapot"}`, observe.ResultUnexpected, `HTTP 418: {"what":"a teapot"}`, ""},
		{"302", 302, http.Header{"Location": {"https://login.example.com/sso?next=/v1/models"}}, "", observe.ResultUnexpected, "redirected (HTTP 302) to https://login.example.com; not followed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			v := classify("openai", newAnswer(tt.status, h, []byte(tt.body), nil))
			if v.Result != tt.want || !strings.Contains(v.Message, tt.inMsg) || !strings.Contains(v.Hint, tt.inHint) || v.Marker {
				t.Errorf("verdict = %+v", v)
			}
		})
	}
}

// Cartesia's older API versions answer errors in plain text of their own;
// that text is read as Cartesia's word, while an HTML page or a plain-text
// answer from another vendor stays the edge's.
func TestClassifyPlainTextOnlyWhereTheVendorSpeaksIt(t *testing.T) {
	text := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	html := http.Header{"Content-Type": {"text/html"}}
	tests := []struct {
		family string
		status int
		header http.Header
		body   string
		want   observe.Result
		inMsg  string
	}{
		{"cartesia", 401, text, "Unauthorized: Invalid API key", observe.ResultInvalidKey, "Unauthorized: Invalid API key"},
		{"cartesia", 429, text, "Too many concurrent requests: You have exceeded your plan's concurrency limit.", observe.ResultRateLimited, "concurrency limit"},
		{"cartesia", 502, html, "<html><body>Bad gateway</body></html>", observe.ResultVendorError, "an HTML page (HTTP 502)"},
		{"openai", 401, text, "Unauthorized: Invalid API key", observe.ResultVendorError, "a non-JSON answer (HTTP 401)"},
	}
	for _, tt := range tests {
		t.Run(tt.family+" "+tt.body[:10], func(t *testing.T) {
			v := classify(tt.family, newAnswer(tt.status, tt.header, []byte(tt.body), nil))
			if v.Result != tt.want || !strings.Contains(v.Message, tt.inMsg) {
				t.Errorf("verdict = %+v", v)
			}
		})
	}
}
