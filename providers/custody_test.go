package providers

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

func keyResult(v observe.VendorResult, name string) observe.KeyResult {
	for _, k := range v.Keys {
		if k.Name == name {
			return k
		}
	}
	return observe.KeyResult{}
}

// With an admin key that lists OpenAI's keys, the canary is never sent:
// not in a probe, not in an admin read, over several checks; its result
// comes from the key list. The keys in use are probed as always.
func TestCanaryWatchedNeverProbed(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	var v observe.VendorResult
	for i := range 3 {
		v = checkAt(p, t0.Add(time.Duration(i)*5*time.Minute))
	}
	if n := org.Uses(canaryKey); n != 0 {
		t.Fatalf("the canary was sent %d times; want never", n)
	}
	if n := org.Uses(fixture.OpenAIKey); n != 3 {
		t.Errorf("prod was probed %d times in 3 checks", n)
	}
	c := keyResult(v, "canary-1")
	if !c.NotProbed || c.Result != observe.ResultListed || c.Fingerprint == "" || c.HTTPStatus != 0 || !strings.Contains(c.Message, "never used") {
		t.Errorf("canary result = %+v", c)
	}
	// Used by someone else: the list says so, the result too.
	org.SetLastUsed("key_canary", t0.Add(12*time.Minute))
	c = keyResult(checkAt(p, t0.Add(15*time.Minute)), "canary-1")
	if c.Result != observe.ResultListed || !strings.Contains(c.Message, "last used 2026-05-21 11:02 UTC") {
		t.Errorf("used canary result = %+v", c)
	}
	if n := org.Uses(canaryKey); n != 0 {
		t.Fatalf("the canary was sent %d times; want never", n)
	}
}

// Without an admin key, a canary is probed as before.
func TestCanaryProbedWithoutAdminKey(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	v := adminVendor(t, "openai", srv.URL)
	v.Admin = nil
	p, _ := testPoller([]catalog.Vendor{v}, adminEnv)
	c := keyResult(checkAt(p, t0), "canary-1")
	if n := org.Uses(canaryKey); n != 1 || c.NotProbed || c.Result != observe.ResultOK {
		t.Errorf("canary sent %d times, result %+v; want probed once, ok", n, c)
	}
}

// One admin list failing keeps what the others got: the admin key list
// answers 500, the project lists still read, a project key that leaves
// meanwhile is noticed, and the admin keys (on the failing list) are kept
// as last seen, not taken for vanished. The gap names the endpoint and
// status, and keeps its first time while it lasts.
func TestAdminListFailureKeepsPartialRead(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	first := checkAt(p, t0).Inventory
	if !first.Complete || len(first.Gaps) != 0 {
		t.Fatalf("first read: complete %v, gaps %+v", first.Complete, first.Gaps)
	}
	org.Fail = map[string]int{"/v1/organization/admin_api_keys": 500}
	org.RemoveKey("key_batch")
	inv := checkAt(p, t0.Add(5*time.Minute)).Inventory
	if inv.Result != observe.ResultOK || inv.Complete || len(inv.Gaps) != 1 {
		t.Fatalf("partial read: result %s, complete %v, gaps %+v", inv.Result, inv.Complete, inv.Gaps)
	}
	g := inv.Gaps[0]
	if g.List != "admin_api_keys" || g.Endpoint != "GET /v1/organization/admin_api_keys" || g.HTTPStatus != 500 || !g.Since.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("gap = %+v", g)
	}
	if len(inv.Gone) != 1 || inv.Gone[0].ID != "key_batch" {
		t.Errorf("gone = %+v; want key_batch alone", inv.Gone)
	}
	for _, id := range []string{"key_admin_vw", "key_admin_ci", "key_prod", "key_canary"} {
		r, ok := rowByID(inv, id)
		if !ok {
			t.Errorf("%s lost from the inventory", id)
		}
		if id == "key_admin_ci" && !r.SeenAt.Equal(t0) {
			t.Errorf("%s kept with seen_at %v; want the first read's", id, r.SeenAt)
		}
	}
	inv = checkAt(p, t0.Add(10*time.Minute)).Inventory
	if len(inv.Gaps) != 1 || !inv.Gaps[0].Since.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("still failing: gaps %+v", inv.Gaps)
	}
	org.Fail = nil
	inv = checkAt(p, t0.Add(15*time.Minute)).Inventory
	if !inv.Complete || len(inv.Gaps) != 0 || len(inv.Gone) != 1 {
		t.Errorf("recovered: complete %v, gaps %+v, gone %+v", inv.Complete, inv.Gaps, inv.Gone)
	}
}

// Every list failing is a failed read: the previous inventory is kept
// whole, and the gaps say which endpoints failed.
func TestAdminReadFailingWholeKeepsLastList(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	first := checkAt(p, t0).Inventory
	org.Fail = map[string]int{"/v1/organization/projects": 503, "/v1/organization/admin_api_keys": 503}
	inv := checkAt(p, t0.Add(5*time.Minute)).Inventory
	if inv.Result != observe.ResultVendorError || !inv.ListedAt.Equal(first.ListedAt) || len(inv.Keys) != len(first.Keys) || len(inv.Gone) != 0 {
		t.Errorf("result %s, listed %v, %d keys, gone %v", inv.Result, inv.ListedAt, len(inv.Keys), inv.Gone)
	}
	if len(inv.Gaps) != 2 || inv.Gaps[0].Endpoint != "GET /v1/organization/projects" || inv.Gaps[0].HTTPStatus != 503 {
		t.Errorf("gaps = %+v", inv.Gaps)
	}
}

// A key whose owner lost project access, left out of its list (the
// membership rules), still answers by id: it stays in the inventory as
// unlisted, and is never taken for vanished.
func TestKeyHiddenFromListIsUnlistedNotGone(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
	checkAt(p, t0)
	org.HideInactive = true
	org.SetOwnerAccess("key_batch", "inactive")
	for i := 1; i <= 2; i++ {
		inv := checkAt(p, t0.Add(time.Duration(i)*5*time.Minute)).Inventory
		r, ok := rowByID(inv, "key_batch")
		if !ok || !r.Unlisted || r.OwnerAccess != "inactive" || r.Key != "batch" || len(inv.Gone) != 0 {
			t.Errorf("check %d: row %+v (found %v), gone %+v", i, r, ok, inv.Gone)
		}
	}
	// Deleted for real: the lookup by id answers 404, and it is gone.
	org.RemoveKey("key_batch")
	inv := checkAt(p, t0.Add(15*time.Minute)).Inventory
	if _, ok := rowByID(inv, "key_batch"); ok || len(inv.Gone) != 1 || inv.Gone[0].ID != "key_batch" {
		t.Errorf("deleted: gone %+v", inv.Gone)
	}
}

// A canary that does not resolve has no fingerprint; it is still never
// probed.
func TestCanaryWithoutSecretNotProbed(t *testing.T) {
	t.Parallel()
	org := openAIOrg()
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	v := adminVendor(t, "openai", srv.URL)
	v.Keys[1].Secret = config.SecretRef{Kind: config.SecretEnv, Value: "VW_NOT_SET"}
	p, _ := testPoller([]catalog.Vendor{v}, adminEnv)
	c := keyResult(checkAt(p, t0), "canary-1")
	if c.Result != observe.ResultNoSecret || !c.NotProbed {
		t.Errorf("canary = %+v", c)
	}
}

// Anthropic's admin key lists its keys too: a canary there is never sent,
// and is listed while its row is active, not while it is archived.
func TestAnthropicCanaryWatchedNeverProbed(t *testing.T) {
	t.Parallel()
	a := admintest.NewAnthropic(anthAdminKey)
	a.AddKey(admintest.Key{ID: "apikey_01", Name: "Developer Key", Secret: fixture.AnthropicKey, Project: "wrkspc_01", Owner: "user_01", Created: lastMonth})
	a.AddKey(admintest.Key{ID: "apikey_canary", Name: "canary", Secret: anthSecondKey, Project: "wrkspc_01", Owner: "user_01", Created: lastMonth})
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	v := adminVendor(t, "anthropic", srv.URL)
	v.Keys = append(v.Keys, config.Key{Name: "canary-1", Canary: true, Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_CANARY"}})
	p, _ := testPoller([]catalog.Vendor{v}, map[string]string{"VW_ADMIN": anthAdminKey, "VW_PROD": fixture.AnthropicKey, "VW_CANARY": anthSecondKey})
	c := keyResult(checkAt(p, t0), "canary-1")
	if c.Result != observe.ResultListed || !c.NotProbed {
		t.Errorf("canary = %+v", c)
	}
	a.SetStatus("apikey_canary", "archived")
	c = keyResult(checkAt(p, t0.Add(5*time.Minute)), "canary-1")
	if c.Result != "" || c.Code != "listed_archived" {
		t.Errorf("archived canary = %+v", c)
	}
	if n := a.Uses(anthSecondKey); n != 0 {
		t.Errorf("the canary was sent %d times", n)
	}
	if n := a.Uses(fixture.AnthropicKey); n != 2 {
		t.Errorf("prod was probed %d times in 2 checks", n)
	}
}
