package providers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admin"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// Keys of the inventory tests. None is real.
const (
	canaryKey     = "sk-svcacct-Hk2Lp9Wq4Zr7Tn1Vb6Xm3Cd8Fg5Jh0Ks2Lq7Wp4Zr9Tn1VbCnRy"
	batchKey      = "sk-proj-Bb3Nn7Mm1Vv5Cc9Xx2Zz6Ll0Kk4Jj8Hh3Gg7Ff1Dd5Ss9Aa2QqW8eR"
	anthAdminKey  = "sk-ant-admin01-Zq8Wv6Ut4Sr2Qp0On8Ml6Kj4Ih2Gf0Ed8Cb6Az4Yx2Wv0Ut8Sr6-QpOnMlAdMn"
	anthSecondKey = "sk-ant-api03-Yx2Wv0Ut8Sr6Qp4On2Ml0Kj8Ih6Gf4Ed2Cb0Az8Yx6Wv4Ut2Sr0-QpOnMl2nd2"
)

var (
	t0        = time.Date(2026, 5, 21, 10, 50, 0, 0, time.UTC)
	fiveAgo   = t0.Add(-5 * time.Minute)
	lastMonth = t0.AddDate(0, -1, 0)
)

// openAIOrg is a fake organization: two projects (one archived), three
// keys of ours in the first, one whose owner lost project access, a
// service account, and two admin keys, the one vendorwatch uses expiring
// in ten days.
func openAIOrg() *admintest.OpenAI {
	o := admintest.NewOpenAI(fixture.AdminKey)
	o.AddProject("proj_voice", "Voice", "active")
	o.AddProject("proj_old", "Prototype", "archived")
	o.AddServiceAccount("proj_voice", "svc_acct_batch", "batch-runner")
	o.AddKey(admintest.Key{ID: "key_prod", Name: "vapi-prod", Secret: fixture.OpenAIKey, Project: "proj_voice", Owner: "ops@example.com", Created: lastMonth, LastUsed: fiveAgo})
	o.AddKey(admintest.Key{ID: "key_canary", Name: "canary-1", Secret: canaryKey, Project: "proj_voice", Owner: "ops@example.com", Created: lastMonth})
	o.AddKey(admintest.Key{ID: "key_batch", Name: "batch", Secret: batchKey, Project: "proj_voice", Owner: "svc_acct_batch", OwnerType: "service_account", Created: lastMonth})
	o.AddKey(admintest.Key{ID: "key_leaver", Name: "old laptop", Secret: "sk-proj-Lv1Lv2Lv3Lv4Lv5Lv6Lv7Lv8Lv9Lv0Lv1Lv2Lv3Lv4Lv5Lv6Lv7LeaV", Project: "proj_voice", Owner: "left@example.com", OwnerAccess: "inactive", Created: lastMonth})
	o.AddKey(admintest.Key{ID: "key_proto", Name: "proto", Secret: "sk-proj-Pr0Pr1Pr2Pr3Pr4Pr5Pr6Pr7Pr8Pr9Pr0Pr1Pr2Pr3Pr4Pr5Pr6Pr7PrtO", Project: "proj_old", Owner: "ops@example.com", Created: lastMonth})
	o.AddKey(admintest.Key{ID: "key_admin_vw", Name: "vendorwatch", Secret: fixture.AdminKey, Admin: true, Owner: "Ops", Created: lastMonth, Expires: t0.Add(10 * 24 * time.Hour), LastUsed: fiveAgo})
	o.AddKey(admintest.Key{ID: "key_admin_ci", Name: "terraform", Secret: "sk-admin-Tf1Tf2Tf3Tf4Tf5Tf6Tf7Tf8Tf9Tf0Tf1Tf2Tf3Tf4Tf5Tf6Tf7Tf8TfrM", Admin: true, Owner: "Ops", Created: lastMonth})
	return o
}

// adminVendor is the openai catalog vendor at base with an admin key and
// the configured keys prod, canary-1 and batch.
func adminVendor(t *testing.T, id, base string) catalog.Vendor {
	t.Helper()
	v := vendortest.CatalogVendor(t, id, base, config.Key{Name: "prod", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_PROD"}})
	v.Admin = &config.Admin{Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_ADMIN"}}
	if id == "openai" {
		v.Keys = append(v.Keys,
			config.Key{Name: "canary-1", Canary: true, Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_CANARY"}},
			config.Key{Name: "batch", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_BATCH"}})
	}
	return v
}

var adminEnv = map[string]string{"VW_ADMIN": fixture.AdminKey, "VW_PROD": fixture.OpenAIKey, "VW_CANARY": canaryKey, "VW_BATCH": batchKey}

// checkAt runs one check with the poller's clock at now.
func checkAt(p *Poller, now time.Time) observe.VendorResult {
	p.now = func() time.Time { return now }
	return p.Check(context.Background()).Vendors[0]
}

func rowByID(inv *observe.Inventory, id string) (observe.InventoryKey, bool) {
	i := slices.IndexFunc(inv.Keys, func(k observe.InventoryKey) bool { return k.ID == id })
	if i < 0 {
		return observe.InventoryKey{}, false
	}
	return inv.Keys[i], true
}

func TestOpenAIInventoryFollowsEveryPage(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	org.PageSize = 2 // every list takes several pages
	org.MislabelProjectKeys = true
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	inv := checkAt(p, t0).Inventory
	if inv == nil || inv.Result != observe.ResultOK || !inv.Complete {
		t.Fatalf("inventory = %+v", inv)
	}
	if inv.Projects != 2 || len(inv.Keys) != 7 {
		t.Errorf("%d projects, %d keys, want 2 and 7 (project keys listed once, not again as admin keys): %+v", inv.Projects, len(inv.Keys), inv.Keys)
	}
	leaver, ok := rowByID(inv, "key_leaver")
	if !ok || leaver.OwnerAccess != "inactive" {
		t.Errorf("the key whose owner lost access is missing: owner_project_access=any was not sent (%+v)", leaver)
	}
	prod, _ := rowByID(inv, "key_prod")
	if prod.Key != "prod" || prod.Redacted != "sk-proj-…MxYA" || prod.ProjectName != "Voice" || prod.Owner != "ops@example.com" ||
		!prod.LastUsedAt.Equal(fiveAgo) || prod.Status != observe.StatusActive {
		t.Errorf("prod row = %+v", prod)
	}
	if c, _ := rowByID(inv, "key_canary"); c.Key != "canary-1" {
		t.Errorf("canary row not matched: %+v", c)
	}
	if b, _ := rowByID(inv, "key_batch"); b.Key != "batch" || b.OwnerType != observe.OwnerServiceAccount || b.OwnerID != "svc_acct_batch" {
		t.Errorf("batch row = %+v", b)
	}
	if proto, _ := rowByID(inv, "key_proto"); proto.Status != observe.StatusArchived {
		t.Errorf("a key of an archived project has status %q", proto.Status)
	}
	vw, _ := rowByID(inv, "key_admin_vw")
	if vw.Kind != observe.InventoryAdminKey || !vw.Self || !vw.Expiring || vw.Redacted != "sk-admin…AdMn" {
		t.Errorf("our admin key = %+v", vw)
	}
	if ci, _ := rowByID(inv, "key_admin_ci"); ci.Self || ci.Expiring {
		t.Errorf("the other admin key = %+v", ci)
	}
	if inv.AdminFingerprint != "sk-admin-…AdMn" || len(inv.Accounts) != 1 {
		t.Errorf("admin fingerprint %q, accounts %+v", inv.AdminFingerprint, inv.Accounts)
	}

	pages := map[string]int{}
	for _, r := range org.Requests() {
		if !strings.HasPrefix(r.Path, "/v1/organization/") {
			continue
		}
		if !r.Auth {
			t.Errorf("%s sent without the admin key", r.Path)
		}
		pages[r.Path]++
		if r.Query.Get("limit") != "100" {
			t.Errorf("%s limit = %q", r.Path, r.Query.Get("limit"))
		}
		if strings.HasSuffix(r.Path, "/api_keys") && r.Path != "/v1/organization/admin_api_keys" && r.Query.Get("owner_project_access") != "any" {
			t.Errorf("%s without owner_project_access=any: %v", r.Path, r.Query)
		}
		if r.Path == "/v1/organization/projects" && r.Query.Get("include_archived") != "true" {
			t.Errorf("projects listed without include_archived=true")
		}
		if r.Path == "/v1/organization/projects/proj_old/service_accounts" {
			t.Errorf("service accounts of an archived project asked for")
		}
	}
	if pages["/v1/organization/projects/proj_voice/api_keys"] != 2 || pages["/v1/organization/admin_api_keys"] != 4 {
		t.Errorf("pages read = %v; want every page (after = last_id) of every list", pages)
	}
	blob, _ := json.Marshal(inv)
	vendortest.AssertNoKey(t, "the inventory", string(blob), fixture.AdminKey, probe.Fingerprint(fixture.AdminKey))
	vendortest.AssertNoKey(t, "the inventory", string(blob), fixture.OpenAIKey, probe.Fingerprint(fixture.OpenAIKey))
}

func TestInventoryPagesAreBounded(t *testing.T) {
	t.Parallel()
	o := admintest.NewOpenAI(fixture.AdminKey)
	o.PageSize = 1
	o.AddProject("proj_big", "Big", "active")
	for i := range admin.MaxListPages + 5 {
		o.AddKey(admintest.Key{ID: fmt.Sprintf("key_%03d", i), Name: "k", Secret: fmt.Sprintf("sk-proj-%048d", i), Project: "proj_big", Owner: "a@example.com"})
	}
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	first := checkAt(p, t0).Inventory
	if first.Complete || first.Result != observe.ResultOK || len(first.Keys) != admin.MaxListPages {
		t.Fatalf("complete=%v result=%s keys=%d; want an incomplete list of %d keys", first.Complete, first.Result, len(first.Keys), admin.MaxListPages)
	}
	o.RemoveKey("key_000")
	second := checkAt(p, t0.Add(5*time.Minute)).Inventory
	if len(second.Gone) != 0 {
		t.Errorf("an incomplete list was diffed: gone %+v", second.Gone)
	}
	n := 0
	for _, r := range o.Requests() {
		if strings.HasPrefix(r.Path, "/v1/organization/") {
			n++
		}
	}
	if n > 2*(admin.MaxListPages+3) {
		t.Errorf("%d admin requests for two checks", n)
	}
}

// auditRequests returns the audit-log requests of a fake.
func auditRequests(o *admintest.OpenAI) []admintest.Request {
	var out []admintest.Request
	for _, r := range o.Requests() {
		if r.Path == "/v1/organization/audit_logs" {
			out = append(out, r)
		}
	}
	return out
}

func TestVanishedKeysAskTheAuditLog(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	first := checkAt(p, t0)
	if len(first.Inventory.Gone) != 0 || len(auditRequests(org)) != 0 {
		t.Fatalf("first check: gone %+v", first.Inventory.Gone)
	}
	// Between the checks ops@example.com deletes the canary in the
	// console; the batch key disappears with no audit entry.
	org.RemoveKey("key_canary")
	org.RemoveKey("key_batch")
	org.AddAudit(admintest.AuditEvent{ID: "audit_log-canary_20260521", Type: "api_key.deleted", At: t0.Add(3 * time.Minute), Object: "key_canary",
		Email: "ops@example.com", UserID: "user-ops", IP: "203.0.113.7", Country: "US"})
	org.AddAudit(admintest.AuditEvent{ID: "audit_log-old_20260401", Type: "api_key.deleted", At: lastMonth, Object: "key_older", Email: "x@example.com"})

	second := checkAt(p, t0.Add(5*time.Minute))
	gone := second.Inventory.Gone
	if len(gone) != 2 {
		t.Fatalf("gone = %+v", gone)
	}
	byID := map[string]observe.GoneKey{}
	for _, g := range gone {
		byID[g.ID] = g
	}
	c := byID["key_canary"]
	if c.Audit == nil || c.Audit.Matched != "id" || c.Audit.ActorEmail != "ops@example.com" || c.Audit.IP != "203.0.113.7" ||
		!c.Audit.At.Equal(t0.Add(3*time.Minute)) || c.Key != "canary-1" || !c.Canary || c.Fingerprint != "sk-svcacct-…CnRy" {
		t.Errorf("canary = %+v, audit %+v", c, c.Audit)
	}
	if got := c.Audit.Actor(); got != "ops@example.com (203.0.113.7, US)" {
		t.Errorf("actor = %q", got)
	}
	b := byID["key_batch"]
	if b.Audit != nil || !b.AuditChecked || b.AuditError != "" || b.Key != "batch" || !b.LastSeen.Equal(t0) || !b.NoticedAt.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("batch = %+v", b)
	}

	reqs := auditRequests(org)
	if len(reqs) != 2 {
		t.Fatalf("%d audit requests, want one with the ids and one without", len(reqs))
	}
	withIDs, without := reqs[0].Query, reqs[1].Query
	for _, q := range []map[string][]string{withIDs, without} {
		if !slices.Equal(q["event_types[]"], []string{"api_key.deleted", "service_account.deleted", "project.archived"}) {
			t.Errorf("event types = %v", q["event_types[]"])
		}
		if got := q["effective_at[gte]"]; len(got) != 1 || got[0] != strconv.FormatInt(t0.Add(-admin.AuditWindowSlack).Unix(), 10) {
			t.Errorf("effective_at[gte] = %v, want the last sighting minus 5 minutes", got)
		}
	}
	for _, id := range []string{"key_canary", "key_batch", "svc_acct_batch", "proj_voice"} {
		if !slices.Contains(withIDs["resource_ids[]"], id) {
			t.Errorf("resource_ids[] = %v lacks %s", withIDs["resource_ids[]"], id)
		}
	}
	if len(without["resource_ids[]"]) != 0 {
		t.Errorf("the second query names ids: %v", without["resource_ids[]"])
	}

	// The next check asks again about the key nothing explains (audit logs
	// lag), and finds the late entry under another id: a lone unexplained
	// deletion in the window is tied to the lone unexplained key.
	org.AddAudit(admintest.AuditEvent{ID: "audit_log-late", Type: "api_key.deleted", At: t0.Add(4 * time.Minute), Object: "key_tracking_77",
		APIKeyID: "key_admin_ci", Email: "ci@example.com"})
	third := checkAt(p, t0.Add(10*time.Minute))
	if len(third.Inventory.Gone) != 2 {
		t.Fatalf("third check: gone %+v", third.Inventory.Gone)
	}
	late := third.Inventory.Gone[slices.IndexFunc(third.Inventory.Gone, func(g observe.GoneKey) bool { return g.ID == "key_batch" })]
	if late.Audit == nil || late.Audit.Matched != "window" || late.Audit.ActorKey != "key_admin_ci" || late.Lookups != 2 {
		t.Fatalf("batch on the third check = %+v, audit %+v", late, late.Audit)
	}
	if got := late.Audit.Actor(); got != "ci@example.com with API key key_admin_ci" {
		t.Errorf("actor = %q", got)
	}
	// Explained keys are not asked about again.
	n := len(auditRequests(org))
	checkAt(p, t0.Add(15*time.Minute))
	if len(auditRequests(org)) != n {
		t.Errorf("the audit log was asked again about explained keys")
	}
}

func TestAuditExplainsByOwnerAndProject(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	checkAt(p, t0)
	org.RemoveKey("key_batch")
	org.RemoveKey("key_proto")
	org.AddAudit(admintest.AuditEvent{ID: "audit_log-sa", Type: "service_account.deleted", At: t0.Add(time.Minute), Object: "svc_acct_batch", Email: "ops@example.com"})
	org.AddAudit(admintest.AuditEvent{ID: "audit_log-pr", Type: "project.archived", At: t0.Add(2 * time.Minute), Object: "proj_old", Email: "cto@example.com"})
	gone := checkAt(p, t0.Add(5*time.Minute)).Inventory.Gone
	how := map[string]string{}
	for _, g := range gone {
		if g.Audit != nil {
			how[g.ID] = g.Audit.Matched + " " + g.Audit.Object
		}
	}
	if how["key_batch"] != "service_account svc_acct_batch" || how["key_proto"] != "project proj_old" {
		t.Errorf("explained as %v", how)
	}
	if len(auditRequests(org)) != 1 {
		t.Errorf("%d audit requests; the query with ids explained both", len(auditRequests(org)))
	}
}

func TestAuditLogUnavailable(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	org.AuditDisabled = true
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	checkAt(p, t0)
	org.RemoveKey("key_batch")
	g := checkAt(p, t0.Add(5*time.Minute)).Inventory.Gone
	if len(g) != 1 || g[0].AuditChecked || !strings.Contains(g[0].AuditError, "Audit logging is not enabled") || !g[0].AuditOff || g[0].Lookups != 1 {
		t.Fatalf("gone = %+v", g)
	}
	// Asked again while the hour lasts, then left to correlation's memory.
	if g := checkAt(p, t0.Add(30*time.Minute)).Inventory.Gone; len(g) != 1 || g[0].Lookups != 2 || g[0].AuditChecked {
		t.Errorf("half an hour later: %+v", g)
	}
	if g := checkAt(p, t0.Add(2*time.Hour)).Inventory.Gone; len(g) != 0 {
		t.Errorf("two hours later still asking: %+v", g)
	}
}

func TestAdminRateLimitWaitsForTheNextCheck(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, waits := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	first := checkAt(p, t0).Inventory
	org.Throttle, org.RetryAfter = 1, "120"
	before := len(org.Requests())
	org.RemoveKey("key_batch")
	second := checkAt(p, t0.Add(5*time.Minute)).Inventory
	if second.Result != observe.ResultRateLimited || second.HTTPStatus != 429 || !strings.Contains(second.Error, "trying again at the next check") {
		t.Errorf("rate limited inventory = %+v", second)
	}
	if !second.ListedAt.Equal(first.ListedAt) || len(second.Keys) != len(first.Keys) || len(second.Gone) != 0 {
		t.Errorf("the last list was not kept: listed %v, %d keys, gone %v", second.ListedAt, len(second.Keys), second.Gone)
	}
	admin := 0
	for _, r := range org.Requests()[before:] {
		if strings.HasPrefix(r.Path, "/v1/organization/") {
			admin++
		}
	}
	if admin != 1 || slices.Contains(*waits, 120*time.Second) {
		t.Errorf("%d admin requests after a 429 asking for 120s (waits %v); want 1 and no wait", admin, *waits)
	}
	// A short Retry-After is honoured within the check.
	org.Throttle, org.RetryAfter = 1, "1"
	third := checkAt(p, t0.Add(10*time.Minute)).Inventory
	if third.Result != observe.ResultOK || !slices.Contains(*waits, time.Second) || len(third.Gone) != 1 {
		t.Errorf("after a 1s Retry-After: %s, waits %v, gone %v", third.Result, *waits, third.Gone)
	}
}

func TestAdminKeyRejected(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	org.AdminKey = "sk-admin-someoneelse"
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	inv := checkAt(p, t0).Inventory
	if inv.Result != observe.ResultInvalidKey || inv.Code != "invalid_api_key" || inv.AdminFingerprint != "sk-admin-…AdMn" || inv.Keys == nil {
		t.Errorf("inventory = %+v", inv)
	}
	blob, _ := json.Marshal(inv)
	vendortest.AssertNoKey(t, "the inventory", string(blob), fixture.AdminKey, probe.Fingerprint(fixture.AdminKey))
}

func TestAdminKeyNeedsHTTPS(t *testing.T) {
	t.Parallel()
	v := adminVendor(t, "openai", "http://admin.example.com")
	p, _ := testPoller([]catalog.Vendor{v}, adminEnv)
	inv := checkAt(p, t0).Inventory
	if inv.Result != observe.ResultMisconfigured || inv.Code != "insecure_url" {
		t.Errorf("inventory = %+v", inv)
	}
}

func TestAnthropicInventory(t *testing.T) {
	t.Parallel()
	a := admintest.NewAnthropic(anthAdminKey)
	a.PageSize = 1
	a.AddKey(admintest.Key{ID: "apikey_01Rj2N8SVvo6BePZj99NhmiT", Name: "Developer Key", Secret: fixture.AnthropicKey, Project: "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", Owner: "user_01WCz1FkmYMm4gnmykNKUu3Q", Created: lastMonth})
	a.AddKey(admintest.Key{ID: "apikey_02", Name: "CI", Secret: anthSecondKey, Project: "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", Owner: "user_01", Created: lastMonth, Expires: t0.Add(3 * 24 * time.Hour)})
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	v := adminVendor(t, "anthropic", srv.URL)
	p, _ := testPoller([]catalog.Vendor{v}, map[string]string{"VW_ADMIN": anthAdminKey, "VW_PROD": fixture.AnthropicKey})
	r := checkAt(p, t0)
	inv := r.Inventory
	if inv.Source != observe.SourceAnthropicAdmin || inv.Result != observe.ResultOK || !inv.Complete || len(inv.Keys) != 2 || inv.Projects != 1 {
		t.Fatalf("inventory = %+v", inv)
	}
	dev, _ := rowByID(inv, "apikey_01Rj2N8SVvo6BePZj99NhmiT")
	if dev.Key != "prod" || dev.Status != observe.StatusActive || dev.Redacted != "sk-ant-api03-R2D…igAA" || dev.Expiring {
		t.Errorf("developer key = %+v", dev)
	}
	if ci, _ := rowByID(inv, "apikey_02"); !ci.Expiring || ci.Key != "" {
		t.Errorf("CI key = %+v", ci)
	}
	after := 0
	for _, req := range a.Requests() {
		if req.Path != "/v1/organizations/api_keys" {
			continue
		}
		if !req.Auth {
			t.Errorf("key list asked without x-api-key and anthropic-version")
		}
		if req.Query.Get("after_id") != "" {
			after++
		}
	}
	if after != 1 {
		t.Errorf("%d pages read with after_id, want 1", after)
	}
	// A key archived in the console stays listed with its status.
	a.SetStatus("apikey_01Rj2N8SVvo6BePZj99NhmiT", "archived")
	r = checkAt(p, t0.Add(5*time.Minute))
	if dev, _ := rowByID(r.Inventory, "apikey_01Rj2N8SVvo6BePZj99NhmiT"); dev.Status != observe.StatusArchived || dev.Key != "prod" || len(r.Inventory.Gone) != 0 {
		t.Errorf("after archiving: %+v, gone %+v", dev, r.Inventory.Gone)
	}
	if r.Keys[0].Result != observe.ResultInvalidKey {
		t.Errorf("the archived key's probe = %s", r.Keys[0].Result)
	}
}

func TestAdminChecksRunOnTheirOwnInterval(t *testing.T) {
	t.Parallel()
	v := adminVendor(t, "openai", "https://api.openai.test")
	if got := admin.Interval(v); got != config.DefaultAdminInterval {
		t.Errorf("default interval = %s", got)
	}
	v.Admin.Interval = config.Duration(2 * time.Minute)
	if got := admin.Interval(v); got != 2*time.Minute {
		t.Errorf("interval = %s", got)
	}
	if got := admin.Interval(vendortest.CatalogVendor(t, "openai", "https://api.openai.test", config.Key{})); got != 0 {
		t.Errorf("no admin: interval = %s", got)
	}
	vapi := vendortest.CatalogVendor(t, "vapi", "https://api.vapi.test", config.Key{})
	if admin.Interval(vapi) != 0 {
		t.Error("VAPI reads call records without admin:")
	}
	vapi.Admin = &config.Admin{}
	if admin.Interval(vapi) != config.DefaultAdminInterval {
		t.Error("VAPI with admin: {} does not read call records")
	}
	// A probe-only round leaves the inventory as it was.
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	first := checkAt(p, t0).Inventory
	before := len(org.Requests())
	res := p.checkVendor(context.Background(), p.vendors[0], PartProbes)
	if !res.Inventory.CheckedAt.Equal(first.CheckedAt) || len(res.Inventory.Keys) != len(first.Keys) {
		t.Error("a probe round replaced the inventory")
	}
	for _, r := range org.Requests()[before:] {
		if strings.HasPrefix(r.Path, "/v1/organization/") {
			t.Errorf("a probe round read the admin API: %s", r.Path)
		}
	}
}

// A snapshot handed out is never written to by a later check (run with
// -race).
func TestInventorySnapshotsAreNotShared(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	snap := p.Check(context.Background())
	inv := snap.Vendors[0].Inventory
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			for _, k := range inv.Keys {
				_ = k.Key
			}
		}
	}()
	p.checkVendor(context.Background(), p.vendors[0], PartProbes)
	<-done
	if next := p.Snapshot().Vendors[0].Inventory; next == inv {
		t.Error("the next result shares the inventory of the snapshot handed out")
	}
}

// In a long run the first round shows status and probes without waiting
// for the admin API, which follows at once and then on its own interval.
func TestRunReadsTheAdminAPIOnItsInterval(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	v := adminVendor(t, "openai", srv.URL)
	v.Interval, v.ProbeInterval = time.Hour, time.Hour
	v.Admin.Interval = config.Duration(100 * time.Millisecond)
	p, _ := testPoller([]catalog.Vendor{v}, adminEnv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan observe.Snapshot, 100)
	go p.Run(ctx, func(e observe.Event) {
		if e.Done {
			events <- e.Snapshot
		}
	})
	var snaps []observe.Snapshot
	for len(snaps) < 4 {
		select {
		case s := <-events:
			snaps = append(snaps, s)
		case <-time.After(10 * time.Second):
			t.Fatalf("%d rounds in 10s", len(snaps))
		}
	}
	if snaps[0].Vendors[0].Inventory != nil || len(snaps[0].Vendors[0].Keys) != 3 {
		t.Errorf("first round: inventory %v, %d keys; want the probes without the inventory", snaps[0].Vendors[0].Inventory, len(snaps[0].Vendors[0].Keys))
	}
	if inv := snaps[1].Vendors[0].Inventory; inv == nil || inv.Result != observe.ResultOK {
		t.Fatalf("second round: inventory %+v", inv)
	}
	if !snaps[3].Vendors[0].Inventory.CheckedAt.After(snaps[1].Vendors[0].Inventory.CheckedAt) {
		t.Error("the admin API was not read again on its interval")
	}
	probes := 0
	for _, r := range org.Requests() {
		if r.Path == "/v1/models" && r.Auth == false {
			probes++
		}
	}
	if probes > 8 { // three keys and one keyless request, once
		t.Errorf("%d probe requests: the admin interval also ran the probes", probes)
	}
}

// An inventory seeded from an earlier run is dropped once admin: is gone
// from the config.
func TestInventoryDroppedWithoutAdmin(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	v := vendortest.CatalogVendor(t, "openai", srv.URL, config.Key{Name: "prod", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_PROD"}})
	p, _ := testPoller([]catalog.Vendor{v}, adminEnv)
	p.Seed(observe.Snapshot{Vendors: []observe.VendorResult{{ID: "openai", Inventory: &observe.Inventory{Source: observe.SourceOpenAIAdmin}, Calls: &observe.CallSummary{}}}})
	if r := p.checkVendor(context.Background(), v, PartProbes); r.Inventory != nil || r.Calls != nil {
		t.Errorf("inventory %+v, calls %+v kept without admin:", r.Inventory, r.Calls)
	}
}

// With no config, an admin key in OPENAI_ADMIN_KEY (ANTHROPIC_ADMIN_KEY)
// turns on the key inventory watch, like admin: {secret: env:…} would.
func TestDefaultConfigWatchesTheInventory(t *testing.T) {
	t.Setenv("OPENAI_ADMIN_KEY", fixture.AdminKey)
	t.Setenv("ANTHROPIC_ADMIN_KEY", "")
	cfg := catalog.DefaultConfig(catalog.Builtin())
	vendors, err := catalog.Resolve(cfg, catalog.Builtin(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vendors {
		switch v.ID {
		case "openai":
			if v.Admin == nil || v.Admin.Secret.String() != "env:OPENAI_ADMIN_KEY" || admin.Interval(v) == 0 {
				t.Errorf("openai admin = %+v", v.Admin)
			}
		default:
			if v.Admin != nil {
				t.Errorf("%s has admin %+v", v.ID, v.Admin)
			}
		}
	}
}
