package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// maxCatalogHits caps how many matches a search prints.
const maxCatalogHits = 60

func newCatalogCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "catalog [QUERY]",
		Short: "List or search the built-in vendors and the directory of status pages",
		Long: `List the curated vendors (status page, API and key probe known) with their categories,
or search them and the directory of about 1,050 more status pages by id, alias, name,
category or page. Curated vendors come first: an exact name, then the vendors of a
category, then partial names. Any id shown can be used in the config as "- id: ID"; a
directory vendor's format is detected on first use.

Categories: ` + strings.Join(catalog.CategoryNames(), ", ") + `.`,
		Example: `  vendorwatch catalog          # the curated vendors
  vendorwatch catalog voice    # the voice vendors first (VAPI, ElevenLabs, Deepgram, Twilio…)
  vendorwatch catalog claude   # search ids, aliases, names and pages
  vendorwatch catalog snitch   # also finds directory vendors such as deadmanssnitch`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := ""
			if len(args) > 0 {
				q = args[0]
			}
			cat := catalog.Builtin()
			hits := cat.Search(q)
			if len(hits) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: no vendor in the catalog matches %q; any status page can still be watched with status: [{url: ...}] in the config\n", q)
				return exitStatus(1)
			}
			out := cmd.OutOrStdout()
			w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tCATEGORIES\tFORMAT\tSTATUS PAGE\tKEY PROBE")
			fromDirectory := 0
			for i, e := range hits {
				if i == maxCatalogHits {
					break
				}
				format := "auto"
				if len(e.Status) > 0 && e.Status[0].Format != "" {
					format = string(e.Status[0].Format)
				}
				probe := "-"
				if e.Probe != nil {
					probe = e.Probe.Method + " " + e.Probe.Path
				}
				if e.Origin != "" {
					fromDirectory++
				}
				categories := "-"
				if len(e.Categories) > 0 {
					categories = strings.Join(e.Categories, ",")
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Name, categories, format, strings.TrimPrefix(e.Page, "https://"), probe)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if len(hits) > maxCatalogHits {
				fmt.Fprintf(out, "… and %d more; make the query longer to narrow it\n", len(hits)-maxCatalogHits)
			}
			if q == "" {
				fmt.Fprintf(out, "\n%d more status pages are in the directory: vendorwatch catalog QUERY searches them.\n", cat.DirectorySize())
			}
			if fromDirectory > 0 {
				fmt.Fprintf(out, "\n%d from the directory (format detected on first use); its data comes from\nstatusphere (MIT, Copyright (c) 2024 Metoro Inc.) and multi-status (MIT, Copyright (c) 2026 Lars Windolf).\n", fromDirectory)
			}
			return nil
		},
	}
}
