package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/chart"
	"github.com/vendorwatch/vendorwatch/output"
)

// runReportSLA is report --sla: the vendors' reliability over [from, to)
// in format text, markdown, json or csv, with --charts written first so
// the Markdown can link them.
func runReportSLA(cmd *cobra.Command, o *options, from, to time.Time, vendors []string, format, charts string) error {
	write := map[string]func(io.Writer, output.SLAReport) error{
		"text": output.WriteSLAText, "markdown": output.WriteSLAMarkdown, "json": output.WriteSLAJSON, "csv": output.WriteSLACSV,
	}[format]
	if write == nil {
		return fmt.Errorf("--format %q: with --sla use markdown, json or csv (or leave it out for a table)", format)
	}
	if o.remote != "" {
		return errors.New("--sla reads the local history: it cannot be used with --remote yet")
	}
	rep, err := app.SLAReport(cmd.Context(), cmd.ErrOrStderr(), o.stateDir, from, to, vendors)
	if err != nil {
		return err
	}
	if charts != "" {
		paths, err := chart.WriteSLA(charts, rep)
		for _, v := range rep.Vendors {
			if p, ok := paths[v.ID]; ok {
				fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: wrote %s\n", p)
			}
		}
		if err != nil {
			return err
		}
		rep.Charts = paths
	}
	if err := write(cmd.OutOrStdout(), rep); err != nil {
		return err
	}
	if len(rep.Unreadable) > 0 {
		return exitStatus(1) // written, but part of the history could not be read
	}
	return nil
}
