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
		{oneShotTightFrom, oneShotGCPercent},
		{5000, oneShotGCPercent},
		{oneShotTightFrom - 1, 80},
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
