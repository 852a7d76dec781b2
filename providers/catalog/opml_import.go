package catalog

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/vendorwatch/vendorwatch/config"
)

// WriteImport prints the vendors for feeds as config YAML and returns
// how many it printed. Feeds of one vendor (same page) become one entry.
func WriteImport(w io.Writer, file string, feeds []OPMLFeed, cat *Catalog, existing map[string]bool) (int, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# Vendors imported by vendorwatch import-opml from %s.\n", quote(file))
	b.WriteString("# Paste the entries under vendors: in your config; vendorwatch check-config validates it.\n")
	b.WriteString("vendors:\n")
	used := map[string]bool{}
	pages := map[string]bool{}
	n := 0
	var skipped []string
	for _, fd := range feeds {
		page, sources, err := FeedVendor(fd.URL, true)
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
			if c, found := cat.Get(Slug(fd.Title)); found && Slug(fd.Title) != "" &&
				(c.ID == Slug(fd.Title) || Slug(c.Name) == Slug(fd.Title)) {
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
		name := cmp.Or(fd.Title, u.Host)
		if config.LooksLikeKey(name) {
			// A title that only looks like a key once it is a whole value
			// (ParseOPML left out what looked like one in the text).
			name = id
		}
		fmt.Fprintf(&b, "  - id: %s%s\n    name: %s\n    status:\n", id, comment, quote(name))
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
// uses for another vendor, nor one the config would refuse as looking
// like a key (a title "sk 00000000" slugs to sk-00000000); "" when the
// vendor is already in the config.
func importID(title, page string, cat *Catalog, used, existing map[string]bool) string {
	for _, c := range []string{HostID(page), Slug(title)} {
		if c == "" || config.LooksLikeKey(c) {
			continue
		}
		if existing[c] {
			return "" // already watched under this id
		}
		if !used[c] && !cat.Has(c) {
			return c
		}
	}
	free := func(c string) bool { return !used[c] && !cat.Has(c) && !existing[c] }
	base := Slug(title)
	if base == "" || config.LooksLikeKey(base) {
		base = "feed"
	}
	if free(base) {
		return base // "feed": the title's slug, when usable, was tried above
	}
	for i := 2; ; i++ {
		if c := fmt.Sprintf("%s-%d", base, i); free(c) {
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
