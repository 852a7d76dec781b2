package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
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
			f, err := os.Open(args[0])
			if err != nil {
				return &exitError{code: 3, err: err}
			}
			defer f.Close()
			feeds, err := catalog.ParseOPML(f)
			if err != nil {
				return &exitError{code: 3, err: fmt.Errorf("%s: %w", args[0], err)}
			}
			existing := map[string]bool{}
			if path, err := config.Locate(o.configPath); err == nil && path != "" {
				if cfg, err := config.Load(path, catalog.Builtin()); err == nil {
					for _, v := range cfg.Vendors {
						existing[v.ID] = true
					}
				}
			}
			n, err := writeImported(cmd.OutOrStdout(), args[0], feeds, catalog.Builtin(), existing)
			if err != nil {
				return &exitError{code: 3, err: err}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: %d feeds read, %d vendors printed\n", len(feeds), n)
			return nil
		},
	}
}

// writeImported prints the vendors for feeds as config YAML and returns
// how many it printed. Feeds of one vendor (same page) become one entry.
func writeImported(w io.Writer, file string, feeds []catalog.OPMLFeed, cat *catalog.Catalog, existing map[string]bool) (int, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# Vendors imported by vendorwatch import-opml from %s.\n", quote(file))
	b.WriteString("# Paste the entries under vendors: in your config; vendorwatch check-config validates it.\n")
	b.WriteString("vendors:\n")
	used := map[string]bool{}
	pages := map[string]bool{}
	n := 0
	var skipped []string
	for _, fd := range feeds {
		page, sources, err := catalog.FeedVendor(fd.URL, true)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s (%v)", fd.Title, err))
			continue
		}
		if pages[page] {
			continue
		}
		pages[page] = true
		u, _ := url.Parse(page)
		e, ok := cat.ByHost(u.Host)
		if !ok {
			// twilio.statuspage.io is Twilio's page too: a title that is a
			// catalog id or name is that vendor.
			if c, found := cat.Get(catalog.Slug(fd.Title)); found && catalog.Slug(fd.Title) != "" &&
				(c.ID == catalog.Slug(fd.Title) || catalog.Slug(c.Name) == catalog.Slug(fd.Title)) {
				e, ok = c, true
			}
		}
		if ok {
			if existing[e.ID] || used[e.ID] {
				continue
			}
			used[e.ID] = true
			fmt.Fprintf(&b, "  - id: %s # %s, from the catalog (%s)\n", e.ID, quote(e.Name), fd.URL)
			n++
			continue
		}
		id := importID(fd.Title, page, cat, used, existing)
		if id == "" {
			continue
		}
		used[id] = true
		comment := ""
		if fd.Category != "" {
			comment = " # " + fd.Category
		}
		fmt.Fprintf(&b, "  - id: %s%s\n    name: %s\n    status:\n", id, comment, quote(cmp.Or(fd.Title, u.Host)))
		for _, s := range sources {
			if s.Format == "" {
				fmt.Fprintf(&b, "      - url: %s # format detected\n", quote(s.URL))
			} else {
				fmt.Fprintf(&b, "      - url: %s\n        format: %s\n", quote(s.URL), s.Format)
			}
		}
		n++
	}
	for _, s := range skipped {
		fmt.Fprintf(&b, "# skipped: %s\n", s)
	}
	if n == 0 {
		b.WriteString("  [] # nothing new to import\n")
	}
	_, err := io.WriteString(w, b.String())
	return n, err
}

// importID picks a config id for an imported vendor: the page's host
// label or the title's slug, never one the catalog or the config already
// uses for another vendor; "" when the vendor is already in the config.
func importID(title, page string, cat *catalog.Catalog, used, existing map[string]bool) string {
	for _, c := range []string{catalog.HostID(page), catalog.Slug(title)} {
		if c == "" {
			continue
		}
		if existing[c] {
			return "" // already watched under this id
		}
		if !used[c] && !cat.Has(c) {
			return c
		}
	}
	base := catalog.Slug(title)
	if base == "" {
		base = "feed"
	}
	for i := 2; ; i++ {
		if c := fmt.Sprintf("%s-%d", base, i); !used[c] && !cat.Has(c) && !existing[c] {
			return c
		}
	}
}

// quote writes a string as a YAML double-quoted scalar (JSON's syntax is
// valid YAML), so titles with ":" or "#" stay strings.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
