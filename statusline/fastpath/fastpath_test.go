package fastpath

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// The fast path's init runs only once every package it imports is
// initialized, and Go picks among the ready packages in import-path order:
// one import of strings (or of a package that imports it: bytes, fmt,
// flag, reflect, path/filepath) and it waits for nearly the whole program
// (statusline/text.go). The binary's own guard is
// TestTmuxFastPathSkipsTheHeavyPackages; this one answers in a second.
func TestImportsNothingThatInitializesLate(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, late := range []string{"strings", "bytes", "fmt", "flag", "reflect", "path/filepath", "encoding/json"} {
		if slices.Contains(deps, late) {
			t.Errorf("the fast path imports %s", late)
		}
	}
}
