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
// less often for the same peak. After the check either collects at the
// default again.
func TestOneShotCollectsSoonerWhenLarge(t *testing.T) {
	old := debug.SetGCPercent(80)
	defer debug.SetGCPercent(old)
	for _, tc := range []struct {
		vendors, during int
	}{
		{oneShotLargeFrom, oneShotGCPercent},
		{5000, oneShotGCPercent},
		{oneShotLargeFrom - 1, 80},
		{10, 80},
	} {
		debug.SetGCPercent(80)
		c := &gcPercentChecker{}
		OneShot{Checker: c, Vendors: tc.vendors}.Check(context.Background())
		if c.during != tc.during {
			t.Errorf("%d vendors: GC target during the check %d %%, want %d %%", tc.vendors, c.during, tc.during)
		}
		if after := debug.SetGCPercent(80); after != oneShotAfterGCPercent {
			t.Errorf("%d vendors: GC target after the check %d %%, want %d %%", tc.vendors, after, oneShotAfterGCPercent)
		}
	}
	if oneShotGCPercent >= 100 || oneShotAfterGCPercent <= oneShotGCPercent {
		t.Errorf("targets %d %% during a large check, %d %% after: want under the default 100, and above it after", oneShotGCPercent, oneShotAfterGCPercent)
	}
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
func TestOneShotHandsBackOnlyGarbage(t *testing.T) {
	if os.Getenv(envForcedCycles) != "" {
		before := collected()
		OneShot{Checker: &procsChecker{}, Vendors: 10}.Check(context.Background())
		fmt.Printf("collected-before=%v forced=%d\n", before, forcedCycles())
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOneShotHandsBackOnlyGarbage$")
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
