package serve

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// at is a time of the incident log's day (2026-05-21), in UTC.
var at = fixture.At

// fakeKey is shaped like an OpenAI key; nothing the server says may hold it.
const fakeKey = "sk-proj-Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aU4iO6eT8rW0qS3MxYA"

// story is 2026-05-21 at 12:46: OpenAI's key prod revoked, VAPI down
// before its page said so, our network fine.
func story(hhmm string) observe.Snapshot {
	openai := observe.VendorResult{ID: "openai", Name: "OpenAI",
		Status: observe.Status{State: observe.Operational, PageURL: "https://status.openai.com", CheckedAt: at(hhmm),
			Sources: []observe.Source{{URL: "https://status.openai.com/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 182}},
			Components: []observe.Component{
				{Name: "API", State: observe.Operational},
				{Name: "ChatGPT", State: observe.Degraded},
				{Name: "API", State: observe.Operational}, // listed twice by the page
				{Name: "Fine-tuning", Group: "API", State: observe.Operational},
			}},
		Reachability: &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, LatencyMS: 90, CheckedAt: at(hhmm)},
		Keys: []observe.KeyResult{
			{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultInvalidKey, HTTPStatus: 401, Code: "invalid_api_key",
				Message: "Incorrect API key provided: sk-proj-…MxYA.", LatencyMS: 230, CheckedAt: at(hhmm), RevocationMarker: true},
			{Name: "canary-1", Fingerprint: "sk-svcacct-…CnRy", Canary: true, Result: observe.ResultOK, HTTPStatus: 200, LatencyMS: 210, CheckedAt: at(hhmm)},
		}}
	vapi := observe.VendorResult{ID: "vapi", Name: "VAPI", DependsOn: []string{"openai"},
		Status: observe.Status{State: observe.Operational, PageURL: "https://status.vapi.ai", CheckedAt: at(hhmm),
			Sources: []observe.Source{{URL: "https://status.vapi.ai/index.json", Format: "betterstack", OK: true, LatencyMS: 2400}}},
		Reachability: &observe.Reachability{Result: observe.ResultVendorError, HTTPStatus: 502, LatencyMS: 300, CheckedAt: at(hhmm)},
		Keys: []observe.KeyResult{
			{Name: "prod", Fingerprint: "5f0c…4e5f", Result: observe.ResultVendorError, HTTPStatus: 500, LatencyMS: 310, CheckedAt: at(hhmm)},
		}}
	return observe.Snapshot{GeneratedAt: at(hhmm), Vendors: []observe.VendorResult{openai, vapi}}
}

func storyComponent(name string) observe.Component {
	return observe.Component{Name: name, State: observe.Operational}
}

// storyPending is the story before any check: nothing known yet.
func storyPending() observe.Snapshot {
	snap := story("12:40")
	for i := range snap.Vendors {
		v := &snap.Vendors[i]
		v.Status = observe.Status{State: observe.Unknown}
		v.Reachability, v.Keys = nil, []observe.KeyResult{}
	}
	return snap
}

// storyReport assesses the story twice, so streak-based findings open.
func storyReport(t *testing.T) correlate.Report {
	t.Helper()
	_, mem := correlate.Assess(story("12:45"), correlate.Memory{})
	rep, _ := correlate.Assess(story("12:46"), mem)
	if len(rep.Findings) == 0 {
		t.Fatal("the story has no findings")
	}
	return rep
}

// get fetches path from h with an optional bearer token.
func get(t *testing.T, h http.Handler, path, token string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// repeating is a script that plays steps, then the last one again on
// every later check, as a server polling a vendor that stopped changing.
func repeating(steps ...observe.Snapshot) *fixture.Script {
	sc := fixture.NewScript(steps...)
	sc.Repeat = true
	return sc
}
