package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers"
)

var _ monitor.Checker = (*providers.Poller)(nil)

// Checker is the poller over the app's vendors, remembering what the
// next process should not have to learn again in the state dir.
func (a *App) Checker() monitor.Checker {
	p := providers.NewPoller(a.Vendors, a.Client())
	p.SetStateDir(a.StateDir)
	p.SetClock(a.opts.Clock)
	p.SetRetryWait(a.opts.RetryWait)
	p.SetProbeTimeout(a.Config.ProbeTimeoutOrDefault())
	p.SetTraffic(a.Config.Traffic, a.Config.Timeout.D())
	return p
}

// OneShot is the checker of a process that checks once and exits (--once,
// the tmux refresh). Such a process's peak memory (RSS) is what the
// garbage collector lets the heap grow to, twice what is live by default.
// A large check (Vendors at least oneShotTightFrom) collects sooner while
// it runs: at half again what is live (thousands of bodies read and
// parsed, most of it garbage at once). When the check ends, most of the
// heap is what reading the status documents left behind: it is handed
// back to the system before the report is assessed and written, and the
// collector then runs at the default target again for what is live: the
// history commit and the report then stay well below the check's peak.
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
type OneShot struct {
	monitor.Checker
	// Vendors is how many vendors the check reads.
	Vendors int
}

// The garbage collector's targets of a one-shot process (debug.SetGCPercent):
// during a large check and after it, and the number of vendors from which
// a check is large.
const (
	oneShotGCPercent      = 50
	oneShotAfterGCPercent = 100
	oneShotTightFrom      = 500
)

// Check checks once, collecting as OneShot says, and hands the garbage
// back. The targets stay set for the rest of the process.
func (o OneShot) Check(ctx context.Context) observe.Snapshot {
	if o.Vendors >= oneShotTightFrom {
		debug.SetGCPercent(oneShotGCPercent)
	}
	snap := o.Checker.Check(ctx)
	debug.FreeOSMemory()
	debug.SetGCPercent(oneShotAfterGCPercent)
	return snap
}

// OpenHistory opens the history in the state dir, which checks it
// (history.Open). When it cannot (no home directory, a damaged or newer
// database), it says why on stderr — for a damaged one the file, what
// SQLite's quick_check found and the commands to recover — and returns
// nil: the check still runs, without memory of earlier runs. The
// database is never reset.
func (a *App) OpenHistory(ctx context.Context, stderr io.Writer) *history.Store {
	if a.StateDir != "" {
		WarnStateDir(a.StateDir, stderr)
	}
	s, err := a.openHistory(ctx)
	if err != nil {
		fmt.Fprintln(stderr, historyNote(err))
	}
	return s
}

// historyNote is what says why the history is off.
func historyNote(err error) string {
	if errors.Is(err, errNoStateDir) {
		return "vendorwatch: " + err.Error()
	}
	note := "vendorwatch: history disabled for this run: " + err.Error()
	if errors.Is(err, history.ErrCorrupt) {
		note += "\nvendorwatch: until the file is moved aside, every run checks without the memory of earlier runs (trouble seen once stays confirming) and records nothing."
	}
	return note
}

// errNoStateDir is openHistory's answer when there is no state dir.
var errNoStateDir = errors.New("no state dir (no home directory and no --state-dir): nothing is remembered between runs")

// openHistory is OpenHistory, its reason returned instead of printed:
// errNoStateDir, or history.Open's error.
func (a *App) openHistory(ctx context.Context) (*history.Store, error) {
	if a.StateDir == "" {
		return nil, errNoStateDir
	}
	s, err := history.Open(ctx, a.StateDir, history.Options{Retention: a.Config.History.Retention.D(), Digest: output.LineDigest})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Once is one check of every vendor for --once and the tmux refresh:
// resumed from the history when there is one, recorded in it. A history
// error comes with a report that is valid all the same.
func (a *App) Once(ctx context.Context, store *history.Store) (correlate.Report, error) {
	return a.OnceAssessed(ctx, store, nil)
}

// OnceAssessed is Once that hands assessed the report as soon as the
// history has assessed it, while it still writes it
// (monitor.OnceAssessed).
func (a *App) OnceAssessed(ctx context.Context, store *history.Store, assessed func(correlate.Report)) (correlate.Report, error) {
	return a.newMonitor(OneShot{Checker: a.Checker(), Vendors: len(a.Vendors)}, store).OnceAssessed(ctx, assessed)
}

// newMonitor joins a checker of the app's vendors with the history. With
// --only, the history keeps the last results of the configured vendors
// left out (and drops those of vendors gone from the config).
func (a *App) newMonitor(c monitor.Checker, store *history.Store) *monitor.Monitor {
	m := monitor.New(c, store)
	ids := make([]string, 0, len(a.Config.Vendors))
	for _, v := range a.Config.Vendors {
		ids = append(ids, v.ID)
	}
	m.SetConfigured(ids)
	return m
}
