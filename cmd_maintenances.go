package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/remote"
)

func newMaintenancesCmd(o *options) *cobra.Command {
	var asJSON, asICS bool
	cmd := &cobra.Command{
		Use:   "maintenances",
		Short: "The maintenances in progress and scheduled across vendors, with the components they touch",
		Long: `maintenances checks every vendor's status page once (as --once does) and lists the
maintenance windows in progress now and scheduled for later, across all vendors: when,
which vendor, what, and the components it touches, with the vendor's link. Finished and
cancelled windows are left out. Times are shown in the local time zone.

--json prints the list as JSON; --ics prints it as an iCalendar feed, the same one
"vendorwatch serve" publishes at /api/v1/maintenances.ics for calendar apps.
With --remote the list comes from the server's latest report and no vendor is contacted.`,
		Example: `  vendorwatch maintenances
  vendorwatch maintenances --only vapi,twilio
  vendorwatch maintenances --ics > vendors.ics`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON && asICS {
				return errors.New("--json and --ics do not go together")
			}
			rep, err := maintenanceReport(cmd, o)
			if err != nil {
				return err
			}
			now := time.Now()
			list := rep.UpcomingMaintenances(now)
			out := cmd.OutOrStdout()
			switch {
			case asICS:
				return output.WriteICS(out, list, now)
			case asJSON:
				if list == nil {
					list = []correlate.ScheduledMaintenance{}
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(redact.Value(list)); err != nil {
					return fmt.Errorf("encoding the maintenances: %w", err)
				}
				return nil
			}
			return output.WriteMaintenances(out, list, now, time.Local)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the maintenances as JSON")
	cmd.Flags().BoolVar(&asICS, "ics", false, "print the maintenances as an iCalendar feed")
	return cmd
}

// maintenanceReport is the report the calendar is read from: a fresh
// check of every vendor, recorded like --once's, or with --remote the
// server's latest.
func maintenanceReport(cmd *cobra.Command, o *options) (correlate.Report, error) {
	if o.remote != "" {
		c, err := remote.New(o.remote, remote.Token(), o.timeout)
		if err != nil {
			return correlate.Report{}, err
		}
		rep, err := c.Report(cmd.Context())
		if err != nil {
			return correlate.Report{}, err
		}
		return remote.Narrow(rep, o.only), nil
	}
	a, err := load(o)
	if err != nil {
		return correlate.Report{}, err
	}
	rep, err := checkOnce(cmd, a)
	if err != nil {
		return correlate.Report{}, err
	}
	return rep, nil
}
