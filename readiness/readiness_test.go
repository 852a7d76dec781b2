package readiness

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

var now = time.Date(2026, 5, 21, 10, 0, 0, 0, time.UTC)

func TestReportLevelAndExitCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		levels []Level
		want   Level
		code   int
	}{
		{"nothing checked", nil, Pass, 0},
		{"all pass", []Level{Pass, Pass}, Pass, 0},
		{"a warning", []Level{Pass, Warn, Pass}, Warn, 1},
		{"a failure wins", []Level{Warn, Fail, Pass}, Fail, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var checks []Check
			for _, l := range tc.levels {
				checks = append(checks, Check{Check: CheckSecret, Level: l})
			}
			r := NewReport("cfg", now, checks)
			if r.Overall != tc.want || r.Overall.ExitCode() != tc.code {
				t.Errorf("overall %s exit %d, want %s %d", r.Overall, r.Overall.ExitCode(), tc.want, tc.code)
			}
			if r.Checks == nil {
				t.Error("checks is null in the JSON; want []")
			}
		})
	}
}

func TestSecretCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		s    Secret
		want Level
		says string
	}{
		{"env resolves", Secret{Subject: "openai/prod", Ref: "env:K", Fingerprint: "sk-proj-…MxYA"}, Pass, "env:K resolves to sk-proj-…MxYA"},
		{"fast command", Secret{Ref: "cmd:op read x", Cmd: true, Took: 800 * time.Millisecond, Timeout: 15 * time.Second, Fingerprint: "sk-…"}, Pass, "in 800ms"},
		{"slow command", Secret{Ref: "cmd:gcloud x", Cmd: true, Took: 6200 * time.Millisecond, Timeout: 15 * time.Second, Fingerprint: "sk-…"}, Warn, "took 6.2s, against a limit of 15s"},
		{"a slow env read is not a command", Secret{Ref: "env:K", Took: 6 * time.Second, Fingerprint: "sk-…"}, Pass, "resolves"},
		{"unset", Secret{Ref: "env:K", Err: "the variable is not set"}, Fail, "does not resolve: the variable is not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := SecretCheck(tc.s)
			if c.Level != tc.want || !strings.Contains(c.Summary, tc.says) {
				t.Errorf("%s %q; want %s saying %q", c.Level, c.Summary, tc.want, tc.says)
			}
			if c.Level != Pass && c.Fix == "" {
				t.Error("no fix")
			}
		})
	}
}

func TestStores(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cmd, want string
	}{
		{"gcloud secrets versions access latest --secret=openai", "google-cloud"},
		{"/usr/bin/gcloud secrets versions access latest --secret=x", "google-cloud"},
		{"firebase functions:secrets:access OPENAI", "google-cloud"},
		{"op read op://prod/openai/credential", "1password"},
		{"env AWS_PROFILE=prod aws secretsmanager get-secret-value --secret-id x", "aws"},
		{"sh -c 'vault kv get -field=key secret/openai'", "hashicorp"},
		{"doppler secrets get OPENAI --plain", "doppler"},
		{"az keyvault secret show --name x", "azure"},
		{"cat /run/secrets/openai", ""},
	} {
		s, ok := StoreOfCommand(tc.cmd)
		if s.Vendor != tc.want || ok != (tc.want != "") {
			t.Errorf("StoreOfCommand(%q) = %q, %v; want %q", tc.cmd, s.Vendor, ok, tc.want)
		}
	}
	for entry, want := range map[string]string{"gcp:openai-prod": "google-cloud", "1password:Prod/OpenAI": "1password", "aws:prod/openai": "aws", "k8s:openai": "", "plain": ""} {
		if s, _ := StoreOfHolder(entry); s.Vendor != want {
			t.Errorf("StoreOfHolder(%q) = %q, want %q", entry, s.Vendor, want)
		}
	}
	uses := []StoreUse{{storesByCommand["gcloud"], "openai/prod"}, {storesByCommand["gcloud"], "openai/canary"}, {storesByCommand["op"], "vapi/prod"}}
	checks := SecretStores(uses, func(id string) bool { return id == "1password" })
	if len(checks) != 2 {
		t.Fatalf("%d checks, want one per store: %+v", len(checks), checks)
	}
	if c := checks[0]; c.Level != Warn || !strings.Contains(c.Summary, "openai/prod, openai/canary") || !strings.Contains(c.Fix, "- id: google-cloud") {
		t.Errorf("google-cloud missing: %+v", c)
	}
	if c := checks[1]; c.Level != Pass {
		t.Errorf("1password configured: %+v", c)
	}
}

func TestSharedKey(t *testing.T) {
	t.Parallel()
	h := func(kind, name string) observe.Holder { return observe.Holder{Kind: kind, Name: name} }
	if _, ok := SharedKey("openai/prod", nil); ok {
		t.Error("a key without holders was judged")
	}
	if _, ok := SharedKey("openai/prod", []observe.Holder{h("secret", "gcp:openai")}); ok {
		t.Error("a secret store entry counts as a holder that uses the key")
	}
	if c, _ := SharedKey("openai/prod", []observe.Holder{h("vendor", "vapi"), h("secret", "gcp:openai")}); c.Level != Pass || !strings.Contains(c.Summary, "held only by vendor vapi") {
		t.Errorf("one holder: %+v", c)
	}
	c, _ := SharedKey("openai/prod", []observe.Holder{h("service", "voice-backend"), h("vendor", "vapi"), h("vendor", "langsmith")})
	if c.Level != Warn || !strings.Contains(c.Summary, "3 holders (service voice-backend, vendor vapi, vendor langsmith)") || !strings.Contains(c.Fix, "one key per holder") {
		t.Errorf("three holders: %+v", c)
	}
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		a    Audit
		want Level
		fix  string
	}{
		{"answers", Audit{Result: observe.ResultOK}, Pass, ""},
		{"off", Audit{Result: observe.ResultUnexpected, HTTPStatus: 400, Off: true, Message: "Audit logging is not enabled for this organization."}, Fail, "Data controls"},
		{"admin key rejected", Audit{Result: observe.ResultInvalidKey, HTTPStatus: 401}, Fail, "admin-keys"},
		{"missing scope", Audit{Result: observe.ResultNoPermission, HTTPStatus: 403}, Fail, "read access to the audit log"},
		{"vendor down", Audit{Result: observe.ResultVendorError, HTTPStatus: 500}, Warn, "again later"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := AuditLog("openai", tc.a)
			if c.Level != tc.want || !strings.Contains(c.Fix, tc.fix) {
				t.Errorf("%s fix %q; want %s with %q", c.Level, c.Fix, tc.want, tc.fix)
			}
		})
	}
}

func TestAdminExpiry(t *testing.T) {
	t.Parallel()
	inv := func(expires time.Time) *observe.Inventory {
		return &observe.Inventory{Result: observe.ResultOK, AdminFingerprint: "sk-admin-…AdMn", Keys: []observe.InventoryKey{
			{ID: "key_p", Kind: observe.InventoryProjectKey, ExpiresAt: now.Add(time.Hour)},
			{ID: "key_a", Kind: observe.InventoryAdminKey, Self: true, Name: "vendorwatch", ExpiresAt: expires}}}
	}
	for _, tc := range []struct {
		name    string
		expires time.Time
		want    Level
		says    string
	}{
		{"no expiry", time.Time{}, Pass, "states no expiry"},
		{"far", now.AddDate(0, 3, 0), Pass, "in 92 days"},
		{"soon", now.Add(36 * time.Hour), Warn, "in 2 days"},
		{"expired", now.Add(-time.Minute), Fail, "expired at 2026-05-21 09:59 UTC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := AdminExpiry("openai", inv(tc.expires), now, 14*24*time.Hour)
			if !ok || c.Level != tc.want || !strings.Contains(c.Summary, tc.says) {
				t.Errorf("%v %s %q; want %s saying %q", ok, c.Level, c.Summary, tc.want, tc.says)
			}
		})
	}
	if _, ok := AdminExpiry("openai", &observe.Inventory{Result: observe.ResultInvalidKey}, now, time.Hour); ok {
		t.Error("an unread key list was judged for expiry (the key_list check says it)")
	}
}

func TestCanaryChecks(t *testing.T) {
	t.Parallel()
	listed := &observe.Inventory{Result: observe.ResultOK, Keys: []observe.InventoryKey{
		{ID: "key_c1", Key: "canary-1"}, {ID: "key_c2", Key: "canary-2", LastUsedAt: now.Add(-time.Hour)}}}
	prod := KeyState{Name: "prod", Fingerprint: "sk-proj-…MxYA"}
	canary := func(name string) KeyState {
		return KeyState{Name: name, Canary: true, Fingerprint: "sk-svcacct-…" + name}
	}
	for _, tc := range []struct {
		name string
		c    Canaries
		want []Level
		says string
	}{
		{"no canary where a key list could watch one", Canaries{Vendor: "openai", Keys: []KeyState{prod}, KeyList: true}, []Level{Warn}, "no canary key"},
		{"no canary and no key list: nothing to say", Canaries{Vendor: "vapi", Keys: []KeyState{prod}}, nil, ""},
		{"probed without an admin key", Canaries{Vendor: "openai", Keys: []KeyState{prod, canary("canary-1")}, KeyList: true, ProbeInterval: 5 * time.Minute, AdminHint: "admin: {secret: env:OPENAI_ADMIN_KEY}"}, []Level{Warn}, "288 calls a day"},
		{"watched and unused", Canaries{Vendor: "openai", Keys: []KeyState{canary("canary-1")}, KeyList: true, Watched: true, Inventory: listed}, []Level{Pass}, "never been used"},
		{"watched and used", Canaries{Vendor: "openai", Keys: []KeyState{canary("canary-2")}, KeyList: true, Watched: true, Inventory: listed}, []Level{Warn}, "last used at 2026-05-21 09:00 UTC"},
		{"not in the list", Canaries{Vendor: "openai", Keys: []KeyState{canary("canary-3")}, KeyList: true, Watched: true, Inventory: listed}, []Level{Fail}, "not in the key list"},
		{"secret unresolved", Canaries{Vendor: "openai", Keys: []KeyState{{Name: "canary-1", Canary: true}}, KeyList: true, Watched: true, Inventory: listed}, []Level{Warn}, "does not resolve"},
		{"list unreadable", Canaries{Vendor: "openai", Keys: []KeyState{canary("canary-1")}, KeyList: true, Watched: true, Inventory: &observe.Inventory{Result: observe.ResultVendorError}}, []Level{Warn}, "could not be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CanaryChecks(tc.c, now)
			if len(got) != len(tc.want) {
				t.Fatalf("%d checks, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, c := range got {
				if c.Level != tc.want[i] || !strings.Contains(c.Summary, tc.says) || (c.Level != Pass && c.Fix == "") {
					t.Errorf("%s %q fix %q; want %s saying %q", c.Level, c.Summary, c.Fix, tc.want[i], tc.says)
				}
			}
		})
	}
}

func TestKeyProbe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    observe.Result
		want Level
	}{
		{observe.ResultOK, Pass}, {observe.ResultInvalidKey, Fail}, {observe.ResultNoSecret, Fail},
		{observe.ResultQuotaExceeded, Warn}, {observe.ResultUnexpected, Warn}, {observe.ResultTimeout, Warn},
	} {
		if c := KeyProbe("openai", observe.KeyResult{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: tc.r}); c.Level != tc.want {
			t.Errorf("%s: %s, want %s", tc.r, c.Level, tc.want)
		}
	}
}

func TestNotifierCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		n    Notifier
		want Level
		says string
	}{
		{"set up, not sent", Notifier{Name: "ops", Type: "webhook"}, Pass, "test send skipped"},
		{"delivered", Notifier{Name: "ops", Tested: true, Took: 120 * time.Millisecond}, Pass, "delivered in 120ms"},
		{"send failed", Notifier{Name: "ops", Tested: true, SendErr: "HTTP 404"}, Fail, "failed"},
		{"url unresolved", Notifier{Name: "ops", Problem: "url env:HOOK: the variable is not set"}, Fail, "cannot be set up"},
		{"no notify-send here", Notifier{Name: "desk", Problem: "notify-send not found", Unavailable: true}, Warn, "this machine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if c := NotifierCheck(tc.n); c.Level != tc.want || !strings.Contains(c.Summary, tc.says) {
				t.Errorf("%s %q; want %s saying %q", c.Level, c.Summary, tc.want, tc.says)
			}
		})
	}
}

// Remote text reaches summaries (a vendor's error message): it leaves as
// one clean line, in the text and in the JSON.
func TestRenderCleansRemoteText(t *testing.T) {
	t.Parallel()
	r := NewReport("cfg", now, []Check{{Check: CheckStatusSource, Subject: "acme", Level: Fail,
		Summary: "not readable: \x1b]0;pwned\x07evil\nsecond line", Fix: "fix\x1b[31m it"}})
	var text, js bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "json": js.String()} {
		if strings.ContainsAny(out, "\x1b\x07") || strings.Contains(out, "pwned\x07") {
			t.Errorf("%s holds an escape sequence: %q", name, out)
		}
	}
	if !strings.Contains(text.String(), "FAIL  status_source     acme\n") || !strings.Contains(text.String(), "not ready for an incident (exit 2)") {
		t.Errorf("text:\n%s", text.String())
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Overall != Fail || back.Counts.Fail != 1 {
		t.Errorf("JSON does not read back: %v %+v", err, back)
	}
}
