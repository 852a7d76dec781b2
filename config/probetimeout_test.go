package config

import (
	"strings"
	"testing"
	"time"
)

// probe_timeout defaults to the shorter of timeout and 5 s, so a hang costs
// a check less than the general timeout; set, it is kept.
func TestProbeTimeoutDefault(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want time.Duration
	}{
		{"", DefaultProbeTimeout},
		{"timeout: 2s\n", 2 * time.Second},
		{"timeout: 30s\n", DefaultProbeTimeout},
		{"timeout: 30s\nprobe_timeout: 8s\n", 8 * time.Second},
	} {
		cfg, err := Parse([]byte(tt.src), "c.yaml", false, cat)
		if err != nil {
			t.Fatalf("%q: %v", tt.src, err)
		}
		if got := cfg.ProbeTimeoutOrDefault(); got != tt.want {
			t.Errorf("%q: probe timeout %s, want %s", tt.src, got, tt.want)
		}
	}
}

// A probe_timeout below the minimum, or as long as a probe interval (the
// global one or a vendor's), is refused with its line.
func TestProbeTimeoutLimits(t *testing.T) {
	for src, want := range map[string]string{
		"probe_timeout: 100ms\n":                                                  "probe_timeout 100ms is below the minimum",
		"probe_interval: 15s\nprobe_timeout: 15s\n":                               "probe_timeout 15s must be shorter than the probe interval (15s)",
		"probe_timeout: 20s\nvendors:\n  - id: openai\n    probe_interval: 15s\n": "must be shorter than the probe interval (15s)",
	} {
		got := problemsOf(t, src)
		if len(got) != 1 || !strings.Contains(strings.Join(fmtProblems(got), "; "), want) {
			t.Errorf("%q: problems = %v, want %q", src, fmtProblems(got), want)
		}
	}
	if _, err := Parse([]byte("probe_interval: 15s\nprobe_timeout: 5s\n"), "c.yaml", false, cat); err != nil {
		t.Errorf("a valid probe_timeout: %v", err)
	}
}
