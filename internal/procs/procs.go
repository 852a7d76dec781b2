// Package procs holds a one-shot process (--once, the tmux widget's
// refresh) to one processor, and gives the processors back.
//
// A one-shot check spends nearly all its time waiting for vendors: with a
// second processor, the runtime wakes a thread to look for work each time
// a goroutine becomes ready, and most of the time finds none
// (app/oneshot.go has the measurements). Its init holds a --once process
// from the start: a processor taken away later flushes its allocation
// caches into the runtime's central lists, some 120 page faults (7 % of
// a warm check's at 10 vendors) that a process held from its start never
// pays. It imports only os, runtime and sync/atomic, so that Go, which
// initializes the ready packages in import-path order, runs it before
// nearly every other package's init (TestOnceIsHeldBeforeTheHeavyPackages
// reads the binary's init trace). A guess wrong for the command cobra
// finally runs is corrected by Release; a GOMAXPROCS set in the
// environment is left as it is.
package procs

import (
	"os"
	"runtime"
	"sync/atomic"
)

// held is whether this package holds the process to one processor.
var held atomic.Bool

func init() {
	if oneShot(os.Args[1:]) {
		Hold()
	}
}

// oneShot reports whether a command line asks for a one-shot check: --once
// or --tmux-refresh among the flags, before any "--". The widget's --tmux
// is not: most calls are answered from the digest (statusline/fastpath)
// before a check would start, and pay no hold.
func oneShot(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--once", "--once=true", "--tmux-refresh", "--tmux-refresh=true":
			return true
		}
	}
	return false
}

// Hold holds the process to one processor, unless GOMAXPROCS is set in the
// environment or there is one already.
func Hold() {
	if os.Getenv("GOMAXPROCS") != "" || runtime.GOMAXPROCS(0) == 1 {
		return
	}
	held.Store(true)
	runtime.GOMAXPROCS(1)
}

// Release gives a process Hold held its processors back: the runtime's
// default, which follows the machine's and the container's CPU limits
// again.
func Release() {
	if held.Swap(false) {
		runtime.SetDefaultGOMAXPROCS()
	}
}

// Held reports whether the process is held to one processor.
func Held() bool { return held.Load() }
