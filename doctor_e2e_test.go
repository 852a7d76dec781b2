package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
	"github.com/vendorwatch/vendorwatch/readiness"
)

// doctorSetup is the organization of issue 18's doctor acceptance test,
// against fake vendors: OpenAI with an admin key but audit logging off,
// a canary that an earlier vendorwatch probed (its last_used_at is set),
// the prod key shared by a service of ours and VAPI, canary-2 read from
// Google Secret Manager through gcloud (a fake on PATH) while
// google-cloud is not in the config; Anthropic with a canary and no admin
// key, so it would be probed every minute; and a webhook notifier.
type doctorSetup struct {
	config string
	// hook records what the webhook received.
	mu   sync.Mutex
	hook []string
	org  *admintest.OpenAI
}

func newDoctorSetup(t *testing.T) *doctorSetup {
	t.Helper()
	d := &doctorSetup{org: forumOrg()}
	d.org.AuditDisabled = true
	created := fixture.At("09:00").AddDate(0, 0, -30)
	d.org.RemoveKey("key_canary1")
	d.org.AddKey(admintest.Key{ID: "key_canary1", Name: "canary-1", Secret: canary1Key, Project: "proj_voice", Owner: "ops@example.com",
		Created: created, LastUsed: fixture.At("09:30")})
	o := newFakeOpenAI(t, d.org, prodKey)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		d.mu.Lock()
		d.hook = append(d.hook, string(b))
		d.mu.Unlock()
	}))
	t.Cleanup(hook.Close)

	// gcloud is a fake that prints canary-2's key, as
	// "gcloud secrets versions access" would.
	bin := t.TempDir()
	script := "#!/bin/sh\necho " + canary2Key + "\n"
	if err := os.WriteFile(filepath.Join(bin, "gcloud"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("VW_OPENAI_ADMIN", adminKey)
	t.Setenv("VW_OPENAI_PROD", prodKey)
	t.Setenv("VW_OPENAI_CANARY_1", canary1Key)
	t.Setenv("VW_ANTHROPIC_CANARY", fixture.AnthropicKey)
	t.Setenv("VW_HOOK", hook.URL)
	d.config = writeConfig(t, fmt.Sprintf(`timeout: 5s
vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    admin: {secret: "env:VW_OPENAI_ADMIN"}
    keys:
      - name: prod
        secret: env:VW_OPENAI_PROD
        holders: [{service: voice-backend}, {vendor: vapi}]
      - {name: canary-1, secret: "env:VW_OPENAI_CANARY_1", canary: true}
      - {name: canary-2, secret: "cmd:gcloud secrets versions access latest --secret=openai-canary-2", canary: true}
  - id: vapi
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
  - id: anthropic
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    keys:
      - {name: canary, secret: "env:VW_ANTHROPIC_CANARY", canary: true}
notify:
  - {name: ops-hook, type: webhook, url: "env:VW_HOOK"}
`, o.URL))
	return d
}

func (d *doctorSetup) received() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.hook...)
}

// doctorKeys are every key the doctor run holds.
func doctorKeys() []string {
	return []string{prodKey, canary1Key, canary2Key, adminKey, fixture.AnthropicKey}
}

// Issue 18's acceptance: doctor on a config with audit logging off, a
// probed canary and a shared key gives a fail or a warning for each, with
// the fix; the worst (the audit log) sets exit 2; no key is printed; no
// canary is ever called; and nothing is sent to the notifier without
// --send-test.
func TestDoctorFindsWhatAnIncidentWouldMiss(t *testing.T) {
	d := newDoctorSetup(t)
	out, errOut, code := runCLI(t, "doctor", "--config", d.config, "--json")
	fixture.NoKey(t, "stdout", out, doctorKeys()...)
	fixture.NoKey(t, "stderr", errOut, doctorKeys()...)
	if code != 2 {
		t.Fatalf("exit %d, want 2 (a check failed); stderr %s\n%s", code, errOut, out)
	}
	var rep readiness.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, out)
	}
	if rep.SchemaVersion != 1 || rep.Overall != readiness.Fail || rep.Counts.Fail == 0 {
		t.Errorf("schema %d overall %s counts %+v", rep.SchemaVersion, rep.Overall, rep.Counts)
	}
	find := func(check, subject string) readiness.Check {
		t.Helper()
		for _, c := range rep.Checks {
			if c.Check == check && c.Subject == subject {
				return c
			}
		}
		t.Fatalf("no %s check of %s in:\n%s", check, subject, out)
		return readiness.Check{}
	}
	for _, want := range []struct {
		check, subject string
		level          readiness.Level
		says, fix      string
	}{
		{readiness.CheckAuditLog, "openai", readiness.Fail, "audit logging is not enabled", "Data controls"},
		{readiness.CheckCanary, "openai/canary-1", readiness.Warn, "last used at", "create a new key that nothing uses"},
		{readiness.CheckCanary, "openai/canary-2", readiness.Pass, "never been used", ""},
		{readiness.CheckCanary, "anthropic/canary", readiness.Warn, "probed every 1m0s (1440 calls a day)", "admin: {secret: env:ANTHROPIC_ADMIN_KEY}"},
		{readiness.CheckSharedKey, "openai/prod", readiness.Warn, "service voice-backend, vendor vapi", "one key per holder"},
		{readiness.CheckSecretStore, "google-cloud", readiness.Warn, "Google Secret Manager holds secrets of openai/canary-2", "- id: google-cloud"},
		{readiness.CheckSecret, "openai/canary-2", readiness.Pass, "resolves to sk-svcacct-", ""},
		{readiness.CheckKeyProbe, "openai/prod", readiness.Pass, "authenticates", ""},
		{readiness.CheckKeyList, "openai", readiness.Pass, "the key list answers", ""},
		{readiness.CheckAdminExpiry, "openai", readiness.Pass, "no expiry", ""},
		{readiness.CheckNotifier, "ops-hook", readiness.Pass, "test send skipped", ""},
	} {
		c := find(want.check, want.subject)
		if c.Level != want.level || !strings.Contains(c.Summary, want.says) || !strings.Contains(c.Fix, want.fix) {
			t.Errorf("%s %s: %s %q (fix %q); want %s saying %q with a fix naming %q", want.check, want.subject, c.Level, c.Summary, c.Fix, want.level, want.says, want.fix)
		}
	}
	for _, r := range d.org.Requests() {
		if r.Path == "/v1/models" {
			t.Errorf("a key probe reached the admin API's fake: %+v", r)
		}
	}
	if got := d.received(); len(got) != 0 {
		t.Errorf("the webhook got %d posts without --send-test", len(got))
	}
}

// The text says each check's level and its fix, and the exit code follows
// the worst check: with the audit log on, the run only warns (exit 1).
func TestDoctorTextAndWarnExit(t *testing.T) {
	d := newDoctorSetup(t)
	d.org.AuditDisabled = false
	out, errOut, code := runCLI(t, "doctor", "--config", d.config)
	fixture.NoKey(t, "stdout", out, doctorKeys()...)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (warnings only); stderr %s\n%s", code, errOut, out)
	}
	for _, want := range []string{
		"PASS  audit_log         openai\n      the audit log answers",
		"WARN  shared_key        openai/prod\n",
		"      fix: give each holder a key of its own",
		"0 fail, 5 warn,",
		"ready, with warnings (exit 1)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the text lacks %q:\n%s", want, out)
		}
	}
}

// --send-test delivers a test notification through each notifier, and
// says so; --remote is refused with the reason.
func TestDoctorSendTestAndRemote(t *testing.T) {
	d := newDoctorSetup(t)
	out, _, _ := runCLI(t, "doctor", "--config", d.config, "--send-test")
	got := d.received()
	// The test opens and closes, so a receiver that keeps alerts is left
	// with none open.
	if len(got) != 2 || !strings.Contains(got[0], `"kind":"notify_test"`) || !strings.Contains(got[0], `"event":"finding_opened"`) ||
		!strings.Contains(got[1], `"event":"finding_closed"`) {
		t.Errorf("the webhook got %q, want the test message opened, then closed", got)
	}
	fixture.NoKey(t, "the webhook's post", strings.Join(got, ""), doctorKeys()...)
	if !strings.Contains(out, "PASS  notifier          ops-hook\n      a test notification was delivered") {
		t.Errorf("the notifier's check does not say it delivered:\n%s", out)
	}

	_, errOut, code := runCLI(t, "doctor", "--config", d.config, "--remote", "http://127.0.0.1:1")
	if code != 3 || !strings.Contains(errOut, "run vendorwatch doctor on the machine that runs vendorwatch serve") {
		t.Errorf("--remote: exit %d, %q; want 3 and the reason", code, errOut)
	}
}
