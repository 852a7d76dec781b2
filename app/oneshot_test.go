package app

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/observe"
)

// gcPercentChecker records the garbage collector's target while it
// checks; the rest of monitor.Checker is the embedded nil's, never called.
type gcPercentChecker struct {
	monitor.Checker
	during int
}

func (c *gcPercentChecker) Check(context.Context) observe.Snapshot {
	c.during = debug.SetGCPercent(-1)
	debug.SetGCPercent(c.during)
	return observe.Snapshot{}
}

// A large one-shot check collects sooner than a long-running process,
// at half again what is live, which bounds its peak memory (BENCHMARKS.md,
// "The scaling curve"); a small one keeps the default, which collects
// less often for the same peak. After a large check the collector runs
// at the default again; after a small one it lets what follows (the
// commit, the report) grow four times again what is live before it
// collects. The restore OneShotProcs returns sets the default.
func TestOneShotCollectsSoonerWhenLarge(t *testing.T) {
	old := debug.SetGCPercent(80)
	defer debug.SetGCPercent(old)
	for _, tc := range []struct {
		vendors, during, after int
	}{
		{oneShotLargeFrom, oneShotGCPercent, oneShotAfterGCPercent},
		{5000, oneShotGCPercent, oneShotAfterGCPercent},
		{oneShotLargeFrom - 1, 80, oneShotTailGCPercent},
		{10, 80, oneShotTailGCPercent},
	} {
		restore := OneShotProcs()
		debug.SetGCPercent(80)
		c := &gcPercentChecker{}
		OneShot{Checker: c, Vendors: tc.vendors}.Check(context.Background())
		if c.during != tc.during {
			t.Errorf("%d vendors: GC target during the check %d %%, want %d %%", tc.vendors, c.during, tc.during)
		}
		if after := debug.SetGCPercent(80); after != tc.after {
			t.Errorf("%d vendors: GC target after the check %d %%, want %d %%", tc.vendors, after, tc.after)
		}
		restore()
		if after := debug.SetGCPercent(80); after != oneShotAfterGCPercent {
			t.Errorf("%d vendors: GC target after the restore %d %%, want %d %%", tc.vendors, after, oneShotAfterGCPercent)
		}
	}
	if oneShotGCPercent >= 100 || oneShotAfterGCPercent <= oneShotGCPercent || oneShotTailGCPercent <= oneShotAfterGCPercent {
		t.Errorf("targets %d %% during a large check, %d %% after, %d %% after a small one: want under the default 100, the default, and above it", oneShotGCPercent, oneShotAfterGCPercent, oneShotTailGCPercent)
	}
}

// What follows a small check (the commit, the report) is not collected
// while it allocates less than three times what is live; before issue
// 22's last session it cost a collection at the end of nearly every run.
func TestOneShotLeavesTheTailUncollected(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	untilCollected()
	defer OneShotProcs()()
	// What a check of a few hundred vendors keeps: well above the
	// runtime's 4 MB minimum target.
	kept := make([]byte, 16<<20)
	OneShot{Checker: &procsChecker{}, Vendors: 200}.Check(context.Background())
	live := heapLive()
	before := automaticCycles()
	garbage(2 * live)
	if n := automaticCycles() - before; n != 0 {
		t.Errorf("%d collections for %d bytes of garbage beside %d live after a small check, want none", n, 2*live, live)
	}
	runtime.KeepAlive(kept)
}

// heapLive is what the last collection left live on the heap.
func heapLive() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// untilCollected allocates until the collector has run on its own, as it
// has by the end of any check above a few vendors.
func untilCollected() {
	for !collected() {
		garbage(1 << 20)
	}
}

// garbage allocates n bytes nothing keeps.
func garbage(n int64) {
	for ; n > 0; n -= 64 << 10 {
		garbageSink = make([]byte, 64<<10)
	}
	garbageSink = nil
}

var garbageSink []byte

// automaticCycles is how many collections the runtime started on its own.
func automaticCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/automatic:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// procsChecker records how many processors the check ran on.
type procsChecker struct {
	monitor.Checker
	during int
}

func (c *procsChecker) Check(context.Context) observe.Snapshot {
	c.during = runtime.GOMAXPROCS(0)
	return observe.Snapshot{}
}

// A one-shot process starts on one processor, and a large check gets
// every processor back; a small one stays on one (BENCHMARKS.md, the
// scaling curve: "One processor for a small one-shot check").
func TestOneShotProcs(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two processors and no GOMAXPROCS in the environment")
	}
	before := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(before)
	for _, tc := range []struct {
		vendors, during int
	}{
		{10, 1},
		{oneShotLargeFrom - 1, 1},
		{oneShotLargeFrom, before},
		{5000, before},
	} {
		restore := OneShotProcs()
		if n := runtime.GOMAXPROCS(0); n != 1 {
			t.Fatalf("after OneShotProcs: GOMAXPROCS %d, want 1", n)
		}
		c := &procsChecker{}
		OneShot{Checker: c, Vendors: tc.vendors}.Check(context.Background())
		if c.during != tc.during {
			t.Errorf("%d vendors: the check ran on %d processors, want %d", tc.vendors, c.during, tc.during)
		}
		restore()
		if n := runtime.GOMAXPROCS(0); n != before {
			t.Errorf("%d vendors: GOMAXPROCS %d after the restore, want %d again", tc.vendors, n, before)
		}
	}
}

// A GOMAXPROCS the user set is kept.
func TestOneShotProcsKeepsTheEnvironment(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs two CPUs")
	}
	t.Setenv("GOMAXPROCS", "2")
	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	defer OneShotProcs()()
	OneShot{Checker: &procsChecker{}, Vendors: 10}.Check(context.Background())
	if n := runtime.GOMAXPROCS(0); n != 2 {
		t.Errorf("GOMAXPROCS=2 in the environment: %d processors, want 2", n)
	}
}

// envForcedCycles makes the test binary run a small one-shot check in a
// process of its own and print how many collections were forced.
const envForcedCycles = "VENDORWATCH_TEST_FORCED_CYCLES"

// A small check, whose heap never reached the collector's first target,
// is not collected when it ends; once the collector has run, it is. Run
// in a fresh process: this one has collected long ago.
func TestOneShotCollectsOnlyOnceTheCollectorRan(t *testing.T) {
	if os.Getenv(envForcedCycles) != "" {
		before := collected()
		OneShot{Checker: &procsChecker{}, Vendors: 10}.Check(context.Background())
		fmt.Printf("collected-before=%v forced=%d\n", before, forcedCycles())
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOneShotCollectsOnlyOnceTheCollectorRan$")
	cmd.Env = append(os.Environ(), envForcedCycles+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper process: %v\n%s", err, out)
	}
	switch got := strings.TrimSpace(string(out)); got {
	case "collected-before=false forced=0":
	case "collected-before=true forced=1":
		t.Log("the helper process had collected before the check; the small case was not exercised")
	default:
		t.Errorf("helper process: %q, want no forced collection after a check the collector never ran in", got)
	}

	runtime.GC()
	for !collected() { // an automatic cycle, as a large check has
		_ = make([]byte, 1<<20)
	}
	before := forcedCycles()
	OneShot{Checker: &procsChecker{}, Vendors: 10}.Check(context.Background())
	if n := forcedCycles() - before; n != 1 {
		t.Errorf("after the collector ran: %d forced collections at the check's end, want 1", n)
	}
}

// forcedCycles is how many collections the process has forced.
func forcedCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// The garbage a check leaves is collected when it ends but stays mapped
// for the commit and the report to reuse: handing it back to the system
// (debug.FreeOSMemory) made them fault every page in again, 14,000 page
// faults and 7 % of the wall time of a cold check of 5,000 vendors
// (BENCHMARKS.md, the scaling curve). The runtime's background
// scavenger may hand some back at any moment on its own, so the check is
// tried three times; handing the garbage back does it every time.
func TestOneShotKeepsTheGarbageMapped(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	defer OneShotProcs()()
	untilCollected()
	var released []int64
	for range 3 {
		c := &garbageChecker{n: 64 << 20}
		OneShot{Checker: c, Vendors: oneShotLargeFrom}.Check(context.Background())
		r := heapReleased() - c.released
		if r <= c.n/4 {
			return
		}
		released = append(released, r>>20)
	}
	t.Errorf("MiB of the heap handed back to the system after each of three checks that left 64 MiB of garbage: %v, want it kept mapped", released)
}

// garbageChecker's check holds n bytes until it ends, as the documents
// a check reads and parses, and leaves them as garbage. released is how
// much of the heap had been handed back to the system when it ended.
type garbageChecker struct {
	monitor.Checker
	n, released int64
}

func (c *garbageChecker) Check(context.Context) observe.Snapshot {
	var held [][]byte
	for n := c.n; n > 0; n -= 64 << 10 {
		held = append(held, make([]byte, 64<<10))
	}
	c.released = heapReleased()
	runtime.KeepAlive(held)
	return observe.Snapshot{}
}

// heapReleased is how much of the heap's memory the runtime has handed
// back to the system and not taken again.
func heapReleased() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}
