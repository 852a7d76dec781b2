package app

import (
	"context"
	"runtime"
	"runtime/debug"
	"runtime/metrics"

	"github.com/vendorwatch/vendorwatch/internal/procs"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/observe"
)

// OneShot is the checker of a process that checks once and exits (--once,
// the tmux refresh). Such a process's peak memory (RSS) is what the
// garbage collector lets the heap grow to, twice what is live by default.
// A large check (Vendors at least oneShotLargeFrom) collects sooner while
// it runs: at half again what is live (thousands of bodies read and
// parsed, most of it garbage at once). When the check ends, most of the
// heap is what reading the status documents left behind: it is collected
// before the report is assessed and written, whose allocations then
// reuse its memory instead of growing the heap past it. The collector
// then runs at the default target for what is live after a large check;
// after a small one it waits for four times again what is live: the
// history commit and the report allocate about what is live, and the
// process exits, so collecting them only cost CPU. Measured on held
// hosts (2026-12-07, interleaved runs): at 200 vendors warm 1.51 to 1.44
// times the floor program's CPU, cold 229 to 192 ms, peak RSS the same;
// at 5,000 vendors no gain, and 16 MiB more peak RSS cold, which is why
// a large check keeps the default.
//
// The check's garbage is not handed back to the system (as it was with
// debug.FreeOSMemory until 2026-12-07): the commit and the report took
// most of it again, each page faulted in anew after its release.
// Measured beside the floor program on held hosts (vwbench, interleaved
// runs, 2026-12-07): at 5,000 vendors cold, 5.09 s down to 4.72 s of
// wall time, 5.66 s down to 5.44 s of CPU, 14,000 fewer page faults and
// the same peak RSS; at 1,000 vendors, cold and warm, 3-4 % less CPU and
// 4-5 % less wall time for 1.5-2 MiB more peak RSS (2 %): some of the
// report's allocations no longer fit in the memory still mapped.
//
// Measured warm beside the floor program (vwbench -sizes, -hold): at
// 1,000 vendors peak RSS 118 MiB down to 96 MiB for 3-8% more CPU.
// Collecting at a quarter again during the check too saves 5 MiB more
// for about 10% more CPU. After the check, a quarter again (as before
// 2026-12-06 16:05) cost 2-7 % more CPU than the default for 1 % less
// peak RSS at 200 and 1,000 vendors and 3-4 % less at 5,000 (held
// hosts, interleaved runs).
//
// A small check keeps the default target: its heap stays near the
// runtime's 4 MB minimum, which half again lowers to 2 MB, so it only
// collects more often. Measured the same way (2026-12-06, interleaved
// runs): at 10 vendors 28 ms of CPU down to 25 ms, at 200 vendors 122 ms
// down to 109 ms, peak RSS within 1 MiB; at 1,000 vendors the default
// saved 12 ms of 510 for 6 MiB more RSS, which is why it stays there.
//
// A check whose heap never reached the collector's first target (about
// ten vendors) has nothing to collect: collecting it only costs the
// collection, 1.4 ms of a 22 ms run at 10 vendors, with the same peak.
//
// The check also gets every processor back when it is large (see
// OneShotProcs).
type OneShot struct {
	monitor.Checker
	// Vendors is how many vendors the check reads.
	Vendors int
}

// The garbage collector's targets of a one-shot process (debug.SetGCPercent):
// during a large check, after it, after a small one, and the number of
// vendors from which a check is large: it collects sooner and runs on
// every processor.
const (
	oneShotGCPercent      = 50
	oneShotAfterGCPercent = 100
	oneShotTailGCPercent  = 400
	oneShotLargeFrom      = 500
)

// Check checks once, collecting as OneShot says, and collects the
// check's garbage when the collector has run at all. The targets stay
// set for the rest of the process, or until the restore OneShotProcs
// returns.
func (o OneShot) Check(ctx context.Context) observe.Snapshot {
	large := o.Vendors >= oneShotLargeFrom
	if large {
		procs.Release()
		debug.SetGCPercent(oneShotGCPercent)
	}
	snap := o.Checker.Check(ctx)
	if collected() {
		runtime.GC()
	}
	if large {
		debug.SetGCPercent(oneShotAfterGCPercent)
	} else {
		debug.SetGCPercent(oneShotTailGCPercent)
	}
	return snap
}

// collected reports whether the collector has run on its own yet in
// this process.
func collected() bool {
	s := []metrics.Sample{{Name: "/gc/cycles/automatic:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Kind() != metrics.KindUint64 || s[0].Value.Uint64() > 0
}

// OneShotProcs starts a one-shot process (--once, the tmux refresh) on one
// processor, before it reads its config, when package procs's init has not
// already (a test calling the command); OneShot.Check gives it its
// processors back when the check is large. The restore it returns gives
// them back too, and sets the collector's default target again, for a
// caller that goes on. A check spends nearly all its time waiting for
// vendors: with a second processor, the runtime wakes a thread to look
// for work each time a goroutine becomes ready, and most of the time
// finds none. Measured beside the floor program on held hosts (vwbench,
// 200 ms round trips, interleaved warm runs, 2026-12-06):
//
//   - 10 vendors: 22.8 ms of CPU down to 19.4 ms, the same wall time;
//   - 200 vendors: 114 ms down to 98 ms, wall 665 ms up to 673 ms;
//   - 1,000 vendors: 514 ms down to 496 ms, but wall 849 ms up to 918 ms.
//
// At 1,000 vendors one processor is busy half the wall time (about
// 0.5 ms of CPU a vendor), and the check starts to wait for it instead of
// the network: a large check (oneShotLargeFrom) runs on every processor.
// A GOMAXPROCS set in the environment is kept as it is.
func OneShotProcs() (restore func()) {
	procs.Hold()
	return func() {
		procs.Release()
		debug.SetGCPercent(oneShotAfterGCPercent) // the default, which OneShot.Check leaves changed
	}
}
