package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// noKeyRun fails when s holds any 12 consecutive characters of key.
func noKeyRun(t *testing.T, s, key string) {
	t.Helper()
	for i := 0; i+12 <= len(key); i++ {
		if strings.Contains(s, key[i:i+12]) {
			t.Fatalf("the message holds %q, 12 characters of the key:\n%s", key[i:i+12], s)
		}
	}
}

// errorOf parses src as a file others can read and returns the whole
// error text, failing when the config loads.
func errorOf(t *testing.T, src string) (*Error, string) {
	t.Helper()
	_, err := Parse([]byte(src), "bad.yaml", false, cat)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *config.Error", err)
	}
	return ce, err.Error()
}

// hasProblem fails unless a problem at line says every one of texts.
func hasProblem(t *testing.T, ce *Error, line int, texts ...string) {
	t.Helper()
	for _, p := range ce.Problems {
		ok := p.Line == line
		for _, w := range texts {
			ok = ok && strings.Contains(p.Msg, w)
		}
		if ok {
			return
		}
	}
	t.Errorf("no problem at line %d saying %q; got:\n%s", line, texts, ce.Error())
}

// The three measured cases of issue 16: a key pasted from a .env file
// after env:, a key pasted into timeout:, a key pasted into id:. Each
// echoed the whole key.
func TestMeasuredKeyEchoes(t *testing.T) {
	key := fixture.OpenAIKey
	t.Run("env NAME=value", func(t *testing.T) {
		ce, msg := errorOf(t, "vendors:\n  - id: openai\n    keys:\n      - name: prod\n        secret: env:OPENAI_API_KEY="+key+"\n")
		noKeyRun(t, msg, key)
		hasProblem(t, ce, 5, "OPENAI_API_KEY", "put the value in the environment, not the file")
		if len(ce.Problems) != 1 {
			t.Errorf("want one problem (not also \"missing secret\"), got:\n%s", msg)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		ce, msg := errorOf(t, "interval: 60s\ntimeout: "+key+"\n")
		noKeyRun(t, msg, key)
		hasProblem(t, ce, 2, "timeout", "looks like an API key")
		if len(ce.Problems) != 1 {
			t.Errorf("want one problem, got:\n%s", msg)
		}
	})
	t.Run("id", func(t *testing.T) {
		ce, msg := errorOf(t, "vendors:\n  - id: openai\n  - id: "+key+"\n    keys: [{name: a, secret: env:X}]\n")
		noKeyRun(t, msg, key)
		hasProblem(t, ce, 3, "id", "looks like an API key")
	})
}

// Every error path of the loader, with keys of each shape vendorwatch
// knows in every kind of field: no message quotes 12 characters of a key,
// and every one still names its line.
func TestNoProblemQuotesAKey(t *testing.T) {
	keys := map[string]string{
		"openai": fixture.OpenAIKey, "anthropic": fixture.AnthropicKey, "vapi uuid": fixture.VAPIKey,
		"twilio token": fixture.TwilioToken, "deepgram": fixture.DeepgramKey, "stripe": fixture.StripeKey,
		"gemini": fixture.GeminiKey, "admin": fixture.AdminKey,
	}
	for _, f := range keyInEveryField {
		for kname, key := range keys {
			t.Run(f.name+"/"+kname, func(t *testing.T) {
				t.Parallel()
				src := strings.ReplaceAll(f.src, "@KEY@", key)
				ce, msg := errorOf(t, src)
				noKeyRun(t, msg, key)
				if f.line > 0 {
					hasProblem(t, ce, f.line)
					for _, p := range ce.Problems {
						if p.Line == 0 {
							t.Errorf("a problem without a line: %s", p.Msg)
						}
					}
				}
			})
		}
	}
}

// keyInEveryField places @KEY@ in each option of the config, and in option
// names; line is where the problem is reported (0: anywhere, maybe on no
// line, as the YAML library reports an unknown anchor).
var keyInEveryField = []struct {
	name, src string
	line      int
}{
	{"interval", "interval: @KEY@\n", 1},
	{"probe_interval", "probe_interval: @KEY@\n", 1},
	{"timeout", "timeout: @KEY@\n", 1},
	{"timeout quoted", "timeout: \"@KEY@\"\n", 1},
	{"concurrency", "concurrency: @KEY@\n", 1},
	{"history retention", "history:\n  retention: @KEY@\n", 2},
	{"top-level option name", "@KEY@: 1\n", 1},
	{"option name in a vendor", "vendors:\n  - id: openai\n    @KEY@: 1\n", 3},
	{"option name suffix", "vendors:\n  - id: openai\n    bogus_KEY: 1\n", 3},
	{"duplicate option name", "@KEY@: 1\nKEY: 2\n", 1},
	{"vendor id", "vendors:\n  - id: @KEY@\n", 2},
	{"duplicate vendor id", "vendors:\n  - id: @KEY@\n  - id: @KEY@\n", 2},
	{"vendor id in flow style", "vendors: [{id: @KEY@}]\n", 1},
	{"vendor name", "vendors:\n  - id: openai\n    name: @KEY@\n", 3},
	{"vendor page_url", "vendors:\n  - id: openai\n    page_url: @KEY@\n", 3},
	{"components", "vendors:\n  - id: openai\n    components: [API, @KEY@]\n", 3},
	{"depends_on", "vendors:\n  - id: openai\n    depends_on: [@KEY@]\n", 3},
	{"status url", "vendors:\n  - id: acme\n    status:\n      - url: @KEY@\n", 4},
	{"status format", "vendors:\n  - id: acme\n    status:\n      - url: https://status.acme.dev\n        format: @KEY@\n", 5},
	{"status selector", "vendors:\n  - id: acme\n    status:\n      - url: https://status.acme.dev\n        selector: @KEY@\n", 5},
	{"status healthy", "vendors:\n  - id: acme\n    status:\n      - url: https://status.acme.dev\n        format: html\n        selector: p\n        healthy: \"@KEY@(\"\n", 7},
	{"api base_url", "vendors:\n  - id: openai\n    api: {base_url: @KEY@}\n", 3},
	{"api as a string", "vendors:\n  - id: openai\n    api: @KEY@\n", 3},
	{"key name", "vendors:\n  - id: openai\n    keys:\n      - name: @KEY@\n        secret: env:X\n", 4},
	{"key as a string", "vendors:\n  - id: openai\n    keys:\n      - @KEY@\n", 4},
	{"literal secret, readable file", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: @KEY@\n", 5},
	{"env:NAME=value", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:OPENAI_API_KEY=@KEY@\n", 5},
	{"export NAME=value", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: \"env:export OPENAI_API_KEY=@KEY@\"\n", 5},
	{"env:@KEY@", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:@KEY@\n", 5},
	{"env:NAME @KEY@", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:OPENAI_API_KEY @KEY@\n", 5},
	{"secret as a list", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: [@KEY@]\n", 5},
	{"canary", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:X\n        canary: @KEY@\n", 6},
	{"account", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:X\n        account: @KEY@\n", 6},
	{"header value", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:X\n        headers: {OpenAI-Project: @KEY@}\n", 6},
	{"header name", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:X\n        headers: {@KEY@: x}\n", 6},
	{"credential header", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:X\n        headers: {Authorization: Bearer @KEY@}\n", 6},
	{"admin secret", "vendors:\n  - id: openai\n    admin:\n      secret: @KEY@\n", 4},
	{"admin interval", "vendors:\n  - id: openai\n    admin:\n      secret: env:A\n      interval: @KEY@\n", 5},
	{"admin expiry_warning", "vendors:\n  - id: openai\n    admin:\n      secret: env:A\n      expiry_warning: @KEY@\n", 5},
	{"vendor interval", "vendors:\n  - id: openai\n    interval: @KEY@\n", 3},
	{"vendor probe_interval", "vendors:\n  - id: openai\n    probe_interval: @KEY@\n", 3},
	{"serve listen", "serve:\n  listen: @KEY@\n", 2},
	{"serve token", "serve:\n  token: @KEY@\n", 2},
	{"notifier name", "notify:\n  - type: desktop\n    name: @KEY@\n", 3},
	{"notifier type", "notify:\n  - type: @KEY@\n", 2},
	{"notifier url", "notify:\n  - type: webhook\n    url: @KEY@\n", 3},
	{"slack url", "notify:\n  - type: slack\n    url: https://hooks.slack.com/services/@KEY@\n", 3},
	{"notifier command", "notify:\n  - type: command\n    command: \"/bin/page --token @KEY@ '\"\n", 3},
	{"notifier env", "notify:\n  - type: command\n    command: /bin/true\n    env: [@KEY@]\n", 4},
	{"notifier timeout", "notify:\n  - type: desktop\n    timeout: @KEY@\n", 3},
	{"notifier min_severity", "notify:\n  - type: desktop\n    min_severity: @KEY@\n", 3},
	{"notifier quiet", "notify:\n  - type: desktop\n    quiet: @KEY@\n", 3},
	{"notifier events", "notify:\n  - type: desktop\n    events: [opened, @KEY@]\n", 3},
	{"notifier expire", "notify:\n  - type: desktop\n    expire: @KEY@\n", 3},
	{"a bare key", "@KEY@\n", 1},
	{"an anchor", "timeout: &@KEY@ 5s\ninterval: *@KEY@\n", 0},
	{"an unknown anchor", "timeout: *@KEY@\n", 0},
	{"an unterminated quote", "timeout: \"@KEY@\n", 0},
	{"a key on its own line", "vendors:\n  - id: openai\n    @KEY@\n    name: x\n", 0},
}

// A value that looks like a key where one belongs, or a URL and a
// Twilio Account SID, which look like keys, are no problem.
func TestKeyLikeValuesWhereTheyBelong(t *testing.T) {
	src := "vendors:\n  - id: openai\n    keys:\n      - name: sms\n        secret: env:TWILIO_AUTH_TOKEN\n        account: " + fixture.TwilioAccount + "\n" +
		"  - id: acme\n    status:\n      - url: https://status.acme.dev/pages/" + fixture.VAPIKey + "/feed.rss\n" +
		"serve:\n  token: env:VW_TOKEN\n" +
		"notify:\n  - type: webhook\n    url: https://alerts.example.com/hook/" + fixture.TwilioToken + "\n"
	if _, err := Parse([]byte(src), "ok.yaml", false, cat); err != nil {
		t.Fatal(err)
	}
	// Words that share a shape's prefix are not keys.
	words := "vendors:\n  - id: acme\n    name: sk-learn-pipelines\n    components: [Basic Authentication, Token Verification]\n    status:\n      - url: https://status.acme.dev\n"
	if _, err := Parse([]byte(words), "ok.yaml", false, cat); err != nil {
		t.Errorf("words taken for keys: %v", err)
	}
	cfg, err := Parse([]byte("vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: "+fixture.OpenAIKey+"\n"), "private.yaml", true, cat)
	if err != nil {
		t.Fatalf("a literal key in a private file: %v", err)
	}
	if cfg.Vendors[0].Keys[0].Secret.Value != fixture.OpenAIKey {
		t.Errorf("literal = %+v", cfg.Vendors[0].Keys[0].Secret)
	}
}

// The env: reference's own messages name the variable and never what
// follows it.
func TestEnvReferenceMessages(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"env:OPENAI_API_KEY=" + fixture.OpenAIKey, "put the value in the environment, not the file (export OPENAI_API_KEY=… where vendorwatch runs), and write env:OPENAI_API_KEY"},
		{"env:=" + fixture.OpenAIKey, "put the value in the environment, not the file"},
		{"env:OPENAI_API_KEY=", "put the value in the environment, not the file"},
		{"env:$OPENAI_API_KEY", "write env:OPENAI_API_KEY"},
		{"env:OPENAI_API_KEY " + fixture.TwilioToken, "env: wants"},
		{"env:9LIVES", "wants one variable name"},
	} {
		_, err := ParseSecretRef(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSecretRef(%.20q…) = %v, want it to say %q", c.in, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), fixture.OpenAIKey[:12]) || strings.Contains(err.Error(), fixture.TwilioToken[:12]) {
			t.Errorf("ParseSecretRef(%.20q…) echoes the key: %v", c.in, err)
		}
	}
	if ref, err := ParseSecretRef("env:OPENAI_API_KEY"); err != nil || ref.Value != "OPENAI_API_KEY" {
		t.Errorf("env:OPENAI_API_KEY = %+v, %v", ref, err)
	}
}
