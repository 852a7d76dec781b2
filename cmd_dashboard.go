package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/remote"
	"github.com/vendorwatch/vendorwatch/ui"
)

// runDashboard starts the interactive dashboard over the live monitor:
// the poller on its intervals, correlation with the stored memory, and the
// history in the state dir, which also keeps snapshot.json fresh for the
// tmux widget and --once.
func runDashboard(cmd *cobra.Command, o *options) error {
	out, ok := cmd.OutOrStdout().(*os.File)
	if !ok || !term.IsTerminal(out.Fd()) {
		return &exitError{code: 3, err: errors.New("the dashboard needs a terminal; use --once (or --once --json) in scripts")}
	}
	if o.remote != "" {
		c, err := remote.New(o.remote, remote.Token(), o.timeout)
		if err != nil {
			return &exitError{code: 3, err: err}
		}
		if err := ui.Run(cmd.Context(), remote.NewBackend(c, o.only), ui.RunOptions{NoColor: o.noColor, Output: out}); err != nil {
			return &exitError{code: 3, err: fmt.Errorf("dashboard: %w", err)}
		}
		return nil
	}
	l, err := load(o)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	store := openHistory(ctx, o, l, cmd.ErrOrStderr())
	if store != nil {
		defer store.Close()
		// While the dashboard runs it rewrites snapshot.json after every
		// check; the tmux widget sees this lock and starts no refresh.
		if lock := holdLiveLock(l.stateDir); lock != nil {
			defer lock.Unlock()
		}
	}
	ns, problems := buildNotifiers(ctx, l.cfg.Notify)
	notes := &noteLog{}
	for _, p := range problems {
		notes.add(p.Error())
	}
	disp := notify.New(ns, notify.Options{Log: notes.add})
	b := &monitorBackend{mon: monitor.New(newChecker(l), store), store: store, observe: func(u monitor.Update) { disp.Observe(u.Report) }}
	err = ui.Run(ctx, b, ui.RunOptions{NoColor: o.noColor, Output: out})
	dctx, cancel := context.WithTimeout(context.Background(), notifyDrainTimeout)
	defer cancel()
	if cerr := disp.Close(dctx); cerr != nil {
		notes.add(cerr.Error())
	}
	notes.print(cmd.ErrOrStderr())
	if err != nil {
		return &exitError{code: 3, err: fmt.Errorf("dashboard: %w", err)}
	}
	return nil
}

// monitorBackend adapts a monitor and its history store to ui.Backend.
// The demo uses it too, over simulated vendors.
type monitorBackend struct {
	mon   *monitor.Monitor
	store *history.Store // nil: no timeline, a report of the current state only
	// observe, when set, sees every monitor update (notifications).
	observe func(monitor.Update)
	// now is the clock of the report's window (time.Now when nil; the
	// demo's scenario clock in the demo).
	now func() time.Time
}

var _ ui.Backend = (*monitorBackend)(nil)

// Run runs the monitor until ctx ends, passing every update on.
func (b *monitorBackend) Run(ctx context.Context, send func(ui.Update)) {
	_ = b.mon.Run(ctx, func(u monitor.Update) {
		if b.observe != nil {
			b.observe(u)
		}
		send(ui.Update{Report: u.Report, InFlight: u.InFlight, Checking: u.Checking, Recorded: len(u.Events) > 0})
	})
}

// CheckNow wakes every vendor's loop; it does not wait.
func (b *monitorBackend) CheckNow() { b.mon.CheckNow() }

// Timeline returns the newest history events about one vendor, or all.
func (b *monitorBackend) Timeline(ctx context.Context, vendor string, limit int) ([]ui.TimelineEntry, error) {
	if b.store == nil {
		return nil, errors.New("no history: the state dir could not be opened")
	}
	q := history.Query{Limit: limit}
	if vendor != "" {
		q.Vendors = []string{vendor}
	}
	evs, err := b.store.Timeline(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]ui.TimelineEntry, 0, len(evs))
	for _, e := range slices.Backward(evs) { // the store gives oldest first
		out = append(out, ui.TimelineEntry{At: e.At, Vendor: e.Vendor, Severity: e.Severity, Text: e.Text, URL: e.URL})
	}
	return out, nil
}

// IncidentReport renders the last day of history as the Markdown incident
// report, the same as `vendorwatch report`.
func (b *monitorBackend) IncidentReport(ctx context.Context) (string, error) {
	if b.store == nil {
		return "", errors.New("no history: the state dir could not be opened")
	}
	now := time.Now()
	if b.now != nil {
		now = b.now()
	}
	rep, err := incidentReport(ctx, b.store, now.Add(-24*time.Hour), now.Add(time.Second), nil)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	if err := output.WriteMarkdown(&sb, rep); err != nil {
		return "", err
	}
	return sb.String(), nil
}
