package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// maxFuzzConfig caps a fuzzed config: the loader reads at most 4 MiB, and
// a real config is a few kilobytes.
const maxFuzzConfig = 64 << 10

// yamlLines counts the lines of data as YAML does: \r\n, \r, \n and the
// Unicode line breaks (NEL, LS, PS) each end one.
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return 1 + strings.Count(s, "\n") + strings.Count(s, "\r") + strings.Count(s, "\u0085") + strings.Count(s, "\u2028") + strings.Count(s, "\u2029")
}

// FuzzParse loads a fuzzed config, readable by others or private. It loads
// or fails with every problem at once, each at a line of the file (or none)
// and in one printable line; and no message shows a key written anywhere in
// the file: check-config prints them, and a key pasted in the wrong place
// is still a key.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile(filepath.Join("..", "config.example.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example, false)
	f.Add(example, true)
	for _, key := range []string{fixture.OpenAIKey, fixture.VAPIKey, fixture.AnthropicKey, fixture.TwilioToken} {
		for _, src := range []string{
			"vendors:\n  - id: openai\n    keys:\n      - name: prod\n        secret: " + key + "\n",
			"timeout: " + key + "\nvendors: []\n",
			"vendors:\n  - id: acme\n    status:\n      - url: " + key + "\n",
			"vendors:\n  - id: " + key + "\n",
			"vendors:\n  - id: openai\n    keys:\n      - " + key + "\n",
			"vendors:\n  - id: openai\n    keys:\n      - name: prod\n        secret: env:" + key + "\n        headers: {X-Key: " + key + "}\n",
			"vendors:\n  - id: openai\n    admin: {secret: \"cmd:echo " + key + " '\"}\n",
			key + ": 1\n",
			"notify:\n  - type: slack\n    url: https://hooks.slack.com/services/" + key + "\n",
		} {
			f.Add([]byte(src), false)
		}
	}
	for _, src := range []string{"", "---", "[]", "vendors: {}", "interval: -5s", "interval: 1e400d", "vendors:\n  - id: a\n    depends_on: [b]\n  - id: b\n    depends_on: [a]\n",
		"vendors:\n  - &a {id: openai}\n  - *a\n", "a: &a [*a]", "\x1b[31m: 1", "vendors:\n  - id: \"\\e]0;pwned\\a\"\n", "\ufeffinterval: 60s\n"} {
		f.Add([]byte(src), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, private bool) {
		if len(data) > maxFuzzConfig {
			return
		}
		cfg, err := Parse(data, "config.yaml", private, cat)
		if (cfg == nil) == (err == nil) {
			t.Fatalf("config %v with error %v", cfg != nil, err)
		}
		if err == nil {
			seen := map[string]bool{}
			for _, v := range cfg.Vendors {
				if v.ID == "" || seen[v.ID] {
					t.Fatalf("vendor id %q loaded empty or twice", v.ID)
				}
				seen[v.ID] = true
			}
			return
		}
		var ce *Error
		if !errors.As(err, &ce) || len(ce.Problems) == 0 {
			t.Fatalf("error %v is not a list of problems", err)
		}
		lines := yamlLines(data)
		for _, p := range ce.Problems {
			if p.Line < 0 || p.Line > lines {
				t.Fatalf("problem at line %d of %d: %s", p.Line, lines, p.Msg)
			}
			if c, bad := fixture.Unsafe(p.Msg, false); bad || strings.TrimSpace(p.Msg) == "" {
				t.Fatalf("problem %q holds %U", p.Msg, c)
			}
		}
		fixture.NoKey(t, "the config's error", err.Error(), fixture.Keys...)
	})
}
