package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
)

// The acceptance test of the evidence pack (issue 18): a key vanishes from
// OpenAI's key list with no audit-log entry, between --once runs against
// a fake OpenAI that sends a request id with every answer. The pack of
// that key names its id and project, when the list last held it and first
// did not, every probe with its request id, the audit-log queries with
// their empty answers, the canary, and a hash chain that a second run
// (--verify) finds intact. An UPDATE of one history row afterwards is
// caught by both --verify and a new pack. No key is in any of it.
func TestEvidenceForAVanishedKey(t *testing.T) {
	k := inventoryKeys
	org := admintest.NewOpenAI(k["openai-admin"])
	org.AddProject("proj_voice", "Voice", "active")
	created := time.Now().Add(-30 * 24 * time.Hour)
	org.AddKey(admintest.Key{ID: "key_prod", Name: "prod", Secret: k["openai-prod"], Project: "proj_voice", Owner: "ops@example.com", Created: created})
	org.AddKey(admintest.Key{ID: "key_canary", Name: "canary-1", Secret: k["openai-canary"], Project: "proj_voice", Owner: "ops@example.com", Created: created})
	org.AddKey(admintest.Key{ID: "key_batch", Name: "batch", Secret: k["openai-batch"], Project: "proj_voice", Owner: "ops@example.com", Created: created})
	org.AddKey(admintest.Key{ID: "key_admin_vw", Name: "vendorwatch", Secret: k["openai-admin"], Admin: true, Owner: "Ops", Created: created})
	openai := httptest.NewServer(org)
	t.Cleanup(openai.Close)
	status := vendorsite(t, map[string]string{"/api/v2/summary.json": "openai__incidentio_v2_summary_operational_2026-09-24.json"})
	t.Setenv("VW_OPENAI_ADMIN", k["openai-admin"])
	t.Setenv("VW_OPENAI_PROD", k["openai-prod"])
	t.Setenv("VW_OPENAI_CANARY", k["openai-canary"])
	t.Setenv("VW_OPENAI_BATCH", k["openai-batch"])
	cfg := writeConfig(t, fmt.Sprintf(`timeout: 5s
vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
    admin: {secret: "env:VW_OPENAI_ADMIN"}
    keys:
      - {name: prod, secret: "env:VW_OPENAI_PROD"}
      - {name: canary-1, secret: "env:VW_OPENAI_CANARY", canary: true}
      - name: batch
        secret: "env:VW_OPENAI_BATCH"
        holders: [{service: batch-worker}, {secret: "gcp:openai-batch"}]
`, status.URL, openai.URL))
	dirs := map[string]string{}
	for _, d := range []string{"config", "state", "cache", "tmp", "statedir"} {
		dirs[d] = t.TempDir()
	}
	var outputs []string
	run := func(args ...string) (string, int) {
		t.Helper()
		stdout, stderr, code := isolatedRun(t, dirs, append([]string{"--config", cfg}, args...)...)
		outputs = append(outputs, stdout, stderr)
		return stdout + stderr, code
	}
	if out, code := run("--once"); code != 0 {
		t.Fatalf("first check: exit %d\n%s", code, out)
	}
	org.RemoveKey("key_batch") // gone, and the audit log says nothing
	if out, code := run("--once"); code != 2 || !strings.Contains(out, "left OpenAI's key list") {
		t.Fatalf("second check: exit %d\n%s", code, out)
	}
	run("--once") // the audit log is asked again, and is still empty

	packFile := filepath.Join(t.TempDir(), "batch.json")
	if out, code := run("evidence", "--key", "openai/batch", "--since", "1h", "--format", "json", "-o", packFile); code != 0 || !strings.Contains(out, "hash chain intact") {
		t.Fatalf("evidence: exit %d\n%s", code, out)
	}
	raw, err := os.ReadFile(packFile)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(raw))
	var pack output.EvidencePack
	if err := json.Unmarshal(raw, &pack); err != nil {
		t.Fatal(err)
	}
	id := pack.Key
	if id.ID != "key_batch" || id.Project != "proj_voice" || id.LastListed.IsZero() || id.FirstMissing.IsZero() || !id.FirstMissing.After(id.LastListed) ||
		len(id.Fingerprints) != 1 || id.Fingerprints[0] != "sk-proj-…W8eR" || len(id.Holders) != 2 {
		t.Errorf("key identity = %+v", id)
	}
	// Probes that answered as the one before are counted into its row.
	probes := 0
	for _, p := range pack.Probes {
		probes += max(p.Count, 1)
	}
	if probes != 3 {
		t.Fatalf("probes = %+v, want one per check", pack.Probes)
	}
	for i, p := range pack.Probes {
		if !strings.HasPrefix(p.RequestID, "req_") || p.RequestIDFrom != "x-request-id" || p.HTTPStatus == 0 || p.Hash == "" {
			t.Errorf("probe %d = %+v, want the vendor's request id, the status and a hash", i, p)
		}
	}
	if last := pack.Probes[len(pack.Probes)-1]; last.Result != observe.ResultInvalidKey || last.HTTPStatus != http.StatusUnauthorized {
		t.Errorf("the last probe = %+v, want invalid_key 401", last)
	}
	if len(pack.KeyList) != 3 || !pack.KeyList[0].Listed || pack.KeyList[1].Listed || pack.KeyList[2].Listed || len(pack.KeyList[0].Requests) == 0 ||
		!strings.HasPrefix(pack.KeyList[0].Requests[0].RequestID, "req_") {
		t.Errorf("key list reads = %+v", pack.KeyList)
	}
	empty := 0
	for _, q := range pack.AuditQueries {
		if q.Result == observe.ResultOK && q.Count == 0 && len(q.Entries) == 0 && !q.From.IsZero() && !q.Until.Before(q.From) && strings.HasPrefix(q.RequestID, "req_") && q.About {
			empty++
		}
	}
	if empty < 2 {
		t.Errorf("audit-log queries = %+v, want the empty answers of both checks after the key left", pack.AuditQueries)
	}
	if len(pack.Canaries) != 1 || pack.Canaries[0].Key != "canary-1" || pack.Canaries[0].Listed == nil || !*pack.Canaries[0].Listed {
		t.Errorf("canaries = %+v", pack.Canaries)
	}
	if len(pack.Status) == 0 || pack.Status[0].Hash == "" {
		t.Errorf("status page = %+v, want its state, chained", pack.Status)
	}
	if c := pack.Chain; !c.Intact || c.First.Hash == "" || c.Last.Hash == "" || c.Links < len(pack.Probes)+len(pack.KeyList) || c.Started.IsZero() {
		t.Errorf("chain = %+v", c)
	}

	md, code := run("evidence", "--key", "openai/batch", "--since", "1h")
	for _, want := range []string{"# Evidence: OpenAI key batch (sk-proj-…W8eR)", "Key id: key\\_batch", "empty (no entry)", pack.Probes[0].RequestID, "**intact**", pack.Chain.Last.Hash} {
		if !strings.Contains(md, strings.ReplaceAll(want, "\\_", "_")) && !strings.Contains(md, want) {
			t.Errorf("the Markdown pack lacks %q", want)
		}
	}
	if code != 0 {
		t.Errorf("evidence (markdown): exit %d", code)
	}

	// A second run verifies the pack.
	if out, code := run("evidence", "--verify", packFile); code != 0 || !strings.HasPrefix(out, "intact:") {
		t.Errorf("--verify: exit %d\n%s", code, out)
	}
	// A pack edited afterwards does not verify.
	edited := strings.Replace(string(raw), `"result": "invalid_key"`, `"result": "ok"`, 1)
	editedFile := filepath.Join(t.TempDir(), "edited.json")
	if err := os.WriteFile(editedFile, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := run("evidence", "--verify", editedFile); code != 1 || !strings.Contains(out, "probes differ") {
		t.Errorf("--verify of an edited pack: exit %d\n%s", code, out)
	}

	// A history row edited afterwards breaks the chain at that row.
	db, err := sql.Open("sqlite", filepath.Join(dirs["statedir"], history.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`UPDATE evidence SET body = replace(body, '"result":"invalid_key"', '"result":"ok"') WHERE kind = 'probe' AND key = 'batch' AND body LIKE '%invalid_key%'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("the tampering UPDATE changed nothing")
	}
	db.Close()
	if out, code := run("evidence", "--verify", packFile); code != 1 || !strings.Contains(out, "NOT intact") || !strings.Contains(out, history.BreakChanged) {
		t.Errorf("--verify after an UPDATE: exit %d\n%s", code, out)
	}
	if out, code := run("evidence", "--key", "openai/batch", "--since", "1h"); code != 1 || !strings.Contains(out, "**broken**") || !strings.Contains(out, history.BreakChanged) {
		t.Errorf("evidence after an UPDATE: exit %d\n%s", code, out)
	}

	for _, s := range outputs {
		fixture.NoKey(t, "evidence output", s, k["openai-admin"], k["openai-prod"], k["openai-canary"], k["openai-batch"])
	}
	filepath.WalkDir(dirs["statedir"], func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b, _ := os.ReadFile(path)
			fixture.NoKey(t, path, string(b), k["openai-admin"], k["openai-prod"], k["openai-canary"], k["openai-batch"])
		}
		return nil
	})
}

// A vendor that echoes the key everywhere it can (the request id header,
// the body's request_id, the error message) leaves no trace of it in the
// pack, in either form, nor in the history: the echoed id is dropped, the
// message keeps the fingerprint.
func TestEvidenceWithALeakingVendor(t *testing.T) {
	key := fixture.OpenAIKey
	leaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s.","type":"invalid_request_error","code":"invalid_api_key"},"request_id":%q}`, key, key)
	}))
	t.Cleanup(leaky.Close)
	status := vendorsite(t, map[string]string{"/api/v2/summary.json": "openai__incidentio_v2_summary_operational_2026-09-24.json"})
	t.Setenv("VW_OPENAI_PROD", key)
	cfg := writeConfig(t, fmt.Sprintf(`vendors:
  - id: openai
    status: [{url: %s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %s}
    keys:
      - {name: prod, secret: "env:VW_OPENAI_PROD"}
`, status.URL, leaky.URL))
	dirs := map[string]string{}
	for _, d := range []string{"config", "state", "cache", "tmp", "statedir"} {
		dirs[d] = t.TempDir()
	}
	var outputs []string
	for _, args := range [][]string{{"--once", "--json"}, {"evidence", "--key", "openai/prod", "--format", "json"}, {"evidence", "--key", "openai/prod"}} {
		stdout, stderr, _ := isolatedRun(t, dirs, append([]string{"--config", cfg}, args...)...)
		outputs = append(outputs, stdout, stderr)
	}
	var pack output.EvidencePack
	if err := json.Unmarshal([]byte(outputs[2]), &pack); err != nil {
		t.Fatalf("%v\n%s", err, outputs[2]+outputs[3])
	}
	if len(pack.Probes) != 1 || pack.Probes[0].RequestID != "" || pack.Probes[0].Result != observe.ResultInvalidKey || !strings.Contains(pack.Probes[0].Message, "sk-proj-…MxYA") {
		t.Errorf("probes = %+v, want invalid_key with the echoed id dropped and the key shown by fingerprint", pack.Probes)
	}
	for i, s := range outputs {
		fixture.NoKey(t, fmt.Sprintf("output %d", i), s, key)
	}
	filepath.WalkDir(dirs["statedir"], func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b, _ := os.ReadFile(path)
			fixture.NoKey(t, path, string(b), key)
		}
		return nil
	})
}
