package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Without $VENDORWATCH_MEMPROFILE no allocation is sampled; with it every
// 4 KiB is, and the profile is written where it says.
func TestMemProfileRate(t *testing.T) {
	defer func(r int) { runtime.MemProfileRate = r }(runtime.MemProfileRate)
	t.Setenv(envMemProfile, "")
	startMemProfile()()
	if runtime.MemProfileRate != 0 {
		t.Errorf("without %s, MemProfileRate is %d, want 0", envMemProfile, runtime.MemProfileRate)
	}
	path := filepath.Join(t.TempDir(), "mem.pprof")
	t.Setenv(envMemProfile, path)
	write := startMemProfile()
	if runtime.MemProfileRate != 4096 {
		t.Errorf("with %s, MemProfileRate is %d, want 4096", envMemProfile, runtime.MemProfileRate)
	}
	write()
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("no profile written: %v", err)
	}
}
