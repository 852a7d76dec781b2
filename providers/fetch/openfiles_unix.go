//go:build unix

package fetch

import (
	"math"
	"syscall"
)

// openFiles is the process's limit on open files (RLIMIT_NOFILE, which Go
// raises to the hard limit when a program starts), or 0 when it cannot
// be read or is unlimited.
func openFiles() int {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil || l.Cur > math.MaxInt32 {
		return 0
	}
	return int(l.Cur)
}
