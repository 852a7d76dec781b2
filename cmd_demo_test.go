package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/demo"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

func TestDemoOnce(t *testing.T) {
	t.Run("table", func(t *testing.T) {
		stdout, stderr, code := runCLI(t, "--demo", "--once", "--no-color")
		if code != 2 {
			t.Fatalf("exit %d, want 2 (critical)\n%s%s", code, stdout, stderr)
		}
		for _, want := range []string{
			"VAPI      critical major outage Voice calls dropped",
			"VAPI outage: Voice calls dropped and dashboard unavailable (downtime)",
			"vendorwatch saw it 10 minutes before VAPI posted it (first failure 12:35 UTC, posted 12:45 UTC)",
			"sk-proj-…Q2rT",
			"demo: simulated vendors replaying the incident log of 2026-05-21 up to 12:46 UTC",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
		fixture.NoKey(t, "the output", stdout+stderr, demo.Keys()...)
		// The demo's history went to a temporary dir, not the state dir.
		if entries, _ := os.ReadDir(os.Getenv("XDG_STATE_HOME")); len(entries) != 0 {
			t.Errorf("the demo wrote to the user's state dir: %v", entries)
		}
	})
	t.Run("json", func(t *testing.T) {
		stdout, stderr, code := runCLI(t, "--demo", "--once", "--json")
		var rep correlate.Report
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != 2 {
			t.Fatalf("exit %d, %v:\n%s%s", code, err, stdout, stderr)
		}
		if rep.Overall != correlate.LevelCritical || len(rep.Vendors) != 4 || !strings.Contains(stderr, "demo: simulated vendors") {
			t.Errorf("overall %s, %d vendors, stderr %q", rep.Overall, len(rep.Vendors), stderr)
		}
		fixture.NoKey(t, "the JSON", stdout+stderr, demo.Keys()...)
	})
}

func TestDemoFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo"}, "--demo shows the dashboard and needs a terminal; in scripts use --demo --once"},
		{[]string{"--demo", "--json"}, "--json goes with --once"},
		{[]string{"--demo", "--config", "x.yaml"}, "it takes no --config"},
		{[]string{"--demo", "--once", "--state-dir", "/tmp/x"}, "it takes no --state-dir"},
		{[]string{"--demo", "--only", "openai"}, "it takes no --only"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, stderr, code := runCLI(t, tc.args...)
			if code != 3 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 3 and %q", code, stderr, tc.want)
			}
		})
	}
}
