package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/providers"
)

func newCatalogCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "catalog [QUERY]",
		Short: "List or search the built-in vendors",
		Example: `  vendorwatch catalog          # every built-in vendor
  vendorwatch catalog claude   # search ids, aliases, names and pages`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := ""
			if len(args) > 0 {
				q = args[0]
			}
			hits := providers.BuiltinCatalog().Search(q)
			if len(hits) == 0 {
				return &exitError{code: 1, err: fmt.Errorf("no vendor in the catalog matches %q; any status page can still be watched with status: [{url: ...}] in the config", q)}
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tFORMAT\tSTATUS PAGE\tKEY PROBE")
			for _, e := range hits {
				format := "auto"
				if len(e.Status) > 0 && e.Status[0].Format != "" {
					format = string(e.Status[0].Format)
				}
				probe := "-"
				if e.Probe != nil {
					probe = e.Probe.Method + " " + e.Probe.Path
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", e.ID, e.Name, format, strings.TrimPrefix(e.Page, "https://"), probe)
			}
			return w.Flush()
		},
	}
}
