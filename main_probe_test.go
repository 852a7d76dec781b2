package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// Keys of the end-to-end test. None is real; each is shaped like the
// vendor's, so every pattern and every fingerprint rule is exercised.
var probeKeys = map[string]string{
	"openai-prod":     "sk-proj-Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aU4iO6eT8rW0qS3MxYA",
	"openai-canary":   "sk-svcacct-Hk2Lp9Wq4Zr7Tn1Vb6Xm3Cd8Fg5Jh0Ks2Lq7Wp4Zr9Tn1VbCnRy",
	"openai-broken":   "sk-proj-Bb3Nn7Mm1Vv5Cc9Xx2Zz6Ll0Kk4Jj8Hh3Gg7Ff1Dd5Ss9Aa2QqW8eR",
	"anthropic-prod":  "sk-ant-api03-R2Dx7Kq9Vm3Lp5Tn8Wr1Yz4Bc6Df0Gh2Jk4Mn6Pq8St0Uv2Wx4Yz6-AbCdEfigAA",
	"vapi-prod":       "5f0c9a1e-3b7d-4e2a-8c6f-9d1b2a3c4e5f",
	"twilio-main-tok": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
}

// fakeVendorAPI answers like a vendor's API: ok for the keys in good, the
// vendor's real rejection for anything else. The OpenAI fake echoes the
// whole key it was given — worse than OpenAI, which masks it — so the test
// proves scrubbing rather than the vendor's manners.
func fakeVendorAPI(t *testing.T, vendor string, good ...string) *httptest.Server {
	t.Helper()
	summary, err := os.ReadFile(filepath.Join("testdata", "openai__incidentio_v2_summary_operational_2026-09-24.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/v2/summary.json" {
			w.Write(summary)
			return
		}
		var key string
		switch vendor {
		case "openai", "vapi":
			key = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		case "anthropic":
			key = r.Header.Get("X-Api-Key")
		case "twilio":
			_, key, _ = r.BasicAuth()
		}
		for _, g := range good {
			if key == g {
				if vendor == "twilio" {
					fmt.Fprintf(w, `{"sid":"AC0123456789abcdef0123456789abcdef","status":"active","auth_token":%q}`, key)
					return
				}
				w.Write([]byte(`{"object":"list","data":[]}`))
				return
			}
		}
		w.WriteHeader(http.StatusUnauthorized)
		switch vendor {
		case "openai":
			fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, key)
		case "vapi":
			w.Write([]byte(`{"message":"Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.","error":"Unauthorized","statusCode":401}`))
		case "anthropic":
			w.Write([]byte(`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CZAau32QzxDkriovTaFCB"}`))
		case "twilio":
			w.Write([]byte(`{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// isolatedRun runs vendorwatch in-process with every directory it could
// write to under dirs, which the caller then searches.
func isolatedRun(t *testing.T, dirs map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", dirs["config"])
	t.Setenv("XDG_STATE_HOME", dirs["state"])
	t.Setenv("XDG_CACHE_HOME", dirs["cache"])
	t.Setenv("TMPDIR", dirs["tmp"])
	t.Setenv(config.EnvConfig, "")
	var out, errb bytes.Buffer
	code = run(context.Background(), append(args, "--state-dir", dirs["statedir"]), &out, &errb)
	return out.String(), errb.String(), code
}

// The acceptance test of the key probes: keys from env, file and cmd are
// probed against local fake vendors, land in their classes, and no key —
// nor any 8 characters of the part a fingerprint hides — appears on
// stdout, stderr, in the JSON or in any file the runs leave behind.
func TestKeysNeverLeaveTheProcess(t *testing.T) {
	secrets := t.TempDir() // holds the key files: the one place a key may be
	write := func(name, body string, mode os.FileMode) string {
		path := filepath.Join(secrets, name)
		if err := os.WriteFile(path, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	canaryFile := write("openai-canary", probeKeys["openai-canary"]+"\n", 0o600)
	anthropicFile := write("anthropic", probeKeys["anthropic-prod"]+"\n", 0o600)
	leaky := write("leaky-secret-manager", "#!/bin/sh\necho \"fetching secret "+probeKeys["openai-broken"]+" failed: permission denied\" >&2\necho "+probeKeys["openai-broken"]+"\nexit 7\n", 0o700)
	t.Setenv("VW_OPENAI_PROD", probeKeys["openai-prod"])
	t.Setenv("VW_VAPI", probeKeys["vapi-prod"])
	t.Setenv("VW_TWILIO", probeKeys["twilio-main-tok"])
	os.Unsetenv("VW_UNSET")

	openai := fakeVendorAPI(t, "openai", probeKeys["openai-prod"])
	vapi := fakeVendorAPI(t, "vapi")
	anthropic := fakeVendorAPI(t, "anthropic", probeKeys["anthropic-prod"])
	twilio := fakeVendorAPI(t, "twilio", probeKeys["twilio-main-tok"])
	status := func(base string) string { return "[{url: " + base + "/api/v2/summary.json, format: statuspage}]" }
	cfg := writeConfig(t, fmt.Sprintf(`timeout: 5s
vendors:
  - id: openai
    status: %s
    api: {base_url: %s}
    keys:
      - {name: prod, secret: "env:VW_OPENAI_PROD"}
      - {name: canary-1, secret: "file:%s", canary: true}
      - {name: broken, secret: "cmd:%s"}
      - {name: unset, secret: "env:VW_UNSET"}
  - id: vapi
    depends_on: [openai]
    status: %s
    api: {base_url: %s}
    keys:
      - {name: prod, secret: "env:VW_VAPI"}
  - id: anthropic
    status: %s
    api: {base_url: %s}
    keys:
      - {name: prod, secret: "cmd:cat '%s'"}
  - id: twilio
    status: %s
    api: {base_url: %s}
    keys:
      - {name: main, secret: "env:VW_TWILIO", account: AC0123456789abcdef0123456789abcdef}
`, status(openai.URL), openai.URL, canaryFile, leaky, status(vapi.URL), vapi.URL, status(anthropic.URL), anthropic.URL, anthropicFile, status(twilio.URL), twilio.URL))

	dirs := map[string]string{}
	for _, d := range []string{"config", "state", "cache", "tmp", "statedir"} {
		dirs[d] = t.TempDir()
	}
	var outputs []string
	stdout, stderr, code := isolatedRun(t, dirs, "--config", cfg, "--once", "--json")
	outputs = append(outputs, stdout, stderr)
	var rep correlate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("exit %d, stdout is not JSON: %v\n%s\n%s", code, err, stdout, stderr)
	}
	want := map[string]struct {
		result observe.Result
		fp     string
	}{
		"openai/prod":     {observe.ResultOK, "sk-proj-…MxYA"},
		"openai/canary-1": {observe.ResultInvalidKey, "sk-svcacct-…CnRy"},
		"openai/broken":   {observe.ResultNoSecret, ""},
		"openai/unset":    {observe.ResultNoSecret, ""},
		"vapi/prod":       {observe.ResultInvalidKey, "…4e5f"},
		"anthropic/prod":  {observe.ResultOK, "sk-ant-api03-…igAA"},
		"twilio/main":     {observe.ResultOK, "…b1a0"},
	}
	seen := 0
	for _, v := range rep.Vendors {
		if v.Reachability == nil || v.Reachability.Result != observe.ResultReachable {
			t.Errorf("%s reachability = %+v", v.ID, v.Reachability)
		}
		for _, k := range v.Keys {
			w, ok := want[v.ID+"/"+k.Name]
			if !ok || k.Result != w.result || k.Fingerprint != w.fp {
				t.Errorf("%s/%s = %s %q, want %+v (%s)", v.ID, k.Name, k.Result, k.Fingerprint, w, k.Message)
			}
			seen++
		}
	}
	if seen != len(want) {
		t.Errorf("%d keys in the report, want %d", seen, len(want))
	}
	o, _ := rep.Vendor("openai")
	if c := o.Keys[1]; !c.Canary || !c.RevocationMarker || c.Message != "Incorrect API key provided: sk-svcacct-…CnRy. You can find your API key at https://platform.openai.com/account/api-keys." {
		t.Errorf("canary = %+v", c)
	}
	if b := o.Keys[2]; b.Code != config.SecretCmdFailed || !strings.Contains(b.Message, "exited with status 7: fetching secret [redacted] failed") {
		t.Errorf("broken = %+v", b)
	}
	if v, _ := rep.Vendor("vapi"); !strings.Contains(v.Keys[0].Hint, "private key instead of the public key") {
		t.Errorf("vapi hint = %q", v.Keys[0].Hint)
	}

	// The second run shares the state dir: streaks continue from the
	// first (×2), which proves they are persisted.
	stdout, stderr, _ = isolatedRun(t, dirs, "--config", cfg, "--once", "--no-color")
	outputs = append(outputs, stdout, stderr)
	for _, fp := range []string{"sk-proj-…MxYA", "sk-svcacct-…CnRy", "sk-ant-api03-…igAA", "invalid_api_key", "×2 since"} {
		if !strings.Contains(stdout, fp) {
			t.Errorf("the table lacks %q:\n%s", fp, stdout)
		}
	}
	stdout, stderr, code = isolatedRun(t, dirs, "check-config", "--config", cfg)
	outputs = append(outputs, stdout, stderr)
	if code != 0 || !strings.Contains(stdout, "5 of 7 keys resolve") || !strings.Contains(stdout, "sk-svcacct-…CnRy") {
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
	all := strings.Join(outputs, "\n")
	for name, key := range probeKeys {
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
}
