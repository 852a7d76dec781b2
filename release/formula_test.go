package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testMeta() meta {
	return meta{version: "v1.2.3", commit: "0123456789abcdef0123456789abcdef01234567", date: time.Date(2026, 12, 6, 6, 37, 1, 0, time.UTC)}
}

// TestFormula renders the real template and checks that each platform
// downloads its own archive with that archive's sum.
func TestFormula(t *testing.T) {
	t.Parallel()
	tmpl, err := os.ReadFile("../packaging/homebrew/vendorwatch.rb")
	if err != nil {
		t.Fatal(err)
	}
	m := testMeta()
	sums := map[string]string{}
	for i, p := range defaultTargets {
		goos, goarch, _ := strings.Cut(p, "/")
		sums[archiveName(m, target{goos, goarch})] = strings.Repeat(string(rune('a'+i)), 64)
	}
	rb, err := renderFormula(string(tmpl), m, sums)
	if err != nil {
		t.Fatal(err)
	}
	got := string(rb)
	if !strings.Contains(got, `version "1.2.3"`) {
		t.Error("the formula lacks version \"1.2.3\"")
	}
	for _, p := range []string{"darwin/arm64", "darwin/amd64", "linux/arm64", "linux/amd64"} {
		goos, goarch, _ := strings.Cut(p, "/")
		name := archiveName(m, target{goos, goarch})
		pair := "url \"" + releaseURL + "/v1.2.3/" + name + "\"\n      sha256 \"" + sums[name] + "\""
		if !strings.Contains(got, pair) {
			t.Errorf("the formula does not download %s with its sum:\n%s", name, got)
		}
	}
	if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
		t.Errorf("the formula has an unfilled field:\n%s", got)
	}
	if ruby, err := exec.LookPath("ruby"); err == nil {
		f := filepath.Join(t.TempDir(), "vendorwatch.rb")
		if err := os.WriteFile(f, rb, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(ruby, "-c", f).CombinedOutput(); err != nil {
			t.Errorf("ruby -c: %v\n%s", err, out)
		}
	}

	delete(sums, archiveName(m, target{"darwin", "arm64"}))
	if _, err := renderFormula(string(tmpl), m, sums); err == nil || !strings.Contains(err.Error(), "darwin_arm64") {
		t.Errorf("a formula without the darwin/arm64 archive rendered (err %v)", err)
	}
}
