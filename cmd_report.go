package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/output"
)

func newReportCmd(o *options) *cobra.Command {
	var since, until, format string
	var vendors []string
	cmd := &cobra.Command{
		Use:   "report",
		Short: "The incident report from history: summary, findings and a timeline (Markdown or JSON)",
		Long: `report turns the history in the state dir into an incident report, ready to paste into a
postmortem: a summary, every finding with its evidence and advice, and a timeline
(Time | Vendor | Event) with the vendors' incidents, their updates and links.

--since and --until take RFC 3339 ("2026-05-21T10:00:00Z"), a local date and time
("2026-05-21 10:00", "2026-05-21"), or a time ago ("2h", "3d", "90m").`,
		Example: `  vendorwatch report                                  # the last 24 hours
  vendorwatch report --since 2h --vendor vapi
  vendorwatch report --since "2026-05-21 10:00" --until "2026-05-21 14:00" > postmortem.md
  vendorwatch report --since 3d --format json | jq '.findings[].title'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			from, err := parseWhen(since, now)
			if err != nil {
				return &exitError{code: 3, err: fmt.Errorf("--since: %w", err)}
			}
			to := now
			if until != "" {
				if to, err = parseWhen(until, now); err != nil {
					return &exitError{code: 3, err: fmt.Errorf("--until: %w", err)}
				}
			}
			if !from.Before(to) {
				return &exitError{code: 3, err: fmt.Errorf("--since %s is not before --until %s", from.Format(time.RFC3339), to.Format(time.RFC3339))}
			}
			if format != "markdown" && format != "json" {
				return &exitError{code: 3, err: fmt.Errorf("--format %q: use markdown or json", format)}
			}
			if o.remote != "" {
				if until == "" {
					to = time.Time{} // the server's now
				}
				return runReportRemote(cmd, o, from, to, vendors, format)
			}
			dir := stateDir(o)
			if dir == "" {
				return &exitError{code: 3, err: errors.New("no state dir: give --state-dir")}
			}
			if _, err := os.Stat(filepath.Join(dir, history.DatabaseFile)); errors.Is(err, fs.ErrNotExist) {
				return &exitError{code: 3, err: fmt.Errorf("no history in %s yet: run vendorwatch --once or the dashboard first", tildify(dir))}
			}
			store, err := history.Open(cmd.Context(), dir, history.Options{})
			if err != nil {
				return &exitError{code: 3, err: err}
			}
			defer store.Close()
			rep, err := incidentReport(cmd.Context(), store, from, to, vendors)
			if err != nil {
				return &exitError{code: 3, err: err}
			}
			if format == "json" {
				return output.WriteIncidentJSON(cmd.OutOrStdout(), rep)
			}
			return output.WriteMarkdown(cmd.OutOrStdout(), rep)
		},
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "24h", "start of the report: RFC 3339, \"2026-05-21 10:00\" (local time) or a time ago like 2h, 3d")
	f.StringVar(&until, "until", "", "end of the report, same forms as --since (default now)")
	f.StringSliceVar(&vendors, "vendor", nil, "only these vendor ids (comma-separated or repeated)")
	f.StringVar(&format, "format", "markdown", "markdown or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"markdown", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("vendor", completeVendorIDs(o))
	return cmd
}

// incidentReport gathers the findings and the timeline of a window of
// history, for `report` and the dashboard's copy key.
func incidentReport(ctx context.Context, store *history.Store, from, to time.Time, vendors []string) (output.IncidentReport, error) {
	q := history.Query{Since: from, Until: to, Vendors: vendors}
	rep := output.IncidentReport{Since: from.UTC(), Until: to.UTC(), Vendors: vendors}
	var err error
	if rep.Findings, err = store.Findings(ctx, q); err != nil {
		return rep, err
	}
	rep.Timeline, err = store.Timeline(ctx, q)
	return rep, err
}

// parseWhen reads a point in time: RFC 3339, a local "2006-01-02 15:04",
// "2006-01-02 15:04:05" or "2006-01-02", or a duration ago ("2h", "3d").
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	if d, err := config.ParseDuration(s); err == nil && s != "" {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339 (2026-05-21T10:00:00Z), \"2026-05-21 10:00\" or a time ago like 2h or 3d", s)
}
