package config

import (
	"errors"
	"strings"
	"testing"
)

// Issue 21: an empty config, or one that sets everything but vendors, is
// not "config OK": the program refuses it with a hint.
func TestRequireVendors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		wantErr    bool
	}{
		{"empty file", "", true},
		{"only comments", "# nothing yet\n", true},
		{"empty list", "vendors: []\n", true},
		{"settings only", "interval: 60s\n", true},
		{"one vendor", "vendors:\n  - id: openai\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tc.yaml), "/home/me/vw.yaml", false, cat)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = cfg.RequireVendors("~/vw.yaml")
			if !tc.wantErr {
				if err != nil {
					t.Errorf("RequireVendors = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrNoVendors) {
				t.Fatalf("RequireVendors = %v, want ErrNoVendors", err)
			}
			for _, want := range []string{"~/vw.yaml", "vendorwatch init", "docs/configuration.md"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}
