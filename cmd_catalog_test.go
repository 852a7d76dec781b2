package main

import (
	"strings"
	"testing"
)

// The directory behind the catalog is searchable, with its attribution.
func TestCatalogSearchFindsDirectory(t *testing.T) {
	stdout, _, code := runCLI(t, "catalog", "snitch")
	if code != 0 || !strings.Contains(stdout, "deadmanssnitch") || !strings.Contains(stdout, "status.deadmanssnitch.com") {
		t.Errorf("catalog snitch (exit %d):\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "Metoro Inc.") || !strings.Contains(stdout, "Lars Windolf") {
		t.Errorf("directory hits without attribution:\n%s", stdout)
	}
	stdout, _, _ = runCLI(t, "catalog")
	if !strings.Contains(stdout, "more status pages are in the directory") || strings.Contains(stdout, "deadmanssnitch") {
		t.Errorf("plain catalog lists the directory or does not mention it:\n%s", stdout)
	}
	stdout, _, _ = runCLI(t, "catalog", "s")
	if !strings.Contains(stdout, "more; make the query longer") {
		t.Errorf("a broad query is not capped:\n%.500s", stdout)
	}
}

// The catalog shows each vendor's categories, and a category query lists
// that kind of vendor first.
func TestCatalogShowsAndSearchesCategories(t *testing.T) {
	stdout, _, code := runCLI(t, "catalog")
	if code != 0 || !strings.Contains(stdout, "CATEGORIES") {
		t.Fatalf("catalog (exit %d):\n%.400s", code, stdout)
	}
	var livekit string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "livekit ") {
			livekit = line
		}
	}
	if !strings.Contains(livekit, "voice,video") || !strings.Contains(livekit, "statuspage") {
		t.Errorf("livekit's row lacks its categories or format: %q", livekit)
	}
	stdout, _, code = runCLI(t, "catalog", "voice")
	lines := strings.Split(stdout, "\n")
	if code != 0 || len(lines) < 3 || !strings.HasPrefix(lines[1], "vapi ") || !strings.Contains(strings.Join(lines[:8], "\n"), "elevenlabs") {
		t.Errorf("catalog voice (exit %d):\n%.800s", code, stdout)
	}
}
