package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// envCPUProfile names a file to write a CPU profile of the whole run into
// (`go tool pprof`). It is for measuring where a check's time goes
// (BENCHMARKS.md) and is not documented for users.
const envCPUProfile = "VENDORWATCH_CPUPROFILE"

// startCPUProfile starts the profile $VENDORWATCH_CPUPROFILE asks for and
// returns what stops it; without the variable it does nothing. A profile
// that cannot start is reported and the run goes on without it.
func startCPUProfile() (stop func()) {
	name := os.Getenv(envCPUProfile)
	if name == "" {
		return func() {}
	}
	f, err := os.Create(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vendorwatch: cpu profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "vendorwatch: cpu profile:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
