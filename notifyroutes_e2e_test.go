package main

import (
	"strings"
	"testing"
)

// A notifier that routes a kind vendorwatch never files would route
// nothing, silently: the config is refused at that line, with the kind it
// most likely meant.
func TestNotifierRoutesOnlyKindsThatExist(t *testing.T) {
	cfg := writeConfig(t, `vendors:
  - id: openai
notify:
  - type: webhook
    url: http://127.0.0.1:1/hook
    kinds:
      - key_revoked
      - key_revokd
      - vendor_outage_unreportd
      - zzz_nothing_like_it
`)
	_, stderr, code := runCLI(t, "check-config", "--config", cfg)
	if code != 3 {
		t.Fatalf("exit %d, want 3: %s", code, stderr)
	}
	for _, want := range []string{
		`config.yaml:8: notifier "webhook-1" routes kind "key_revokd", which vendorwatch never files: did you mean key_revoked?`,
		`config.yaml:9: notifier "webhook-1" routes kind "vendor_outage_unreportd", which vendorwatch never files: did you mean vendor_outage_unreported?`,
		`config.yaml:10: notifier "webhook-1" routes kind "zzz_nothing_like_it", which vendorwatch never files: docs/findings.md lists the kinds`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, `"key_revoked",`) {
		t.Errorf("a kind that exists was refused:\n%s", stderr)
	}
}
