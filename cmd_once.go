package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers"
)

// runOnce checks every vendor once, prints a table or JSON and exits with
// the overall level.
func runOnce(cmd *cobra.Command, o *options) error {
	l, err := load(o)
	if err != nil {
		return err
	}
	poller := providers.NewPoller(l.vendors, l.fetcher())
	poller.SetStateDir(stateDir(o))
	snap := poller.Check(cmd.Context())
	if err := cmd.Context().Err(); err != nil {
		return &exitError{code: 3, err: fmt.Errorf("interrupted")}
	}
	rep := correlate.Assess(snap)
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

// runDashboard starts the interactive dashboard.
func runDashboard(cmd *cobra.Command, o *options) error {
	fmt.Fprintln(cmd.ErrOrStderr(), "vendorwatch: the interactive dashboard is not built yet; showing one check (--once) instead")
	return runOnce(cmd, o)
}
