package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
)

// The acceptance test of the rotation checklist (issue 18), through the
// real command against fake OpenAI and VAPI APIs: OpenAI's prod key, held
// by VAPI and LangSmith, dies; VAPI's calls fail with OpenAI's 401; the
// team puts a new key in the secret. The next --once opens a checklist of
// VAPI and LangSmith. VAPI closes when its calls stop failing; LangSmith
// stays pending until "rotation done" marks it, which closes the
// checklist. --once's table and JSON, rotation list and the incident
// report all show it, and no key appears anywhere.
func TestRotationChecklistEndToEnd(t *testing.T) {
	oldKey, newKey := fixture.OpenAIKey, inventoryKeys["openai-batch"]
	org := admintest.NewOpenAI(fixture.AdminKey)
	org.AddProject("proj_voice", "Voice", "active")
	org.AddKey(admintest.Key{ID: "key_old", Name: "prod", Secret: oldKey, Project: "proj_voice", Created: time.Now().Add(-time.Hour)})
	openai := httptest.NewServer(org)
	t.Cleanup(openai.Close)
	vapiAPI := admintest.NewVAPI(fixture.VAPIKey)
	vapi := httptest.NewServer(vapiAPI)
	t.Cleanup(vapi.Close)
	status := vendorsite(t, map[string]string{"/api/v2/summary.json": "openai__incidentio_v2_summary_operational_2026-09-24.json"})

	t.Setenv("VW_OPENAI_PROD", oldKey)
	t.Setenv("VW_VAPI", fixture.VAPIKey)
	cfg := writeConfig(t, fmt.Sprintf(`timeout: 5s
vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
    keys:
      - name: prod
        secret: "env:VW_OPENAI_PROD"
        holders: [{vendor: vapi}, {vendor: langsmith}]
  - id: vapi
    depends_on: [openai]
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[3]s}
    admin: {}
    keys:
      - {name: prod, secret: "env:VW_VAPI"}
  - id: langsmith
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
`, status.URL, openai.URL, vapi.URL))
	dirs := map[string]string{}
	for _, d := range []string{"config", "state", "cache", "tmp", "statedir"} {
		dirs[d] = t.TempDir()
	}
	var outputs []string
	cmd := func(args ...string) (string, int) {
		t.Helper()
		stdout, stderr, code := isolatedRun(t, dirs, append([]string{"--config", cfg}, args...)...)
		outputs = append(outputs, stdout, stderr)
		return stdout + stderr, code
	}
	once := func() correlate.Report {
		t.Helper()
		out, code := cmd("--once", "--json")
		var rep correlate.Report
		if err := json.Unmarshal([]byte(out[:strings.LastIndex(out, "}")+1]), &rep); err != nil {
			t.Fatalf("exit %d, not JSON: %v\n%s", code, err, out)
		}
		return rep
	}
	call := func(id, reason string, created, ended time.Time) {
		vapiAPI.AddCall(admintest.Call{ID: id, EndedReason: reason, Created: created, Ended: ended, Customer: "+14155550123"})
	}

	if rep := once(); len(rep.Rotations) != 0 {
		t.Fatalf("a rotation before any: %+v", rep.Rotations)
	}
	// OpenAI disables the key; VAPI's calls fail with it.
	org.RemoveKey("key_old")
	for i := range 6 {
		c := time.Now().Add(-time.Duration(8-i) * time.Minute)
		call(fmt.Sprintf("call-401-%d", i), "pipeline-error-openai-401-incorrect-api-key", c, c.Add(5*time.Second))
	}
	if rep := once(); rep.Overall != correlate.LevelCritical {
		t.Fatalf("the dead key: %s %+v", rep.Overall, rep.Findings)
	}

	// The new key is in the secret: a rotation, VAPI and LangSmith pending.
	org.AddKey(admintest.Key{ID: "key_new", Name: "prod", Secret: newKey, Project: "proj_voice", Created: time.Now()})
	t.Setenv("VW_OPENAI_PROD", newKey)
	rep := once()
	if len(rep.Rotations) != 1 {
		t.Fatalf("rotations after the new key = %+v", rep.Rotations)
	}
	rot := rep.Rotations[0]
	if rot.Subject() != "openai/prod" || rot.From != "sk-proj-…MxYA" || rot.To != "sk-proj-…W8eR" || !rot.OldKeyDead || rot.ID == 0 {
		t.Errorf("rotation = %+v", rot)
	}
	if got := holderStatesOf(rot); got != "vendor:vapi=pending vendor:langsmith=pending" {
		t.Errorf("holders = %s", got)
	}
	if advice := upstreamAdvice(rep); !strings.Contains(advice, "OpenAI key prod was rotated at") || strings.Contains(advice, "may still hold an old one") {
		t.Errorf("VAPI's finding does not follow the checklist: %s", advice)
	}

	// VAPI gets the new key: a call ends normally after the rotation.
	c := time.Now().Add(-time.Minute)
	call("call-ok-1", "customer-ended-call", c, time.Now())
	rep = once()
	if len(rep.Rotations) != 1 {
		t.Fatalf("rotations = %+v", rep.Rotations)
	}
	rot = rep.Rotations[0]
	if got := holderStatesOf(rot); got != "vendor:vapi=done vendor:langsmith=pending" || rot.Holders[0].How != correlate.DoneByCalls {
		t.Fatalf("holders after VAPI's calls recovered = %s %+v", got, rot.Holders)
	}
	out, _ := cmd("--once", "--no-color")
	for _, want := range []string{"Rotations", "openai/prod rotated", "open, 1 of 2 holders pending", "✓ vendor:vapi", "done (calls)",
		"○ vendor:langsmith", "vendorwatch rotation done openai/prod vendor:langsmith"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}

	// LangSmith stays pending until marked by hand.
	if out, code := cmd("rotation", "done", "openai/prod", "nosuch"); code == 0 || !strings.Contains(out, `has no holder "nosuch"; its holders are vendor:vapi, vendor:langsmith`) {
		t.Errorf("done with an unknown holder: exit %d\n%s", code, out)
	}
	if out, code := cmd("rotation", "done", "openai/prod", "langsmith", "--note", "new key in the workspace"); code != 0 || !strings.Contains(out, "openai/prod rotated") || !strings.Contains(out, ": done") {
		t.Errorf("rotation done: exit %d\n%s", code, out)
	}
	out, code := cmd("rotation", "list", "--json")
	var listed struct{ Rotations []correlate.Rotation }
	if err := json.Unmarshal([]byte(out), &listed); err != nil || code != 0 || len(listed.Rotations) != 1 || listed.Rotations[0].State != correlate.RotationDone ||
		listed.Rotations[0].Holders[1].How != correlate.DoneByHand || !strings.Contains(listed.Rotations[0].Holders[1].Evidence, "new key in the workspace") {
		t.Errorf("rotation list --json: exit %d %v\n%s", code, err, out)
	}
	if out, code := cmd("rotation", "dismiss", "openai/prod", "--reason", "x"); code == 0 || !strings.Contains(out, "no open rotation checklist") {
		t.Errorf("dismissing a closed checklist: exit %d\n%s", code, out)
	}
	if rep := once(); len(rep.Rotations) != 1 || rep.Rotations[0].State != correlate.RotationDone {
		t.Errorf("the next check's rotations = %+v", rep.Rotations)
	}
	out, code = cmd("report")
	if code != 0 || !strings.Contains(out, "## Rotations") || !strings.Contains(out, "| vendor:langsmith | done (hand)") || !strings.Contains(out, "| vendor:vapi | done (calls)") {
		t.Errorf("report: exit %d\n%s", code, out)
	}

	// A planned rotation to a third key is dismissed with a reason.
	third := inventoryKeys["openai-canary"]
	org.AddKey(admintest.Key{ID: "key_third", Name: "prod", Secret: third, Project: "proj_voice", Created: time.Now()})
	t.Setenv("VW_OPENAI_PROD", third)
	if rep := once(); len(rep.Rotations) != 2 || rep.Rotations[1].State != correlate.RotationOpen || rep.Rotations[1].OldKeyDead {
		t.Fatalf("a planned rotation: %+v", rep.Rotations)
	}
	if out, code := cmd("rotation", "dismiss", "openai/prod"); code == 0 || !strings.Contains(out, "needs a reason") {
		t.Errorf("dismiss without a reason: exit %d\n%s", code, out)
	}
	if out, code := cmd("rotation", "dismiss", "openai/prod", "--reason", "test key, held by nobody yet"); code != 0 || !strings.Contains(out, "dismissed") {
		t.Errorf("dismiss: exit %d\n%s", code, out)
	}
	out, _ = cmd("rotation", "list", "--json")
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed.Rotations) != 2 || listed.Rotations[1].State != correlate.RotationDismissed ||
		listed.Rotations[1].Reason != "test key, held by nobody yet" {
		t.Errorf("rotation list after the dismissal: %v\n%s", err, out)
	}

	filepath.WalkDir(dirs["statedir"], func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b, _ := os.ReadFile(path)
			outputs = append(outputs, string(b))
		}
		return nil
	})
	all := strings.Join(outputs, "\n")
	for _, key := range []string{oldKey, newKey, third, fixture.VAPIKey} {
		fixture.NoKey(t, "outputs and state dir", all, key)
	}
}

func holderStatesOf(r correlate.Rotation) string {
	var out []string
	for _, h := range r.Holders {
		out = append(out, correlate.HolderSpec(h.Holder)+"="+string(h.State))
	}
	return strings.Join(out, " ")
}

func upstreamAdvice(rep correlate.Report) string {
	for _, f := range rep.Findings {
		if f.Kind == correlate.KindUpstreamImpact {
			return strings.Join(f.Advice, "\n")
		}
	}
	return "(no upstream_impact)"
}
