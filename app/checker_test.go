package app

import (
	"context"
	"runtime/debug"
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

// A one-shot process collects sooner than a long-running one during its
// check, at half again what is live, which bounds its peak memory
// (BENCHMARKS.md, "The scaling curve"); after the check it collects at
// the default again.
func TestOneShotCollectsSooner(t *testing.T) {
	old := debug.SetGCPercent(80)
	defer debug.SetGCPercent(old)
	c := &gcPercentChecker{}
	OneShot{c}.Check(context.Background())
	if c.during != oneShotGCPercent || oneShotGCPercent >= 100 {
		t.Errorf("GC target during the check %d %%, want %d %% (under the default 100)", c.during, oneShotGCPercent)
	}
	if after := debug.SetGCPercent(100); after != oneShotAfterGCPercent || oneShotAfterGCPercent <= oneShotGCPercent {
		t.Errorf("GC target after the check %d %%, want %d %% (above the check's)", after, oneShotAfterGCPercent)
	}
}
