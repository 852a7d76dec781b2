package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vendorwatch/vendorwatch/app"
)

func newImportOPMLCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "import-opml FILE",
		Short: "Turn a feed reader's OPML export into config vendors (YAML on stdout)",
		Long: `Read the status feeds of an OPML file (a feed reader's export, multi-status's feeds.opml)
and print a vendors: list for the config on stdout. A feed whose host belongs to a vendor in
the catalog becomes "- id: ID", so its JSON status API is used; any other feed becomes a vendor
with its page (format detected) and the feed itself. Vendors already in the config are left
out. Nothing is written: review the output, then paste the entries under vendors:.`,
		Example: `  vendorwatch import-opml feeds.opml
  vendorwatch import-opml feeds.opml > imported.yaml && vendorwatch check-config --config imported.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			feeds, n, err := app.ImportOPML(cmd.OutOrStdout(), args[0], o.configPath)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: %d feeds read, %d vendors printed\n", feeds, n)
			return nil
		},
	}
}
