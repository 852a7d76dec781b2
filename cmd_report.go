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
	"github.com/vendorwatch/vendorwatch/remote"
)

func newReportCmd(o *options) *cobra.Command {
	var since, until, format, charts string
	var vendors []string
	var slaReport bool
	cmd := &cobra.Command{
		Use:   "report",
		Short: "The incident report from history: summary, findings and a timeline (Markdown or JSON)",
		Long: `report turns the history in the state dir into an incident report, ready to paste into a
postmortem: a summary, every finding with its evidence and advice, and a timeline
(Time | Vendor | Event) with the vendors' incidents, their updates and links.

--sla gives instead every vendor's reliability over the window: the minutes our probes
failed, the minutes its status page said it was not operational, the minutes it failed
while the page said operational (unreported), the median minutes we saw an outage before
the vendor posted it, the incidents the page opened, the uptime we measured (over the
time our probes covered: gaps in our monitoring count neither way) and a sparkline of the
failing minutes. It prints a table for the terminal, or --format markdown, json or csv;
--charts DIR adds an SVG chart per vendor (sla-<vendor>.svg), linked from the Markdown.

--since and --until take RFC 3339 ("2026-05-21T10:00:00Z"), a local date and time
("2026-05-21 10:00", "2026-05-21"), or a time ago ("2h", "3d", "90m").

The history is only read, never written: report works for a user who may read the
state dir but not write it, and on a read-only copy. A damaged database is reported
on stderr and read around; the report then says what it lacks.

Exit status: 0 the report is complete; 1 it was written but part of the history
could not be read; 3 no report (a bad flag, no history, an unreadable database).`,
		Example: `  vendorwatch report                                  # the last 24 hours
  vendorwatch report --since 2h --vendor vapi
  vendorwatch report --since "2026-05-21 10:00" --until "2026-05-21 14:00" > postmortem.md
  vendorwatch report --since 3d --format json | jq '.findings[].title'
  vendorwatch report --since 1h --charts ./charts > postmortem.md   # plus charts/traffic-<vendor>.svg
  vendorwatch report --sla --since 30d                                # the vendors' reliability, for the terminal
  vendorwatch report --sla --since 30d --format csv > vendors.csv
  vendorwatch report --sla --since 30d --format markdown --charts ./charts > reliability.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if slaReport && !cmd.Flags().Changed("since") {
				since = "30d" // a reliability report is over a month unless told otherwise
			}
			from, to, err := window(since, until, time.Now())
			if err != nil {
				return err
			}
			if slaReport {
				if !cmd.Flags().Changed("format") {
					format = "text"
				}
				return runReportSLA(cmd, o, from, to, vendors, format, charts)
			}
			if format != "markdown" && format != "json" {
				return fmt.Errorf("--format %q: use markdown or json (csv is for --sla)", format)
			}
			if o.remote != "" {
				if charts != "" {
					return errors.New("--charts reads the local history: it cannot be used with --remote")
				}
				if until == "" {
					to = time.Time{} // the server's now
				}
				return runReportRemote(cmd, o, from, to, vendors, format)
			}
			if err := app.CheckVendorIDs(o.app(), "--vendor", vendors); err != nil {
				return err
			}
			rep, err := app.HistoryReport(cmd.Context(), cmd.ErrOrStderr(), o.stateDir, from, to, vendors)
			if err != nil {
				return err
			}
			if format == "json" {
				err = output.WriteIncidentJSON(cmd.OutOrStdout(), rep)
			} else {
				err = output.WriteMarkdown(cmd.OutOrStdout(), rep)
			}
			if err == nil && charts != "" {
				err = writeCharts(cmd.ErrOrStderr(), charts, rep)
			}
			if err == nil && len(rep.Unreadable) > 0 {
				return exitStatus(1) // written, but part of the history could not be read
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "24h", "start of the report: RFC 3339, \"2026-05-21 10:00\" (local time) or a time ago like 2h, 3d (with --sla the default is 30d)")
	f.StringVar(&until, "until", "", "end of the report, same forms as --since (default now)")
	f.StringSliceVar(&vendors, "vendor", nil, "only these vendor ids (comma-separated or repeated)")
	f.StringVar(&format, "format", "markdown", "markdown or json; with --sla also csv (default with --sla: a table for the terminal)")
	f.StringVar(&charts, "charts", "", "also write an SVG chart of our traffic per vendor (traffic-<vendor>.svg), or with --sla of its failing minutes (sla-<vendor>.svg), to this directory")
	f.BoolVar(&slaReport, "sla", false, "report each vendor's reliability over the window instead: failing, page and unreported minutes, lead, incidents, uptime")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"markdown", "json", "csv"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("vendor", completeVendorIDs(o))
	return cmd
}

// writeCharts writes the traffic charts of a report to dir and says on
// stderr what it wrote, or why it wrote nothing.
func writeCharts(stderr io.Writer, dir string, rep output.IncidentReport) error {
	paths, err := chart.WriteTraffic(dir, rep)
	for _, p := range paths {
		fmt.Fprintf(stderr, "vendorwatch: wrote %s\n", p)
	}
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "vendorwatch: no charts: the history holds no traffic series in this window (a traffic: source in the config records one at each check; the history keeps the hour before the latest check)")
	}
	return nil
}

// runReportRemote is report --remote: the server renders the report
// from its history.
func runReportRemote(cmd *cobra.Command, o *options, from, to time.Time, vendors []string, format string) error {
	c, err := remote.New(o.remote, remote.Token(), o.timeout)
	if err != nil {
		return err
	}
	body, err := c.IncidentReport(cmd.Context(), from, to, vendors, format)
	if err != nil {
		return err
	}
	_, err = cmd.OutOrStdout().Write(body)
	return err
}

// window reads --since and --until (until empty: now) and checks that the
// window is not empty.
func window(since, until string, now time.Time) (from, to time.Time, err error) {
	if from, err = app.ParseWhen(since, now); err != nil {
		return from, to, fmt.Errorf("--since: %w", err)
	}
	to = now
	if until != "" {
		if to, err = app.ParseWhen(until, now); err != nil {
			return from, to, fmt.Errorf("--until: %w", err)
		}
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("--since %s is not before --until %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return from, to, nil
}
