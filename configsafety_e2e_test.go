package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// noKeyRun fails when out holds any 12 consecutive characters of key.
func noKeyRun(t *testing.T, what, out, key string) {
	t.Helper()
	for i := 0; i+12 <= len(key); i++ {
		if strings.Contains(out, key[i:i+12]) {
			t.Fatalf("%s holds %q, 12 characters of the key:\n%s", what, key[i:i+12], out)
		}
	}
}

// badConfig writes a config with mode 0644 (readable by others, as a
// config usually is) and returns its path.
func badConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The three measured cases of issue 16, with the real binary: a key pasted
// after env: from a .env file, into timeout: and into id:. Each used to
// print the whole key to stderr. Now each is named by its line, and the
// env: case names the variable.
func TestBinaryConfigErrorsNeverEchoTheKey(t *testing.T) {
	bin := buildBinary(t)
	key := fixture.OpenAIKey
	for _, c := range []struct {
		name, body string
		want       []string
	}{
		{"env NAME=value", "vendors:\n  - id: openai\n    keys:\n      - name: prod\n        secret: env:OPENAI_API_KEY=" + key + "\n",
			[]string{"bad.yaml:5: ", "env:OPENAI_API_KEY=… holds the value itself: put the value in the environment, not the file"}},
		{"timeout", "timeout: " + key + "\n", []string{"bad.yaml:1: timeout holds what looks like an API key (not shown)"}},
		{"id", "vendors:\n  - id: " + key + "\n", []string{"bad.yaml:2: id holds what looks like an API key (not shown)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := badConfig(t, c.body)
			for _, args := range [][]string{{"--once", "--config", cfg}, {"check-config", "--config", cfg}} {
				cmd := exec.Command(bin, args...)
				cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
				out, err := cmd.CombinedOutput()
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
					t.Errorf("%v: %v, want exit 3", args, err)
				}
				noKeyRun(t, strings.Join(args[:1], " ")+"'s output", string(out), key)
				for _, w := range c.want {
					if !strings.Contains(string(out), w) {
						t.Errorf("%v: output lacks %q:\n%s", args, w, out)
					}
				}
			}
		})
	}
}

// Every kind of field, with keys of every shape vendorwatch knows:
// neither --once nor check-config prints 12 characters of the key, and
// each names the problem's line. %[1]s is the key.
func TestConfigErrorsNeverEchoAKeyInAnyField(t *testing.T) {
	keys := []string{fixture.OpenAIKey, fixture.AnthropicKey, fixture.VAPIKey, fixture.TwilioToken, fixture.DeepgramKey,
		fixture.StripeKey, fixture.GeminiKey, fixture.GroqKey, fixture.ElevenKey, fixture.AdminKey, fixture.LangSmithKey}
	for i, f := range []struct {
		name, body string
		line       string
	}{
		{"duration", "interval: %[1]s\n", ":1: "},
		{"quoted duration", "probe_interval: \"%[1]s\"\n", ":1: "},
		{"number", "concurrency: %[1]s\n", ":1: "},
		{"nested duration", "history:\n  retention: %[1]s\n", ":2: "},
		{"option name", "%[1]s: 1\n", ":1: "},
		{"option name with a prefix", "vendors:\n  - id: openai\n    bogus_%[1]s: 1\n", ":3: "},
		{"vendor id", "vendors:\n  - id: %[1]s\n", ":2: "},
		{"duplicate vendor id", "vendors:\n  - id: %[1]s\n  - id: %[1]s\n", ":3: "},
		{"vendor name", "vendors:\n  - id: openai\n    name: %[1]s\n", ":3: "},
		{"page_url", "vendors:\n  - id: openai\n    page_url: %[1]s\n", ":3: "},
		{"list of names", "vendors:\n  - id: openai\n    components: [API, %[1]s]\n", ":3: "},
		{"depends_on", "vendors:\n  - id: openai\n    depends_on: [%[1]s]\n", ":3: "},
		{"status url", "vendors:\n  - id: acme\n    status:\n      - url: %[1]s\n", ":4: "},
		{"status format", "vendors:\n  - id: acme\n    status:\n      - url: https://status.acme.dev\n        format: %[1]s\n", ":5: "},
		{"regular expression", "vendors:\n  - id: acme\n    status:\n      - url: https://status.acme.dev\n        format: html\n        selector: p\n        healthy: \"%[1]s(\"\n", ":7: "},
		{"api base_url", "vendors:\n  - id: openai\n    api: {base_url: %[1]s}\n", ":3: "},
		{"mapping given a string", "vendors:\n  - id: openai\n    api: %[1]s\n", ":3: "},
		{"key name", "vendors:\n  - id: openai\n    keys:\n      - name: %[1]s\n        secret: env:X\n", ":4: "},
		{"literal secret in a readable file", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: %[1]s\n", ":5: "},
		{"env:NAME=value", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:OPENAI_API_KEY=%[1]s\n", ":5: "},
		{"env:KEY", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:%[1]s\n", ":5: "},
		{"env:NAME KEY", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:OPENAI_API_KEY %[1]s\n", ":5: "},
		{"bool", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:X\n        canary: %[1]s\n", ":6: "},
		{"account", "vendors:\n  - id: twilio\n    keys:\n      - name: a\n        secret: env:X\n        account: %[1]s\n", ":6: "},
		{"header value", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:X\n        headers: {OpenAI-Project: %[1]s}\n", ":6: "},
		{"credential header", "vendors:\n  - id: openai\n    keys:\n      - name: a\n        secret: env:X\n        headers: {Authorization: Bearer %[1]s}\n", ":6: "},
		{"admin secret", "vendors:\n  - id: openai\n    admin:\n      secret: %[1]s\n", ":4: "},
		{"serve listen", "serve:\n  listen: %[1]s\n", ":2: "},
		{"serve token", "serve:\n  token: %[1]s\n", ":2: "},
		{"notifier type", "notify:\n  - type: %[1]s\n", ":2: "},
		{"notifier name", "notify:\n  - type: desktop\n    name: %[1]s\n", ":3: "},
		{"notifier url", "notify:\n  - type: webhook\n    url: %[1]s\n", ":3: "},
		{"slack url in a readable file", "notify:\n  - type: slack\n    url: https://hooks.slack.com/services/%[1]s\n", ":3: "},
		{"notifier env", "notify:\n  - type: command\n    command: /bin/true\n    env: [%[1]s]\n", ":4: "},
		{"notifier severity", "notify:\n  - type: desktop\n    min_severity: %[1]s\n", ":3: "},
		{"notifier events", "notify:\n  - type: desktop\n    events: [opened, %[1]s]\n", ":3: "},
		{"a bare key", "%[1]s\n", ":1: "},
		{"an unknown anchor", "timeout: *%[1]s\n", ": "},
		{"a key on its own line", "vendors:\n  - id: openai\n    %[1]s\n    name: x\n", ":3: "},
	} {
		key := keys[i%len(keys)]
		t.Run(f.name, func(t *testing.T) {
			cfg := badConfig(t, strings.ReplaceAll(f.body, "%[1]s", key))
			for _, args := range [][]string{{"--once", "--config", cfg}, {"check-config", "--config", cfg}} {
				stdout, stderr, code := runCLI(t, args...)
				if code != 3 {
					t.Errorf("%s: exit %d, want 3\n%s", args[0], code, stderr)
				}
				noKeyRun(t, args[0]+"'s stdout", stdout, key)
				noKeyRun(t, args[0]+"'s stderr", stderr, key)
				if !strings.Contains(stderr, cfg+f.line) {
					t.Errorf("%s: no problem at %s%s:\n%s", args[0], cfg, f.line, stderr)
				}
			}
		})
	}
}

// A config others can write runs none of its commands: both the cmd:
// secret and the command notifier are refused with the file's mode and
// the fix, and nothing runs. env: and file: references stay allowed.
func TestWritableConfigRunsNoCommands(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	ran := filepath.Join(t.TempDir(), "ran")
	body := "vendors:\n  - id: openai\n    keys:\n      - name: prod\n        secret: \"cmd:touch " + ran + "\"\n" +
		"notify:\n  - type: command\n    command: \"touch " + ran + "\"\n"
	cfg := badConfig(t, body)
	if err := os.Chmod(cfg, 0o666); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"--once", "check-config"} {
		_, stderr, code := runCLI(t, cmd, "--config", cfg)
		if code != 3 {
			t.Errorf("%s: exit %d, want 3", cmd, code)
		}
		for _, want := range []string{
			cfg + ":5: a cmd: secret runs a command as you and is refused in " + cfg + ", which others can change (mode 0666: group rw-, others rw-): chmod 600 " + cfg,
			cfg + ":8: a command notifier runs a command as you",
		} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", cmd, want, stderr)
			}
		}
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("a command of the world-writable config ran")
	}
	refs := badConfig(t, "vendors:\n  - id: openai\n    keys:\n      - name: prod\n        secret: env:VW_TEST_UNSET_KEY\n      - name: b\n        secret: file:/nonexistent/key\n")
	os.Chmod(refs, 0o666)
	if stdout, stderr, code := runCLI(t, "check-config", "--config", refs); code != 0 || !strings.Contains(stdout, "0 of 2 keys resolve") {
		t.Errorf("env: and file: in a world-writable config: exit %d\n%s%s", code, stdout, stderr)
	}
}

// A state dir the user made open to others is reported by --once (on
// stderr, the JSON untouched) and check-config, and left as it is.
func TestLooseStateDirIsReported(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
	state := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chmod(state, 0o755)
	warning := "vendorwatch: warning: the state dir " + state + " is open to others (mode 0755: group r-x, others r-x): they can read its history of findings, key names and fingerprints; chmod 700 " + state
	stdout, stderr, _ := runCLI(t, "--once", "--json", "--config", cfg, "--state-dir", state)
	if !strings.Contains(stderr, warning) {
		t.Errorf("--once stderr lacks the warning:\n%s", stderr)
	}
	if !strings.HasPrefix(stdout, "{") {
		t.Errorf("--once --json stdout is not the JSON alone:\n%s", stdout)
	}
	stdout, _, code := runCLI(t, "check-config", "--config", cfg, "--state-dir", state)
	if code != 0 || !strings.Contains(stdout, "state dir: "+state+", WARNING: it is open to others (mode 0755") {
		t.Errorf("check-config: exit %d\n%s", code, stdout)
	}
	if info, _ := os.Stat(state); info.Mode().Perm() != 0o755 {
		t.Errorf("the state dir was changed to %04o", info.Mode().Perm())
	}
}
