package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// calendarVendors points GitHub at its real page with a Codespaces
// maintenance in progress, and Anthropic at its real list of two completed
// maintenances.
func calendarVendors(t *testing.T) string {
	github := vendorsite(t, map[string]string{
		"/api/v2/summary.json":                       "github__statuspage_status_none.json",
		"/api/v2/scheduled-maintenances/active.json": "../statuspage/testdata/github__statuspage_scheduled_maintenances_active.json",
	})
	anthropic := vendorsite(t, map[string]string{
		"/api/v2/scheduled-maintenances.json": "../statuspage/testdata/anthropic__statuspage_scheduled_maintenances.json",
	})
	return writeConfig(t, fmt.Sprintf(`timeout: 5s
vendors:
  - id: github
    status:
      - {url: %[1]s/api/v2/summary.json, format: statuspage}
      - {url: %[1]s/api/v2/scheduled-maintenances/active.json, format: statuspage}
    api: {base_url: %[1]s}
  - id: anthropic
    status: [{url: %[2]s/api/v2/scheduled-maintenances.json, format: statuspage}]
    api: {base_url: %[2]s}
`, github.URL, anthropic.URL))
}

// An engineer asks what maintenance is on: GitHub's running Codespaces
// window, with its component, and nothing of Anthropic's finished ones.
func TestMaintenancesCommand(t *testing.T) {
	cfg := calendarVendors(t)
	stdout, stderr, code := runCLI(t, "--config", cfg, "maintenances")
	if code != 0 {
		t.Fatalf("exit %d; stderr: %s", code, stderr)
	}
	for _, want := range []string{"github", "Codespaces Scheduled Maintenance", "Codespaces", "now"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the list lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "anthropic") {
		t.Errorf("finished maintenances are listed:\n%s", stdout)
	}

	stdout, stderr, code = runCLI(t, "--config", cfg, "maintenances", "--json")
	var list []correlate.ScheduledMaintenance
	if err := json.Unmarshal([]byte(stdout), &list); code != 0 || err != nil {
		t.Fatalf("exit %d, %v; stderr: %s\n%s", code, err, stderr, stdout)
	}
	if len(list) != 1 || list[0].VendorID != "github" || list[0].ID != "nwjwwhj118sf" || !list[0].InProgress ||
		len(list[0].Components) != 1 || list[0].Components[0] != "Codespaces" {
		t.Errorf("JSON list %+v", list)
	}

	stdout, stderr, code = runCLI(t, "--config", cfg, "maintenances", "--ics")
	if code != 0 {
		t.Fatalf("exit %d; stderr: %s", code, stderr)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(stdout))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("feed: %v\n%s", err, stdout)
	}
	if got := cal.Events()[0].GetProperty(ics.ComponentPropertySummary).Value; got != "GitHub: Codespaces Scheduled Maintenance" {
		t.Errorf("summary %q", got)
	}

	if _, stderr, code = runCLI(t, "--config", cfg, "maintenances", "--json", "--ics"); code == 0 || !strings.Contains(stderr, "do not go together") {
		t.Errorf("--json --ics: exit %d, %s", code, stderr)
	}
}
