package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// The fuzz targets of the admin readers answer every request of one read
// from memory (no network): the fuzzed body, with one of a few statuses,
// for the endpoints under test, and the vendors' documented examples for
// the others. They check what the read made of it: a result from the
// vocabulary, every text safe for a terminal and short, no key (neither
// the one the read was made with nor one planted in the answer), and no
// more requests than a read may send.

// maxFuzzBody caps a fuzzed answer: a few pages' worth reaches every
// branch; the fetch client's own cap (MB) is tested in providers/fetch.
const maxFuzzBody = 64 << 10

// fuzzStatuses are the statuses a fuzzed answer comes with, by index.
var fuzzStatuses = []int{200, 401, 403, 404, 429, 500, 400}

// fuzzNow is the read's clock.
var fuzzNow = fixture.At("12:35")

// fuzzAPI answers every request of a read from memory: the body of the
// first route whose suffix ends the path (by the longest suffix), or else
// body with status.
type fuzzAPI struct {
	routes map[string][]byte
	body   []byte
	status int
	// notFound is a path suffix answered with OpenAI's 404 (a key asked
	// for by id that the vendor does not know).
	notFound string
	requests atomic.Int64
}

func (a *fuzzAPI) RoundTrip(r *http.Request) (*http.Response, error) {
	a.requests.Add(1)
	body, status, best := a.body, a.status, ""
	if a.notFound != "" && strings.HasSuffix(r.URL.Path, a.notFound) {
		body, status, best = []byte(`{"error":{"message":"No such API key","type":"invalid_request_error","param":null,"code":null}}`), http.StatusNotFound, a.notFound
	}
	for suffix, b := range a.routes {
		if strings.HasSuffix(r.URL.Path, suffix) && len(suffix) > len(best) {
			body, status, best = b, http.StatusOK, suffix
		}
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// fuzzClient is an admin client whose requests api answers.
func fuzzClient(api *fuzzAPI, callLimit int) *Client {
	f := fetch.New(fetch.Options{Timeout: time.Minute, Transport: api})
	p := probe.New(f, probe.Options{Now: func() time.Time { return fuzzNow },
		Sleep: func(context.Context, time.Duration) error { return nil }})
	return New(p, Options{CallLimit: callLimit})
}

// fuzzVendor is the catalog vendor id at a made-up HTTPS host, read with
// the admin secret admin (or, without one, with its key).
func fuzzVendor(tb testing.TB, id, admin, key string) catalog.Vendor {
	tb.Helper()
	e, ok := catalog.Builtin().Get(id)
	if !ok {
		tb.Fatalf("no catalog entry %q", id)
	}
	v := catalog.Vendor{ID: e.ID, Name: e.Name, API: catalog.APISpec{BaseURL: "https://api." + id + ".test", Reach: e.API.Reach},
		Probe: e.Probe, AdminAPI: e.Admin, Admin: &config.Admin{},
		Keys: []config.Key{{Name: "prod", Secret: config.SecretRef{Kind: config.SecretLiteral, Value: key}}}}
	if admin != "" {
		v.Admin.Secret = config.SecretRef{Kind: config.SecretLiteral, Value: admin}
	}
	if !Enabled(v) {
		tb.Fatalf("%s: the admin reader is not enabled", id)
	}
	return v
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// plant puts s, escaped for a JSON string, in place of the first
// occurrence of old in body.
func plant(body []byte, old, s string) []byte {
	q, _ := json.Marshal(s)
	return bytes.Replace(body, []byte(old), q[1:len(q)-1], 1)
}

// seedErrors adds the error bodies every vendor's admin API may answer,
// echoing the key they were sent, with their statuses.
func seedErrors(f *testing.F, key string) {
	f.Add([]byte(`{"error":{"message":"Incorrect API key provided: `+key+`. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`), uint8(1))
	f.Add([]byte(`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key `+key+`"}}`), uint8(1))
	f.Add([]byte(`{"error":{"message":"Audit logging is not enabled for this organization.","type":"invalid_request_error"}}`), uint8(6))
	f.Add([]byte(`{"error":{"message":"Rate limit reached \u001b]8;;https://evil.test\u0007click\u001b]8;;\u0007","code":"rate_limit_exceeded"}}`), uint8(4))
	f.Add([]byte("<html><body>502 Bad Gateway \u202e</body></html>"), uint8(5))
	f.Add([]byte(`{"message":"Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.","error":"Unauthorized","statusCode":401}`), uint8(1))
	for _, s := range []string{``, `null`, `[]`, `{}`, `{"data":null}`, `{"data":[null,1,"x",{}]}`, `{"data":[],"has_more":true}`,
		`{"data":[{"id":"a"}],"has_more":true,"last_id":""}`, `{"data":[{"id":"a"}],"has_more":true,"last_id":"b"}`} {
		f.Add([]byte(s), uint8(0))
	}
}

// checkSafe fails when the result of a read holds a key or a character
// that must not reach a terminal, or a text longer than any cap the
// readers keep.
func checkSafe(t *testing.T, v any, secret string) {
	t.Helper()
	fixture.TerminalSafe(t, v, false, secret)
	fixture.Strings(v, func(path, s string) {
		if n := utf8.RuneCountInString(s); n > probe.MaxMessage {
			t.Fatalf("%s is %d characters long", path, n)
		}
	})
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("the result does not encode: %v", err)
	}
	fixture.NoKey(t, "the result's JSON", string(b), append(slices.Clone(fixture.Keys), secret)...)
}

// checkRequests fails when a read sent more requests than one may.
func checkRequests(t *testing.T, api *fuzzAPI) {
	t.Helper()
	if n := api.requests.Load(); n > MaxAdminRequests {
		t.Fatalf("%d requests in one read", n)
	}
}

var results = []observe.Result{observe.ResultOK, observe.ResultInvalidKey, observe.ResultAccountDisabled, observe.ResultNoPermission,
	observe.ResultMisconfigured, observe.ResultQuotaExceeded, observe.ResultRateLimited, observe.ResultVendorError,
	observe.ResultTimeout, observe.ResultNetworkError, observe.ResultNoSecret, observe.ResultUnexpected}

// checkInventory checks what every inventory read promises.
func checkInventory(t *testing.T, inv *observe.Inventory, secret string) {
	t.Helper()
	if inv == nil {
		t.Fatal("no inventory")
	}
	if !slices.Contains(results, inv.Result) {
		t.Fatalf("result %q", inv.Result)
	}
	if (inv.Result == observe.ResultOK) != (inv.Error == "") {
		t.Fatalf("result %q with error %q", inv.Result, inv.Error)
	}
	if inv.Result != observe.ResultOK && len(inv.Keys) > 0 {
		t.Fatalf("a failed read (%s) with %d keys", inv.Error, len(inv.Keys))
	}
	if len(inv.Keys) > MaxInventoryKeys || len(inv.Gone) > MaxGoneKeys {
		t.Fatalf("%d keys, %d gone", len(inv.Keys), len(inv.Gone))
	}
	if want := probe.Fingerprint(secret); inv.AdminFingerprint != want {
		t.Fatalf("admin fingerprint %q, want %q", inv.AdminFingerprint, want)
	}
	for _, k := range inv.Keys {
		for _, s := range []string{k.ID, k.Name, k.Project, k.ProjectName, k.Status, k.OwnerAccess, k.Owner, k.OwnerID, k.OwnerType} {
			if n := utf8.RuneCountInString(s); n > maxOwnerText {
				t.Fatalf("a row's text is %d characters long: %q", n, s)
			}
		}
		if k.Redacted != probe.NormalizeRedacted(k.Redacted) {
			t.Fatalf("mask %q is not normalized", k.Redacted)
		}
	}
	checkSafe(t, inv, secret)
}

// FuzzOpenAIKeyList serves the fuzzed body for every list of OpenAI's key
// inventory: projects, each project's keys and service accounts, and the
// admin keys.
func FuzzOpenAIKeyList(f *testing.F) {
	for _, name := range []string{"openai__projects_list.json", "openai__project_api_keys_list.json",
		"openai__admin_api_keys_list.json", "openai__project_service_accounts_list.json"} {
		f.Add(readTestdata(f, name), uint8(0))
	}
	keys := readTestdata(f, "openai__project_api_keys_list.json")
	f.Add(plant(keys, "sk-abc...def", fixture.OpenAIKey), uint8(0))
	f.Add(plant(keys, "My API Key", "leaked "+fixture.OpenAIKey+" \x1b[2J"), uint8(0))
	f.Add(plant(keys, "user@example.com", fixture.AdminKey), uint8(0))
	f.Add(plant(keys, "First Last", "\u202egnp.exe\x07"), uint8(0))
	f.Add(plant(readTestdata(f, "openai__admin_api_keys_list.json"), "sk-admin...def", fixture.AdminKey), uint8(0))
	seedErrors(f, fixture.AdminKey)
	v := fuzzVendor(f, "openai", fixture.AdminKey, fixture.OpenAIKey)
	f.Fuzz(func(t *testing.T, body []byte, code uint8) {
		if len(body) > maxFuzzBody {
			return
		}
		api := &fuzzAPI{body: body, status: fuzzStatuses[int(code)%len(fuzzStatuses)]}
		inv, calls := fuzzClient(api, 0).Read(context.Background(), v, observe.VendorResult{})
		if calls != nil {
			t.Fatal("an inventory read made call records")
		}
		checkRequests(t, api)
		checkInventory(t, inv, fixture.AdminKey)
		if inv.Source != observe.SourceOpenAIAdmin {
			t.Fatalf("source %q", inv.Source)
		}
	})
}

// FuzzOpenAIAuditLog serves OpenAI's documented lists, one key short of
// the previous check's, and the fuzzed body for the audit log asked about
// the key that left.
func FuzzOpenAIAuditLog(f *testing.F) {
	f.Add(readTestdata(f, "openai__audit_logs_list.txt"), uint8(0))
	log := readTestdata(f, "openai__audit_logs_list_commas_removed.json")
	f.Add(log, uint8(0))
	for _, typ := range auditEventTypes {
		// The documented log, about the key that left.
		seed := bytes.ReplaceAll(log, []byte("project.archived"), []byte(typ))
		seed = bytes.ReplaceAll(seed, []byte(`"proj_abc"`), []byte(`"key_gone"`))
		seed = bytes.ReplaceAll(seed, []byte("1722461446"), []byte("1779363000")) // 2026-05-21 11:30 UTC
		f.Add(seed, uint8(0))
		f.Add(plant(plant(seed, "user@example.com", fixture.AdminKey), "127.0.0.1", "\x1b[31m"+fixture.OpenAIKey), uint8(0))
	}
	seedErrors(f, fixture.AdminKey)
	v := fuzzVendor(f, "openai", fixture.AdminKey, fixture.OpenAIKey)
	routes := map[string][]byte{
		openAIProjects:      readTestdata(f, "openai__projects_list.json"),
		"/api_keys":         readTestdata(f, "openai__project_api_keys_list.json"),
		openAIAdminKeys:     readTestdata(f, "openai__admin_api_keys_list.json"),
		"/service_accounts": readTestdata(f, "openai__project_service_accounts_list.json"),
	}
	// The previous check listed key_gone beside the documented keys.
	listed := fuzzNow.Add(-time.Hour)
	prev := &observe.Inventory{Source: observe.SourceOpenAIAdmin, Result: observe.ResultOK, CheckedAt: listed, ListedAt: listed, Complete: true,
		Projects: 1, AdminFingerprint: probe.Fingerprint(fixture.AdminKey), Keys: []observe.InventoryKey{
			{ID: "key_abc", Kind: observe.InventoryProjectKey, Project: "proj_abc", Redacted: "sk-abc…def"},
			{ID: "key_gone", Kind: observe.InventoryProjectKey, Project: "proj_abc", Redacted: "sk-proj…MxYA",
				OwnerType: observe.OwnerServiceAccount, OwnerID: "svc_acct_abc"},
			{ID: "key_abc", Kind: observe.InventoryAdminKey, Redacted: "sk-admin…def"},
		}}
	f.Fuzz(func(t *testing.T, body []byte, code uint8) {
		if len(body) > maxFuzzBody {
			return
		}
		api := &fuzzAPI{routes: routes, body: body, status: fuzzStatuses[int(code)%len(fuzzStatuses)], notFound: "/api_keys/key_gone"}
		inv, _ := fuzzClient(api, 0).Read(context.Background(), v, observe.VendorResult{Inventory: CloneInventory(prev)})
		checkRequests(t, api)
		checkInventory(t, inv, fixture.AdminKey)
		if inv.Result != observe.ResultOK || len(inv.Gone) != 1 || inv.Gone[0].ID != "key_gone" {
			t.Fatalf("the documented lists did not make key_gone leave: %s, %+v", inv.Error, inv.Gone)
		}
		g := inv.Gone[0]
		if g.Lookups != 1 || g.AuditChecked == (g.AuditError != "") {
			t.Fatalf("lookups %d, checked %v, error %q", g.Lookups, g.AuditChecked, g.AuditError)
		}
		if e := g.Audit; e != nil {
			// Only an event that removes a key may explain a vanished one,
			// and only by a rule that says how.
			if !slices.Contains(auditEventTypes, e.Type) || !slices.Contains([]string{"id", "service_account", "project", "window"}, e.Matched) {
				t.Fatalf("key_gone explained by %q (%s)", e.Type, e.Matched)
			}
			if e.At.Before(g.AuditFrom) {
				t.Fatalf("an event of %v explains a key last seen %v", e.At, g.LastSeen)
			}
		}
	})
}

// FuzzAnthropicKeyList serves the fuzzed body for Anthropic's key list.
func FuzzAnthropicKeyList(f *testing.F) {
	keys := readTestdata(f, "anthropic__api_keys_list.json")
	f.Add(keys, uint8(0))
	f.Add(bytes.Replace(keys, []byte(`"has_more": true`), []byte(`"has_more": false`), 1), uint8(0))
	f.Add(plant(keys, "sk-ant-api03-R2D...igAA", fixture.AnthropicKey), uint8(0))
	f.Add(plant(keys, "Developer Key", fixture.AdminKey+"\r\n\x1b[1A"), uint8(0))
	f.Add(plant(keys, "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", "\u2066"+fixture.OpenAIKey), uint8(0))
	f.Add(plant(keys, "2024-10-30T23:58:27.427722Z", "0001-01-01T00:00:00Z"), uint8(0))
	seedErrors(f, fixture.AdminKey)
	v := fuzzVendor(f, "anthropic", fixture.AdminKey, fixture.AnthropicKey)
	f.Fuzz(func(t *testing.T, body []byte, code uint8) {
		if len(body) > maxFuzzBody {
			return
		}
		api := &fuzzAPI{body: body, status: fuzzStatuses[int(code)%len(fuzzStatuses)]}
		inv, _ := fuzzClient(api, 0).Read(context.Background(), v, observe.VendorResult{})
		checkRequests(t, api)
		checkInventory(t, inv, fixture.AdminKey)
		if inv.Projects > len(inv.Keys) {
			t.Fatalf("%d workspaces for %d keys", inv.Projects, len(inv.Keys))
		}
	})
}

// FuzzVAPICalls serves the fuzzed body for VAPI's call records, read with
// the vendor's key, two calls a page.
func FuzzVAPICalls(f *testing.F) {
	call := func(id, reason, created string) string {
		c := map[string]any{"id": id, "orgId": "org-1", "type": "inboundPhoneCall", "status": "in-progress", "createdAt": created,
			"customer": map[string]any{"number": "+14155550100"}, "transcript": "AI: Hello. User: my key is " + fixture.OpenAIKey, "cost": 0.12}
		if reason != "" {
			c["status"], c["endedReason"], c["endedAt"] = "ended", reason, created
		}
		b, _ := json.Marshal(c)
		return string(b)
	}
	f.Add([]byte("["+call("c1", "pipeline-error-openai-401-incorrect-api-key", "2026-05-21T12:30:00.000Z")+","+
		call("c2", "customer-ended-call", "2026-05-21T12:31:00.000Z")+"]"), uint8(0))
	f.Add([]byte("["+call("c3", "call.in-progress.error-vapifault-worker-died", "2026-05-21T12:34:00.000Z")+","+
		call("c4", "", "2026-05-21T12:33:00.000Z")+"]"), uint8(0))
	f.Add([]byte("["+call("c5", "pipeline-error-openai-401-"+fixture.VAPIKey, "2026-05-21T12:30:00.000Z")+","+
		call("c5", "\x1b[31mred", "2026-05-21T12:30:00.000Z")+"]"), uint8(0))
	f.Add([]byte("["+call("c6", "silence-timed-out", "2026-05-21T12:00:00.000Z")+","+
		call("", "silence-timed-out", "9999-12-31T23:59:59.999Z")+"]"), uint8(0))
	for _, s := range []string{`[{}]`, `[null]`, `[{"createdAt":"x"}]`, `{"results":[]}`} {
		f.Add([]byte(s), uint8(0))
	}
	seedErrors(f, fixture.VAPIKey)
	v := fuzzVendor(f, "vapi", "", fixture.VAPIKey)
	const limit = 2
	f.Fuzz(func(t *testing.T, body []byte, code uint8) {
		if len(body) > maxFuzzBody {
			return
		}
		api := &fuzzAPI{body: body, status: fuzzStatuses[int(code)%len(fuzzStatuses)]}
		inv, cs := fuzzClient(api, limit).Read(context.Background(), v, observe.VendorResult{})
		checkRequests(t, api)
		if inv != nil || cs == nil {
			t.Fatalf("inventory %v, calls %v", inv, cs)
		}
		if !slices.Contains(results, cs.Result) || (cs.Result == observe.ResultOK) != (cs.Error == "") {
			t.Fatalf("result %q with error %q", cs.Result, cs.Error)
		}
		if cs.Calls > maxCallPages*limit || cs.Ended > cs.Calls {
			t.Fatalf("%d calls, %d ended, in at most %d pages of %d", cs.Calls, cs.Ended, maxCallPages, limit)
		}
		sum := 0
		for i, rc := range cs.Reasons {
			sum += rc.Count
			if rc.Count <= 0 || (i > 0 && rc.Count > cs.Reasons[i-1].Count) {
				t.Fatalf("reasons out of order: %+v", cs.Reasons)
			}
			if rc.Reason != "unreadable" && !ValidEndedReason(rc.Reason) {
				t.Fatalf("reason %q kept", rc.Reason)
			}
			if rc.Last.Before(rc.First) {
				t.Fatalf("%s: last %v before first %v", rc.Reason, rc.Last, rc.First)
			}
		}
		if sum != cs.Ended {
			t.Fatalf("reasons count %d calls, ended %d", sum, cs.Ended)
		}
		checkSafe(t, cs, fixture.VAPIKey)
	})
}
