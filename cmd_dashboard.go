package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/remote"
	"github.com/vendorwatch/vendorwatch/ui"
)

// runDashboard starts the interactive dashboard over the live monitor (or
// over a --remote server).
func runDashboard(cmd *cobra.Command, o *options) error {
	out, ok := terminal(cmd)
	if !ok {
		return errors.New("the dashboard needs a terminal; use --once (or --once --json) in scripts")
	}
	run := ui.RunOptions{NoColor: o.noColor, Output: out}
	if o.remote != "" {
		c, err := remote.New(o.remote, remote.Token(), o.timeout)
		if err != nil {
			return err
		}
		if len(o.only) > 0 {
			rep, err := c.Report(cmd.Context())
			if err != nil {
				return err
			}
			if err := checkRemoteOnly(rep, o.only); err != nil {
				return err
			}
		}
		run.Source = "remote " + c.Address()
		if err := ui.Run(cmd.Context(), remote.NewBackend(c, o.only), run); err != nil {
			return fmt.Errorf("dashboard: %w", err)
		}
		return nil
	}
	a, err := load(o)
	if err != nil {
		return err
	}
	run.Source = a.SourceLabel()
	b, done := a.Dashboard(cmd.Context(), cmd.ErrOrStderr())
	err = ui.Run(cmd.Context(), b, run)
	done()
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	return nil
}

// terminal is the command's output when it is a terminal: the file behind
// the redacting writer, which Bubble Tea needs whole (its size, raw
// mode). What the dashboard draws is redacted on its way into ui.
func terminal(cmd *cobra.Command) (*os.File, bool) {
	out, ok := redact.Unwrap(cmd.OutOrStdout()).(*os.File)
	return out, ok && term.IsTerminal(out.Fd())
}
