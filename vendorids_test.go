package main

import (
	"strings"
	"testing"
)

// Issue 21: a misspelt vendor id is an error that suggests the closest
// one, in every command that takes vendor ids, rather than an empty
// answer.
func TestUnknownVendorIDSuggestsTheClosest(t *testing.T) {
	cfg := writeConfig(t, "vendors:\n  - id: openai\n  - id: vapi\n  - id: twilio\n")
	for _, args := range [][]string{
		{"--once", "--only", "vapi,opena"},
		{"report", "--vendor", "opena"},
		{"report", "--vendor", "vapi", "--vendor", "opena"},
		{"silence", "add", "--vendor", "opena", "--for", "1h", "--comment", "typo"},
		{"maintenances", "--only", "opena"},
		{"evidence", "--key", "opena/prod"},
	} {
		stdout, stderr, code := runCLI(t, append(args, "--config", cfg, "--state-dir", t.TempDir())...)
		if code != 3 || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q; want exit 3 and nothing on stdout", args, code, stdout)
		}
		if !strings.Contains(stderr, "opena") || !strings.Contains(stderr, "did you mean openai") {
			t.Errorf("%q: stderr %q, want the closest id suggested", args, stderr)
		}
	}
}
