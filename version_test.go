package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestVersionStamped checks that the values the release build stamps with
// -ldflags -X reach --version: the version, the commit and the date.
func TestVersionStamped(t *testing.T) {
	for _, v := range []*string{&version, &commit, &date} {
		old := *v
		t.Cleanup(func() { *v = old })
	}
	version, commit, date = "v9.8.7", "3f1c9d2b7a6e58401d9e2c7b5a4f3e2d1c0b9a88", "2026-12-06T06:37:01Z"

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--version"}, &stdout, &stderr); code != 0 {
		t.Fatalf("--version exited %d: %s", code, stderr.String())
	}
	got := stdout.String()
	for _, want := range []string{
		"vendorwatch v9.8.7 (",
		"commit 3f1c9d2b7a6e58401d9e2c7b5a4f3e2d1c0b9a88",
		"built 2026-12-06T06:37:01Z",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("--version printed %q, want it to contain %q", got, want)
		}
	}
	if strings.Count(got, "\n") != 1 {
		t.Errorf("--version printed %q, want one line", got)
	}
}

// TestVersionUnstamped checks that a plain build still says something true:
// "dev" and the toolchain, without an empty commit or date.
func TestVersionUnstamped(t *testing.T) {
	for _, v := range []*string{&version, &commit, &date} {
		old := *v
		t.Cleanup(func() { *v = old })
	}
	version, commit, date = "", "", ""
	got := versionLine()
	if !strings.HasPrefix(got, "dev (") && !strings.HasPrefix(got, "v") {
		t.Errorf("versionLine() = %q, want it to start with dev or a module version", got)
	}
	if strings.Contains(got, "commit ,") || strings.Contains(got, "built ,") || strings.Contains(got, "commit )") {
		t.Errorf("versionLine() = %q has an empty part", got)
	}
}
