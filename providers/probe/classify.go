package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// answer is a vendor's HTTP answer to a probe, as the classifiers see it.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
	// Doc is the body parsed as JSON; nil when the body is not JSON.
	Doc any
	// Expect lists the statuses that mean the key works (default: any 2xx).
	Expect []int
}

// Verdict is what a classifier concludes from an answer.
type Verdict struct {
	Result  observe.Result
	Code    string
	Message string
	Hint    string
	// Marker: an invalid_key verdict rests on the vendor's own revocation
	// marker, not on a bare 401.
	Marker bool
}

// refine is one vendor family's reading of its JSON error bodies. It gets
// the generic verdict (from the status and the common body shapes) and
// corrects it from the body's code, type and message.
type refine func(a *answer, v *Verdict)

// families maps a catalog probe's family to its classifier. A family not
// listed gets the generic reading only.
var families = map[string]refine{
	"openai":     refineOpenAI,
	"vapi":       refineVAPI,
	"anthropic":  refineAnthropic,
	"gemini":     refineGemini,
	"elevenlabs": refineElevenLabs,
	"deepgram":   refineDeepgram,
	"twilio":     refineTwilio,
	"cohere":     refineCohere,
	"stripe":     refineStripe,
	"langsmith":  refineLangSmith,
	"github":     refineGitHub,
	"openrouter": refineOpenRouter,
	"mistral":    refineMistral,
	"cartesia":   refineCartesia,
	"retell":     refineRetell,
}

// plainTextFamilies are the families whose vendors may answer an error in
// plain text of their own ("Title: Message") rather than JSON: such a
// body is the vendor's word, not a proxy's page.
var plainTextFamilies = map[string]bool{"cartesia": true}

// newAnswer wraps a response, parsing the body as JSON when it is JSON.
func newAnswer(status int, h http.Header, body []byte, expect []int) *answer {
	a := &answer{Status: status, Header: h, Body: body, Expect: expect}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		var doc any
		if json.Unmarshal(trimmed, &doc) == nil {
			a.Doc = doc
		}
	}
	return a
}

// isJSON reports whether the vendor answered in JSON.
func (a *answer) isJSON() bool { return a.Doc != nil }

// works reports whether the status means the key works.
func (a *answer) works() bool {
	if len(a.Expect) > 0 {
		return slices.Contains(a.Expect, a.Status)
	}
	return a.Status >= 200 && a.Status < 300
}

// classify turns an answer into a verdict: never on the status alone when
// the body says more. A body that is not JSON (an HTML page from the
// vendor's edge) is the vendor's failure; an empty body leaves only the
// status to go by.
func classify(family string, a *answer) Verdict {
	text := plainTextFamilies[family] && isPlainText(a)
	if !a.isJSON() && !text && (len(bytes.TrimSpace(a.Body)) > 0 || (a.Status >= 300 && a.Status < 400)) {
		return edgeVerdict(a)
	}
	v := genericVerdict(a)
	if text && !a.works() {
		v.Message = string(bytes.TrimSpace(a.Body))
	}
	if f, ok := families[family]; ok {
		f(a, &v)
	}
	return v
}

// isPlainText reports whether an answer that is not JSON is a short line
// of plain text (not an HTML page, not a redirect): how some vendors word
// their own errors.
func isPlainText(a *answer) bool {
	body := bytes.TrimSpace(a.Body)
	if a.isJSON() || len(body) == 0 || len(body) > 1024 || (a.Status >= 300 && a.Status < 400) {
		return false
	}
	ct := strings.ToLower(a.Header.Get("Content-Type"))
	return (ct == "" || strings.HasPrefix(ct, "text/plain")) && !bytes.Contains(bytes.ToLower(body), []byte("<html")) && body[0] != '<'
}

// edgeVerdict reads an answer that is not the vendor's JSON: a proxy's or
// CDN's HTML page, a maintenance page, a redirect.
func edgeVerdict(a *answer) Verdict {
	what := "a non-JSON answer"
	if ct := a.Header.Get("Content-Type"); strings.Contains(ct, "html") || bytes.Contains(bytes.ToLower(a.Body[:min(len(a.Body), 512)]), []byte("<html")) {
		what = "an HTML page"
	}
	msg := fmt.Sprintf("%s (HTTP %d) where the vendor's JSON was expected", what, a.Status)
	if edge := edgeName(a.Header); edge != "" {
		msg += "; served by " + edge
	}
	switch {
	case a.Status >= 300 && a.Status < 400:
		loc := a.Header.Get("Location")
		return Verdict{Result: observe.ResultUnexpected, Code: "redirect", Message: fmt.Sprintf("redirected (HTTP %d) to %s; not followed: a key is never sent to another host", a.Status, redirectTarget(loc))}
	case a.Status == http.StatusTooManyRequests:
		return Verdict{Result: observe.ResultRateLimited, Message: msg}
	case a.Status == http.StatusForbidden || a.Status == http.StatusProxyAuthRequired:
		return Verdict{Result: observe.ResultVendorError, Message: msg, Hint: "a proxy or firewall between us and the vendor may be blocking the request"}
	}
	return Verdict{Result: observe.ResultVendorError, Message: msg}
}

// edgeName names the CDN or proxy that served an answer, from its headers.
func edgeName(h http.Header) string {
	switch {
	case h.Get("Cf-Ray") != "" || strings.EqualFold(h.Get("Server"), "cloudflare"):
		return "cloudflare"
	case h.Get("Via") != "":
		// Scrubbed before it is cut: a cut key is no longer the key the
		// redactor knows whole (issue 16).
		return "a proxy (" + Scrub(h.Get("Via"), "", 40) + ")"
	}
	return ""
}

// redirectTarget shows where a redirect pointed: scheme and host only.
func redirectTarget(loc string) string {
	if loc == "" {
		return "nowhere"
	}
	return Scrub(catalog.PageOf(loc), "", 80)
}

// genericVerdict reads the status and the common JSON error shapes:
// {"error":{"message","type","code"}}, {"message"}, {"detail"}, {"err_msg"}.
func genericVerdict(a *answer) Verdict {
	v := Verdict{Message: firstString(a.Doc,
		path("error", "message"), path("message"), path("detail", "message"), path("detail"),
		path("err_msg"), path("error_description"), path("error")),
		Code: firstString(a.Doc, path("error", "code"), path("error", "type"), path("code"), path("err_code"), path("detail", "status"), path("error"))}
	switch s := a.Status; {
	case a.works():
		v.Result, v.Code, v.Message = observe.ResultOK, "", ""
	case s == http.StatusUnauthorized:
		v.Result = observe.ResultInvalidKey // a bare 401: no marker
	case s == http.StatusPaymentRequired:
		v.Result = observe.ResultQuotaExceeded
	case s == http.StatusForbidden:
		v.Result = observe.ResultNoPermission
	case s == http.StatusTooManyRequests:
		v.Result = observe.ResultRateLimited
	case s >= 500:
		v.Result = observe.ResultVendorError
	default:
		v.Result = observe.ResultUnexpected
	}
	if v.Result == observe.ResultUnexpected && v.Message == "" {
		v.Message = "HTTP " + strconv.Itoa(a.Status) + ": " + string(a.Body)
	}
	return v
}

// path is a list of object keys into a JSON document.
func path(keys ...string) []string { return keys }

// lookup follows keys into doc. An array is entered at its first element,
// so [{"error":{...}}] reads like {"error":{...}}.
func lookup(doc any, keys []string) any {
	for _, k := range keys {
		if arr, ok := doc.([]any); ok && len(arr) > 0 {
			doc = arr[0]
		}
		m, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		doc = m[k]
	}
	return doc
}

// str returns the string (or number) at keys, or "".
func str(doc any, keys ...string) string {
	switch x := lookup(doc, keys).(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// firstString returns the first non-empty string among paths.
func firstString(doc any, paths ...[]string) string {
	for _, p := range paths {
		if s := str(doc, p...); s != "" {
			return s
		}
	}
	return ""
}

// leakWords finds a vendor saying a key leaked or was exposed.
var leakWords = lazyregexp.New(`(?i)\b(leak(ed|s|ing)?|exposed|compromised)\b`)

// mentionsLeak reports whether a vendor message says the key leaked.
func mentionsLeak(msg string) bool { return leakWords().MatchString(msg) }

// has reports whether s contains sub, ignoring case.
func has(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }

// Classify reads a vendor's answer to a request that carried a key, with
// the classifier of family (a catalog probe's family): never on the status
// alone when the body says more. expect lists the statuses that mean the
// key works (nil: any 2xx).
func Classify(family string, status int, h http.Header, body []byte, expect []int) Verdict {
	return classify(family, newAnswer(status, h, body, expect))
}
