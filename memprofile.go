package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// envMemProfile names a file to write a heap profile of the whole run
// into when it ends (`go tool pprof -sample_index=alloc_space`, or
// inuse_space for what the last collection kept), as envCPUProfile does
// for time. It is for measuring where a check's memory goes
// (docs/development.md) and is not documented for users.
const envMemProfile = "VENDORWATCH_MEMPROFILE"

// startMemProfile records every allocation when $VENDORWATCH_MEMPROFILE
// is set, and returns what writes the profile; without the variable it
// records none. A profile that cannot be written is reported and the
// run's exit code is kept.
func startMemProfile() (write func()) {
	name := os.Getenv(envMemProfile)
	if name == "" {
		// Nothing reads the heap profile then: stop sampling allocations,
		// which costs a stack walk every 512 KiB allocated (1 % of a small
		// --once's CPU).
		runtime.MemProfileRate = 0
		return func() {}
	}
	// One sample per 4 KiB, not per 512 KiB: a one-shot check is short.
	runtime.MemProfileRate = 4096
	return func() {
		// The profile holds what was allocated up to the last collection:
		// collect once more, so that the run's tail (the history commit,
		// the output) is in it too.
		runtime.GC()
		f, err := os.Create(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vendorwatch: memory profile:", err)
			return
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fmt.Fprintln(os.Stderr, "vendorwatch: memory profile:", err)
		}
	}
}
