package main

import (
	"strings"
	"testing"
)

// Issue 21: an empty config is an error with a hint, not "config OK"
// followed by an UNKNOWN verdict over no vendors.
func TestEmptyConfigIsAnError(t *testing.T) {
	for _, body := range []string{"", "# nothing yet\n", "vendors: []\ninterval: 60s\n"} {
		cfg := writeConfig(t, body)
		for _, args := range [][]string{
			{"check-config"},
			{"--once"},
			{"--once", "--json"},
		} {
			stdout, stderr, code := runCLI(t, append(args, "--config", cfg)...)
			if code != 3 {
				t.Errorf("%q with config %q: exit %d, want 3", args, body, code)
			}
			if stdout != "" {
				t.Errorf("%q with config %q printed %q", args, body, stdout)
			}
			for _, want := range []string{cfg + " has no vendors", "vendorwatch init", "docs/configuration.md"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("%q with config %q: stderr %q lacks %q", args, body, stderr, want)
				}
			}
		}
	}
}
