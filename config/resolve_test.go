package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testKey = "sk-proj-Zq3xV9mT2kL8pR4wY6nB1cD5fG7hJ0aS9uE2iO4tMxYA"

func TestResolve(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	spaced := filepath.Join(home, "dir with space")
	if err := os.MkdirAll(spaced, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(path, body string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(home, "key"), testKey+"\n")
	write(filepath.Join(spaced, "key"), "  "+testKey+"  \n")
	write(filepath.Join(home, "empty"), "\n\n")
	write(filepath.Join(home, "twolines"), testKey+"\nsecond line\n")
	t.Setenv("VW_TEST_KEY", testKey)
	t.Setenv("VW_TEST_EMPTY", "")
	os.Unsetenv("VW_TEST_UNSET")

	tests := []struct {
		ref      string
		want     string
		code     string
		inReason string
	}{
		{ref: "env:VW_TEST_KEY", want: testKey},
		{ref: "env:VW_TEST_UNSET", code: SecretEnvUnset, inReason: "not set"},
		{ref: "env:VW_TEST_EMPTY", code: SecretEmpty},
		{ref: "file:~/key", want: testKey},
		{ref: "file:" + filepath.Join(home, "key"), want: testKey},
		{ref: "file:~/missing", code: SecretFileUnreadable, inReason: "no such file"},
		{ref: "file:~", code: SecretFileUnreadable, inReason: "directory"},
		{ref: "file:~/empty", code: SecretEmpty},
		{ref: "file:~/twolines", code: SecretMalformed, inReason: "several lines"},
		{ref: "cmd:cat " + filepath.Join(home, "key"), want: testKey},
		{ref: `cmd:cat "` + filepath.Join(spaced, "key") + `"`, want: testKey},
		{ref: "cmd:cat " + filepath.Join(home, "missing"), code: SecretCmdFailed, inReason: "exited with status 1: cat:"},
		{ref: "cmd:vendorwatch-no-such-command-xyz", code: SecretCmdFailed, inReason: "not found"},
		{ref: "cmd:true", code: SecretEmpty},
		{ref: `cmd:cat "unterminated`, code: SecretMalformed},
	}
	r := &Resolver{}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			ref, err := ParseSecretRef(tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Resolve(context.Background(), ref)
			if tt.code == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Resolve = %q, %v; want the key", got, err)
				}
				return
			}
			var se *SecretError
			if !errors.As(err, &se) || se.Code != tt.code {
				t.Fatalf("err = %v, want a SecretError with code %s", err, tt.code)
			}
			if !strings.Contains(se.Reason, tt.inReason) || !strings.HasPrefix(err.Error(), ref.String()+": ") {
				t.Errorf("error %q should name the reference and say %q", err, tt.inReason)
			}
			if got != "" || strings.Contains(err.Error(), testKey) {
				t.Errorf("a failed resolution leaked a value: %q / %q", got, err)
			}
		})
	}
}

// A failing command's stderr is summarized: one line, with anything
// key-like (and the command's own stdout) redacted.
func TestResolveCommandStderrIsScrubbed(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "leaky")
	body := "#!/bin/sh\necho " + testKey + "\necho \"error: token " + testKey + " rejected (Bearer " + testKey + ")\" >&2\necho 'second line' >&2\nexit 3\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := (&Resolver{}).Resolve(context.Background(), SecretRef{Kind: SecretCmd, Value: script})
	var se *SecretError
	if !errors.As(err, &se) || se.Code != SecretCmdFailed {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), testKey[8:20]) {
		t.Fatalf("stderr summary leaks the key: %q", err)
	}
	want := "exited with status 3: error: token [redacted] rejected (Bearer [redacted]) (+1 more lines)"
	if se.Reason != want {
		t.Errorf("reason = %q\nwant     %q", se.Reason, want)
	}
}

func TestResolveCommandTimeout(t *testing.T) {
	r := &Resolver{CmdTimeout: 100 * time.Millisecond}
	start := time.Now()
	_, err := r.Resolve(context.Background(), SecretRef{Kind: SecretCmd, Value: "sleep 10"})
	var se *SecretError
	if !errors.As(err, &se) || se.Code != SecretCmdTimeout {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("the timeout did not stop the command")
	}
}

func TestResolveLiteral(t *testing.T) {
	got, err := (&Resolver{}).Resolve(context.Background(), SecretRef{Kind: SecretLiteral, Value: testKey})
	if err != nil || got != testKey {
		t.Fatalf("literal = %q, %v", got, err)
	}
	if s := (SecretRef{Kind: SecretLiteral, Value: testKey}).String(); strings.Contains(s, testKey) {
		t.Errorf("String shows the literal: %q", s)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Incorrect API key provided: sk-VKMIs***************************************wjh3.", "Incorrect API key provided: [redacted]."},
		{"Consumer 'api_key:AIzaSyD-abcdefghijklmnopqrstuvwxyz012345' has been suspended", "Consumer 'api_key:[redacted]' has been suspended"},
		{"Authorization: Bearer abcdefghijklmnop.qrstuvwx", "Authorization: Bearer [redacted]"},
		{"auth token 0123456789abcdef0123456789abcdef", "auth token [redacted]"},
		{"rk_test_51PJ7J3APDiabcdefgh and lsv2_pt_0123456789abcdef_x1", "[redacted] and [redacted]"},
		{"all plain words and the number 12345678901234567890123456789012345", "all plain words and the number 12345678901234567890123456789012345"},
		{"already a fingerprint sk-proj-…MxYA", "already a fingerprint sk-proj-…MxYA"},
		{"VAPI key 5f0c9a1e-3b7d-4e2a-8c6f-9d1b2a3c4e5f rejected", "VAPI key [redacted] rejected"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
	if got := Redact("the key is hunter2-secret", "hunter2-secret"); got != "the key is [redacted]" {
		t.Errorf("known value not redacted: %q", got)
	}
}

func TestValidateKeyFields(t *testing.T) {
	probs := problemsOf(t, `vendors:
  - id: openai
    keys:
      - name: prod
        secret: "cmd:gcloud secrets versions access 'latest"
        headers:
          Authorization: Bearer x
          OpenAI-Organization: org-123
`)
	var msgs []string
	for _, p := range probs {
		msgs = append(msgs, p.Msg)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"cmd: cannot split the command", "headers: Authorization carries a credential"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
	if len(probs) != 2 {
		t.Errorf("want exactly 2 problems, got:\n%s", all)
	}
	cfg, err := Parse([]byte("vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:X\n        account: AC123\n        headers: {OpenAI-Organization: org-1}\n"), "t.yaml", false, cat)
	if err != nil || cfg.Vendors[0].Keys[0].Account != "AC123" || cfg.Vendors[0].Keys[0].Headers["OpenAI-Organization"] != "org-1" {
		t.Errorf("account/headers: %v %+v", err, cfg)
	}
}

// A failing command's summary also drops words shaped like no known key
// but like a secret: long, mixing letters and digits.
func TestSummarizeDropsSecretShapedWords(t *testing.T) {
	got := summarize("token Zb1Cd5Ef0Gh2Jk4Mn6Pq8 is expired (code 403)\nmore")
	if got != "token [redacted] is expired (code 403) (+1 more lines)" {
		t.Errorf("summary = %q", got)
	}
}
