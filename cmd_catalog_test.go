package main

import (
	"strings"
	"testing"
)

// The directory behind the catalog is searchable, with its attribution.
func TestCatalogSearchFindsDirectory(t *testing.T) {
	stdout, _, code := runCLI(t, "catalog", "circle")
	if code != 0 || !strings.Contains(stdout, "circleci") || !strings.Contains(stdout, "status.circleci.com") {
		t.Errorf("catalog circle (exit %d):\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "Metoro Inc.") || !strings.Contains(stdout, "Lars Windolf") {
		t.Errorf("directory hits without attribution:\n%s", stdout)
	}
	stdout, _, _ = runCLI(t, "catalog")
	if !strings.Contains(stdout, "more status pages are in the directory") || strings.Contains(stdout, "circleci") {
		t.Errorf("plain catalog lists the directory or does not mention it:\n%s", stdout)
	}
	stdout, _, _ = runCLI(t, "catalog", "s")
	if !strings.Contains(stdout, "more; make the query longer") {
		t.Errorf("a broad query is not capped:\n%.500s", stdout)
	}
}
