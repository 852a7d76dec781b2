package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/remote"
)

// runOnceRemote is --once --remote: the server's latest report as a table
// or JSON, with the exit code of its level. No vendor is contacted, no
// key resolved, no local config or state dir read.
func runOnceRemote(cmd *cobra.Command, o *options) error {
	c, err := remote.New(o.remote, remote.Token(), o.timeout)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	rep, err := c.Report(cmd.Context())
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	rep = remote.Narrow(rep, o.only)
	out := cmd.OutOrStdout()
	if o.json {
		fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: remote: %s\n", c.Address())
		if err := output.WriteJSON(out, rep); err != nil {
			return &exitError{code: 3, err: err}
		}
	} else {
		if err := output.WriteTable(out, rep, output.TableOptions{NoColor: o.noColor}); err != nil {
			return &exitError{code: 3, err: err}
		}
		fmt.Fprintf(out, "remote: %s\n", c.Address())
	}
	return &exitError{code: rep.Overall.ExitCode()}
}

// runReportRemote is report --remote: the server renders the report
// from its history.
func runReportRemote(cmd *cobra.Command, o *options, from, to time.Time, vendors []string, format string) error {
	c, err := remote.New(o.remote, remote.Token(), o.timeout)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	body, err := c.IncidentReport(cmd.Context(), from, to, vendors, format)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	_, err = cmd.OutOrStdout().Write(body)
	return err
}
