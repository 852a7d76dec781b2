//go:build linux || darwin

package main

import (
	"os"
	"runtime"
	"syscall"
)

// maxRSS is the child's peak resident set in bytes (wait4's rusage).
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss // bytes on macOS
	}
	return ru.Maxrss * 1024 // KiB on Linux
}

// writtenBytes is what the child caused to be written to storage: the
// kernel's write_bytes, which rusage gives in 512-byte blocks
// (ru_oublock). Pages dirtied in the page cache count when dirtied, so a
// run is charged for its writes even before they reach the disk.
func writtenBytes(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return ru.Oublock * 512
}

// minorFaults is how many page faults the child took that needed no disk
// read (ru_minflt): for a short process, mostly the pages of its binary
// and heap it touched.
func minorFaults(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return ru.Minflt
}
