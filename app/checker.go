package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
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

// OnceOpening is OnceAssessed with the history opened (OpenHistory, its
// notes on stderr) while the vendors are checked (monitor.OnceOpening).
// It returns the store, nil when the history is off, for the caller to
// close.
func (a *App) OnceOpening(ctx context.Context, stderr io.Writer, assessed func(correlate.Report)) (correlate.Report, *history.Store, error) {
	m := a.newMonitor(OneShot{Checker: a.Checker(), Vendors: len(a.Vendors)}, nil)
	return m.OnceOpening(ctx, func() *history.Store { return a.OpenHistory(ctx, stderr) }, assessed)
}

// newMonitor joins a checker of the app's vendors with the history. With
// --only, the history keeps the last results of the configured vendors
// left out, as the config names, links and keys them now (and drops those
// of vendors gone from the config).
func (a *App) newMonitor(c monitor.Checker, store *history.Store) *monitor.Monitor {
	m := monitor.New(c, store)
	m.SetConfigured(a.configuredVendors())
	return m
}

// configuredVendors is every vendor of the config, in its order, as the config
// says it (providers.Identity): the app's vendors, or with --only every
// vendor resolved again. One that does not resolve is its id alone: the
// history keeps what it stored of it.
func (a *App) configuredVendors() []observe.VendorResult {
	vendors := a.Vendors
	if len(vendors) != len(a.Config.Vendors) {
		all, err := catalog.Resolve(a.Config, catalog.Builtin(), nil)
		if err == nil {
			vendors = all
		}
	}
	byID := make(map[string]catalog.Vendor, len(vendors))
	for _, v := range vendors {
		byID[v.ID] = v
	}
	out := make([]observe.VendorResult, 0, len(a.Config.Vendors))
	for _, cv := range a.Config.Vendors {
		if v, ok := byID[cv.ID]; ok {
			out = append(out, providers.Identity(v))
		} else {
			out = append(out, observe.VendorResult{ID: cv.ID})
		}
	}
	return out
}
