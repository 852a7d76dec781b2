package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/ui"
)

// checkDemoFlags refuses the flags --demo has no use for, rather than
// ignoring them: the demo has its own vendors and a throwaway history.
func checkDemoFlags(o *options) error {
	for _, f := range []struct {
		set  bool
		name string
	}{
		{o.configPath != "", "--config"}, {len(o.only) > 0, "--only"}, {o.timeout != 0, "--timeout"},
		{o.stateDir != "", "--state-dir"}, {o.remote != "", "--remote"}, {o.tmux, "--tmux"},
	} {
		if f.set {
			return fmt.Errorf("--demo runs against its own simulated vendors with a throwaway history; it takes no %s", f.name)
		}
	}
	if o.json && !o.once {
		return errors.New("--json goes with --once (--demo --once --json)")
	}
	return nil
}

// runDemo is --demo: the dashboard over the simulated vendors replaying
// the incident log of 2026-05-21, or with --once the table (or JSON) of
// the story replayed to 12:46, exit code included.
func runDemo(cmd *cobra.Command, o *options) error {
	if err := checkDemoFlags(o); err != nil {
		return err
	}
	ctx := cmd.Context()
	if o.once {
		rep, note, err := app.DemoOnce(ctx)
		if err != nil {
			return err
		}
		return writeReport(cmd, o, rep, note)
	}
	out, ok := terminal(cmd)
	if !ok {
		return errors.New("--demo shows the dashboard and needs a terminal; in scripts use --demo --once (or --demo --once --json)")
	}
	d, err := app.NewDemo(ctx, app.DemoOptions{})
	if err != nil {
		return err
	}
	defer d.Close()
	run := ui.RunOptions{NoColor: o.noColor, Output: out, Options: ui.Options{Now: d.Now, Location: time.UTC, Source: "demo: simulated vendors"}}
	if err := ui.Run(ctx, d.Backend(), run); err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	return nil
}
