package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// Keys of the inventory end-to-end test. None is real.
var inventoryKeys = map[string]string{
	"openai-admin":  "sk-admin-Jx8Kq2Lm5Nn7Pp9Rr1Ss3Tt5Uu7Vv9Ww1Xx3Yy5Zz7Aa9Bb1Cc3Dd5AdMn",
	"openai-prod":   "sk-proj-Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aU4iO6eT8rW0qS3MxYA",
	"openai-canary": "sk-svcacct-Hk2Lp9Wq4Zr7Tn1Vb6Xm3Cd8Fg5Jh0Ks2Lq7Wp4Zr9Tn1VbCnRy",
	"openai-batch":  "sk-proj-Bb3Nn7Mm1Vv5Cc9Xx2Zz6Ll0Kk4Jj8Hh3Gg7Ff1Dd5Ss9Aa2QqW8eR",
	"vapi-prod":     "5f0c9a1e-3b7d-4e2a-8c6f-9d1b2a3c4e5f",
}

// The acceptance test of the key inventory watch (issue 9), through the
// real command against a local fake of OpenAI's Admin API and VAPI's API:
// of three keys, two leave the list between two checks; the audit log
// names ops@example.com for the canary and nothing for the other, so the
// second check has key_deleted naming both, and a critical key_vanished.
// VAPI's calls ending in pipeline-error-openai-401-incorrect-api-key make
// upstream_impact on VAPI citing the 401. No key, the admin key least of
// all, appears in any output or any file of the state dir.
func TestKeyInventoryWatch(t *testing.T) {
	k := inventoryKeys
	org := admintest.NewOpenAI(k["openai-admin"])
	org.AddProject("proj_voice", "Voice", "active")
	created := time.Now().Add(-30 * 24 * time.Hour)
	org.AddKey(admintest.Key{ID: "key_prod", Name: "vapi-prod", Secret: k["openai-prod"], Project: "proj_voice", Owner: "ops@example.com", Created: created, LastUsed: time.Now().Add(-time.Hour)})
	org.AddKey(admintest.Key{ID: "key_canary", Name: "canary-1", Secret: k["openai-canary"], Project: "proj_voice", Owner: "ops@example.com", Created: created})
	org.AddKey(admintest.Key{ID: "key_batch", Name: "batch", Secret: k["openai-batch"], Project: "proj_voice", Owner: "ops@example.com", Created: created})
	org.AddKey(admintest.Key{ID: "key_admin_vw", Name: "vendorwatch", Secret: k["openai-admin"], Admin: true, Owner: "Ops", Created: created})
	openai := httptest.NewServer(org)
	t.Cleanup(openai.Close)
	vapiAPI := admintest.NewVAPI(k["vapi-prod"])
	vapi := httptest.NewServer(vapiAPI)
	t.Cleanup(vapi.Close)
	status := vendorsite(t, map[string]string{"/api/v2/summary.json": "openai__incidentio_v2_summary_operational_2026-09-24.json"})

	t.Setenv("VW_OPENAI_ADMIN", k["openai-admin"])
	t.Setenv("VW_OPENAI_PROD", k["openai-prod"])
	t.Setenv("VW_OPENAI_CANARY", k["openai-canary"])
	t.Setenv("VW_OPENAI_BATCH", k["openai-batch"])
	t.Setenv("VW_VAPI", k["vapi-prod"])
	src := fmt.Sprintf(`timeout: 5s
vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
    admin: {secret: "env:VW_OPENAI_ADMIN"}
    keys:
      - {name: prod, secret: "env:VW_OPENAI_PROD"}
      - {name: canary-1, secret: "env:VW_OPENAI_CANARY", canary: true}
      - {name: batch, secret: "env:VW_OPENAI_BATCH"}
  - id: vapi
    depends_on: [openai]
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[3]s}
    admin: {}
    keys:
      - {name: prod, secret: "env:VW_VAPI"}
`, status.URL, openai.URL, vapi.URL)
	cfg := writeConfig(t, src)
	dirs := map[string]string{}
	for _, d := range []string{"config", "state", "cache", "tmp", "statedir"} {
		dirs[d] = t.TempDir()
	}
	var outputs []string
	once := func() correlate.Report {
		t.Helper()
		stdout, stderr, code := isolatedRun(t, dirs, "--config", cfg, "--once", "--json")
		outputs = append(outputs, stdout, stderr)
		var rep correlate.Report
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("exit %d, stdout is not JSON: %v\n%s\n%s", code, err, stdout, stderr)
		}
		if code != rep.Overall.ExitCode() {
			t.Errorf("exit %d for overall %s", code, rep.Overall)
		}
		return rep
	}

	first := once()
	if first.Overall != correlate.LevelOK {
		t.Fatalf("first check: %s %v", first.Overall, first.Findings)
	}
	o, _ := first.Vendor("openai")
	if inv := o.Inventory; inv == nil || inv.Result != observe.ResultOK || len(inv.Keys) != 4 || inv.AdminFingerprint != "sk-admin-…AdMn" {
		t.Fatalf("first inventory = %+v", o.Inventory)
	}
	for _, row := range o.Inventory.Keys {
		if want := map[string]string{"key_prod": "prod", "key_canary": "canary-1", "key_batch": "batch"}[row.ID]; row.Key != want {
			t.Errorf("row %s matched to %q, want %q", row.ID, row.Key, want)
		}
	}

	// Between the checks: ops@example.com deletes the canary in the
	// console; the batch key disappears with no audit entry; VAPI's calls
	// start failing because the OpenAI key VAPI holds is dead.
	org.RemoveKey("key_canary")
	org.RemoveKey("key_batch")
	org.AddAudit(admintest.AuditEvent{ID: "audit_log-7f3c_20260521", Type: "api_key.deleted", At: time.Now(), Object: "key_canary",
		Email: "ops@example.com", UserID: "user-ops", IP: "203.0.113.7", Country: "US"})
	for i := range 12 {
		c := time.Now().Add(-time.Duration(10-i/2) * time.Minute)
		vapiAPI.AddCall(admintest.Call{ID: fmt.Sprintf("call-401-%d", i), EndedReason: "pipeline-error-openai-401-incorrect-api-key", Created: c, Ended: c.Add(20 * time.Second), Customer: "+14155550123"})
	}
	for i := range 28 {
		c := time.Now().Add(-time.Duration(12-i/3) * time.Minute)
		vapiAPI.AddCall(admintest.Call{ID: fmt.Sprintf("call-ok-%d", i), EndedReason: "customer-ended-call", Created: c, Ended: c.Add(3 * time.Minute), Customer: "+14155550123"})
	}

	second := once()
	if second.Overall != correlate.LevelCritical {
		t.Errorf("second check: overall %s", second.Overall)
	}
	byKind := map[correlate.Kind][]correlate.Finding{}
	for _, f := range second.Findings {
		byKind[f.Kind] = append(byKind[f.Kind], f)
	}
	del := byKind[correlate.KindKeyDeleted]
	if len(del) != 1 || !slices.Equal(del[0].Keys, []string{"canary-1"}) || !strings.Contains(del[0].Title, "ops@example.com") ||
		!strings.Contains(del[0].Detail, "audit_log-7f3c_20260521") || !strings.Contains(del[0].Detail, "203.0.113.7") {
		t.Errorf("key_deleted = %+v", del)
	}
	van := byKind[correlate.KindKeyVanished]
	if len(van) != 1 || van[0].Severity != correlate.SeverityCritical || !slices.Equal(van[0].Keys, []string{"batch"}) ||
		!strings.Contains(van[0].Detail, "no api_key.deleted") || !strings.Contains(van[0].Detail, "Its probe agrees: invalid_key (HTTP 401 invalid_api_key)") {
		t.Errorf("key_vanished = %+v", van)
	}
	if rv := byKind[correlate.KindKeyRevoked]; len(rv) != 0 {
		t.Errorf("the probes' key_revoked were not folded into the inventory's findings: %+v", rv)
	}
	up := byKind[correlate.KindUpstreamImpact]
	if len(up) != 1 || !slices.Equal(up[0].Vendors, []string{"vapi"}) || up[0].Severity != correlate.SeverityCritical ||
		!strings.Contains(up[0].Title, "401 incorrect-api-key (12 of 40 calls)") ||
		!strings.Contains(up[0].Detail, "12 ended pipeline-error-openai-401-incorrect-api-key") ||
		!strings.Contains(up[0].Detail, "the OpenAI key stored in VAPI is dead") {
		t.Errorf("upstream_impact = %+v", up)
	}
	v, _ := second.Vendor("vapi")
	if v.Calls == nil || v.Calls.Ended != 40 || v.Level != correlate.LevelCritical {
		t.Fatalf("vapi = level %s, calls %+v", v.Level, v.Calls)
	}

	// VAPI's call records stop being readable: the findings keep the
	// counts, marked with when they were read, and the timeline says so.
	vapiAPI.Throttle = 1 << 20
	third := once()
	v3, _ := third.Vendor("vapi")
	if v3.Calls == nil || v3.Calls.Result != observe.ResultRateLimited || v3.Calls.Ended != 40 || !v3.Calls.CountedAt.Equal(v.Calls.CountedAt) {
		t.Errorf("vapi's calls while /call is throttled = %+v, want the last counts as of %s", v3.Calls, v.Calls.CountedAt)
	}
	asOf := "(12 of 40 calls, as of " + v.Calls.CountedAt.UTC().Format("15:04 UTC") + ")"
	if !slices.ContainsFunc(third.Findings, func(f correlate.Finding) bool {
		return f.Kind == correlate.KindUpstreamImpact && strings.Contains(f.Title, asOf) && strings.Contains(f.Detail, "could not be read")
	}) {
		t.Errorf("no upstream_impact saying %q: %+v", asOf, third.Findings)
	}

	// The table and the incident report tell the same story.
	stdout, stderr, _ := isolatedRun(t, dirs, "--config", cfg, "--once", "--no-color")
	outputs = append(outputs, stdout, stderr)
	for _, want := range []string{"vanished from the key list with no audit entry", "canary-1 deleted by ops@example.com", "401 incorrect-api-key"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, stdout)
		}
	}
	stdout, stderr, code := isolatedRun(t, dirs, "report", "--config", cfg)
	outputs = append(outputs, stdout, stderr)
	if code != 0 || !strings.Contains(stdout, "vanished from the key list") || !strings.Contains(stdout, "Key inventory: 4 keys in 1 project") ||
		!strings.Contains(stdout, "Call records unreadable: rate_limited (HTTP 429); the counts shown are from the read at") {
		t.Errorf("report exit %d:\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "Key in use: admin key") {
		t.Errorf("vendorwatch's own admin key is logged as in use:\n%s", stdout)
	}
	stdout, stderr, code = isolatedRun(t, dirs, "check-config", "--config", cfg)
	outputs = append(outputs, stdout, stderr)
	if code != 0 || !strings.Contains(stdout, "(admin)") || !strings.Contains(stdout, "sk-admin-…AdMn") {
		t.Errorf("check-config exit %d:\n%s%s", code, stdout, stderr)
	}

	for _, d := range dirs {
		filepath.WalkDir(d, func(path string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				b, _ := os.ReadFile(path)
				outputs = append(outputs, string(b))
			}
			return nil
		})
	}
	if _, err := os.Stat(filepath.Join(dirs["statedir"], "history.db")); err != nil {
		t.Fatalf("no history database to search: %v", err)
	}
	all := strings.Join(outputs, "\n")
	if strings.Contains(all, "+14155550123") || strings.Contains(all, "call-401-") {
		t.Error("call records' personal data or ids were kept")
	}
	for name, key := range k {
		if strings.Contains(all, key) {
			t.Fatalf("key %s appears in the output or files", name)
		}
		hidden := key[len(probe.Fingerprint(key))-len("…")-4 : len(key)-4]
		for i := 0; i+8 <= len(hidden); i++ {
			if strings.Contains(all, hidden[i:i+8]) {
				t.Fatalf("part of key %s (%q) appears in the output or files", name, hidden[i:i+8])
			}
		}
	}
	for _, r := range org.Requests() {
		if strings.HasPrefix(r.Path, "/v1/organization/") && !r.Auth {
			t.Errorf("admin request %s without the admin key", r.Path)
		}
	}
}
