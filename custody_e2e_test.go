package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// Issue 18, the leak source: OpenAI key "voice" is held only by VAPI;
// key "prod" by our backend and Google Secret Manager. OpenAI revokes
// "voice" (its real 401 invalid_api_key) while "prod" works. From the
// first check the finding names VAPI as the only holder and the likely
// leak source, in --once --json, the table and the report, and says how
// to update each holder.
//
//	check  engineer sees
//	10:56  exit 0, OK
//	10:57  exit 2, KEY: OpenAI key voice revoked: only VAPI held it
//	       (VAPI may be hit by OpenAI, a warning beside it)
//	10:58  as 10:57
func TestLeakSourceNamesTheOnlyHolder(t *testing.T) {
	o := newFakeOpenAI(t, nil, prodKey, batchKey)
	vapi := newFakeVAPI(t)
	vapi.set(vapiPage(t, "silent", fixture.At("15:05")), false)
	t.Setenv("VW_OPENAI_PROD", prodKey)
	t.Setenv("VW_OPENAI_VOICE", batchKey)
	cfg := writeConfig(t, fmt.Sprintf(`timeout: 5s
vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    keys:
      - name: prod
        secret: env:VW_OPENAI_PROD
        holders: [{service: voice-backend}, {secret: "gcp:openai-prod"}]
      - name: voice
        secret: env:VW_OPENAI_VOICE
        holders: [{vendor: vapi}]
  - id: vapi
    depends_on: [openai]
    status: [{url: %[2]s/index.json, format: betterstack}]
    api: {base_url: %[2]s}
`, o.URL, vapi.URL))
	tl := newTimeline(t, cfg, scenarioKeys())
	const title = "OpenAI key voice revoked: only VAPI held it"
	dead := seen{exit: 2, word: correlate.WordKey, title: title,
		findings: []string{"key_revoked critical open", "upstream_impact warning open"}}
	tl.check(fixture.At("10:56"), seen{exit: 0, word: correlate.WordOK})
	o.set(func(o *fakeOpenAI) { delete(o.live, batchKey) })
	for _, at := range []string{"10:57", "10:58"} {
		rep, table := tl.check(fixture.At(at), dead)
		f := finding(t, rep, correlate.KindKeyRevoked)
		if f.LeakSource != "vapi" || len(f.Holders) != 1 || f.Holders[0].Kind != "vendor" || f.Holders[0].Name != "vapi" {
			t.Errorf("%s: leak_source %q, holders %v", at, f.LeakSource, f.Holders)
		}
		if !strings.Contains(f.Detail, "the revoked key was held only by VAPI") {
			t.Errorf("%s: the detail does not name VAPI as the only holder:\n%s", at, f.Detail)
		}
		if !adviceHas(f, "Investigate VAPI as the leak source") || !adviceHas(f, "https://dashboard.vapi.ai/org/api-keys") {
			t.Errorf("%s: advice %q", at, f.Advice)
		}
		if !strings.Contains(table, "→ Investigate VAPI as the leak source") {
			t.Errorf("%s: the table does not lead with the leak source:\n%s", at, table)
		}
	}
	md, _, _ := tl.run(fixture.At("10:59"), "report", "--since", "2026-05-21T00:00:00Z", "--until", "2026-05-22T00:00:00Z")
	for _, want := range []string{"Critical opened: " + title, "the revoked key was held only by VAPI", "Held by: VAPI (vendor)"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if tl.says("do not rotate") {
		t.Error("an output says not to rotate while key voice is dead")
	}
	tl.noKeyInState()
}

// fakeGcloud puts a gcloud on PATH that fails the way gcloud does, with
// stderr as its one line and exit status 1.
func fakeGcloud(t *testing.T, stderr string) {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run a fake gcloud")
	}
	dir := t.TempDir()
	script := fmt.Sprintf("#!%s\nprintf '%%s\\n' '%s' >&2\nexit 1\n", sh, stderr)
	if err := os.WriteFile(filepath.Join(dir, "gcloud"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// Issue 18, secret stores as a dependency: the key's secret is read with
// gcloud from Google Secret Manager, and Google Cloud's status page
// (incidents.json, Secret Manager's real incident of 2022-07-19 kept
// open) shows an incident. When gcloud answers UNAVAILABLE, the
// secret_missing finding says Google Secret Manager is having an incident
// and points there, not at check-config; when gcloud answers NOT_FOUND,
// it is our config after all.
func TestSecretManagerIncidentBehindAMissingSecret(t *testing.T) {
	for _, tc := range []struct {
		name, stderr string
		incident     bool
	}{
		{"unavailable", "ERROR: (gcloud.secrets.versions.access) UNAVAILABLE: The service is currently unavailable.", true},
		{"not found", "ERROR: (gcloud.secrets.versions.access) NOT_FOUND: Secret [projects/p/secrets/openai-prod] not found or has no versions.", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fakeGcloud(t, tc.stderr)
			o := newFakeOpenAI(t, nil, prodKey)
			google := vendorsite(t, map[string]string{"/incidents.json": "google-cloud__incidents_secret_manager_ongoing.json"})
			cfg := writeConfig(t, fmt.Sprintf(`timeout: 5s
vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    keys:
      - name: prod
        secret: "cmd:gcloud secrets versions access latest --secret=openai-prod"
  - id: google-cloud
    status: [{url: %[2]s/incidents.json, format: google}]
`, o.URL, google.URL))
			tl := newTimeline(t, cfg, scenarioKeys())
			stdout, stderr, _ := tl.run(fixture.At("10:57"), "--config", cfg, "--once", "--json")
			var rep correlate.Report
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s\n%s", err, stdout, stderr)
			}
			f := finding(t, rep, correlate.KindSecretMissing)
			says := strings.Contains(f.Title, "Google Secret Manager is having an incident")
			checkConfig := adviceHas(f, "check-config")
			if says != tc.incident || checkConfig == tc.incident {
				t.Errorf("title %q, advice %q", f.Title, f.Advice)
			}
			if tc.incident && !adviceHas(f, "/incidents/mLBHeCxhRia17anXCSX1") {
				t.Errorf("the advice does not point at Google's incident: %q", f.Advice)
			}
		})
	}
}
