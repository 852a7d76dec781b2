package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers"
)

// newChecker builds what checks the vendors. Tests replace it to script
// key-probe results until the probes themselves exist.
var newChecker = func(l *loaded) monitor.Checker {
	p := providers.NewPoller(l.vendors, l.fetcher())
	p.SetStateDir(l.stateDir)
	return p
}

// oneShot is the checker of a process that checks once and exits (--once,
// the tmux refresh). When the check ends, most of the heap is what reading
// 200 status documents left behind; handing it back to the system before
// the report is recorded and encoded keeps the process's peak memory
// (RSS) about 5 MB lower, for a few milliseconds.
type oneShot struct{ monitor.Checker }

func (o oneShot) Check(ctx context.Context) observe.Snapshot {
	snap := o.Checker.Check(ctx)
	debug.FreeOSMemory()
	return snap
}

// runOnce checks every vendor once, assesses the results with the memory
// kept in the state dir, records them, prints a table or JSON and exits
// with the overall level.
func runOnce(cmd *cobra.Command, o *options) error {
	if o.remote != "" {
		return runOnceRemote(cmd, o)
	}
	l, err := load(o)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	store := openHistory(ctx, o, l, cmd.ErrOrStderr())
	if store != nil {
		defer store.Close()
	}
	rep, err := monitor.New(oneShot{newChecker(l)}, store).Once(ctx)
	if ctx.Err() != nil {
		return &exitError{code: 3, err: fmt.Errorf("interrupted")}
	}
	if err != nil {
		// The check itself worked; only remembering it failed. Say so, and
		// still answer.
		fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: history: %v\n", err)
	}
	out := cmd.OutOrStdout()
	if o.json {
		fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: config: %s\n", l.source)
		if err := output.WriteJSON(out, rep); err != nil {
			return &exitError{code: 3, err: err}
		}
	} else {
		if err := output.WriteTable(out, rep, output.TableOptions{NoColor: o.noColor}); err != nil {
			return &exitError{code: 3, err: err}
		}
		fmt.Fprintf(out, "config: %s\n", l.source)
	}
	return &exitError{code: rep.Overall.ExitCode()}
}

// openHistory opens the history in the state dir. When it cannot (no home
// directory, a damaged or newer database), it says why on stderr and
// returns nil: the check still runs, without memory of earlier runs. The
// database is never reset.
func openHistory(ctx context.Context, o *options, l *loaded, stderr io.Writer) *history.Store {
	dir := l.stateDir
	if dir == "" {
		fmt.Fprintln(stderr, "vendorwatch: no state dir (no home directory and no --state-dir): nothing is remembered between runs")
		return nil
	}
	s, err := history.Open(ctx, dir, history.Options{Retention: l.cfg.History.Retention.D(), Digest: output.LineDigest})
	if err != nil {
		fmt.Fprintf(stderr, "vendorwatch: history disabled for this run: %v\n", err)
		return nil
	}
	return s
}
