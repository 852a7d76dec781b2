package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newCheckConfigCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "check-config",
		Short: "Validate the config and show what would be watched",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := load(o)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "config: %s\n", l.source)
			fmt.Fprintf(out, "interval %s, probe_interval %s, timeout %s\n\n", l.cfg.Interval, l.cfg.ProbeInterval, l.cfg.Timeout)
			w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "VENDOR\tSTATUS SOURCES\tAPI\tKEYS\tDEPENDS ON")
			for _, v := range l.vendors {
				api := v.API.BaseURL
				if api == "" {
					api = "-"
				}
				deps := "-"
				if len(v.DependsOn) > 0 {
					deps = fmt.Sprint(v.DependsOn)
				}
				fmt.Fprintf(w, "%s\t%d\t%s\t%d\t%s\n", v.ID, len(v.Sources), api, len(v.Keys), deps)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(out, "\nconfig OK")
			return nil
		},
	}
}
