// Command gendirectory builds providers/catalog/directory.tsv, the directory of
// status pages behind the curated catalog, from two public lists:
//
//   - metoro-io/statusphere common/status_pages/status_pages.go (MIT,
//     Copyright (c) 2024 Metoro Inc.): about 1,400 {URL, Name} pairs;
//   - lwindolf/multi-status frontend/feeds.opml (MIT; "all data JSON are
//     considered public domain", Copyright (c) 2026 Lars Windolf): 178
//     status feeds.
//
// Run it from providers/catalog/ (go generate does):
//
//	go run ./internal/gendirectory -statusphere status_pages.go -opml feeds.opml -catalog catalog.yaml -o directory.tsv
//
// -statusphere also accepts a JSON list of {"name", "url"} objects.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

type record struct {
	name, page, feed, origin string
	aliases                  []string
	id                       string
}

func main() {
	sp := flag.String("statusphere", "", "statusphere status_pages.go (or a JSON list of {name, url})")
	opml := flag.String("opml", "", "multi-status feeds.opml")
	catalog := flag.String("catalog", "catalog.yaml", "the curated catalog, whose vendors the directory leaves out")
	out := flag.String("o", "directory.tsv", "output file")
	flag.Parse()
	if *sp == "" || *opml == "" {
		fmt.Fprintln(os.Stderr, "gendirectory: -statusphere and -opml are required (under go generate: set STATUSPHERE_GO and MULTISTATUS_OPML, see providers/catalog/SOURCES.md; to rebuild only catalog_gen.go: go generate -run gencatalog ./providers/catalog)")
		os.Exit(2)
	}
	if err := run(*sp, *opml, *catalog, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendirectory:", err)
		os.Exit(1)
	}
}

func run(spPath, opmlPath, catalogPath, outPath string) error {
	pages, err := readStatusphere(spPath)
	if err != nil {
		return err
	}
	f, err := os.Open(opmlPath)
	if err != nil {
		return err
	}
	feeds, err := catalog.ParseOPML(f)
	f.Close()
	if err != nil {
		return err
	}
	cb, err := os.ReadFile(catalogPath)
	if err != nil {
		return err
	}
	cat, err := catalog.Parse(cb)
	if err != nil {
		return err
	}
	curatedHosts := map[string]bool{}
	taken := map[string]bool{}
	for _, e := range cat.All() {
		curatedHosts[host(e.Page)] = true
		for _, s := range e.Status {
			curatedHosts[host(s.URL)] = true
		}
		taken[e.ID] = true
		for _, a := range e.Aliases {
			taken[a] = true
		}
	}

	var recs []*record
	var dropped []string
	byPage := map[string]*record{}
	for _, p := range pages {
		page, ok := normalize(p[0])
		if !ok || byPage[page] != nil {
			continue
		}
		if why := catalog.NotAStatusPage(page); why != "" {
			dropped = append(dropped, fmt.Sprintf("%s\t%s\t%s", clean(p[1]), page, why))
			byPage[page] = &record{} // the same link again is dropped silently
			continue
		}
		r := &record{name: clean(p[1]), page: page, origin: catalog.OriginStatusphere}
		byPage[page] = r
		recs = append(recs, r)
	}
	for _, fd := range feeds {
		page, sources, err := catalog.FeedVendor(fd.URL, false)
		if err != nil {
			continue
		}
		feed := ""
		if len(sources) > 1 {
			feed = sources[1].URL
		}
		if why := catalog.NotAStatusPage(page); why != "" {
			dropped = append(dropped, fmt.Sprintf("%s\t%s\t%s", clean(fd.Title), page, why))
			continue
		}
		if r := byPage[page]; r != nil {
			if r.page == "" {
				continue // a page dropped above
			}
			if r.feed == "" {
				r.feed = feed
			}
			r.origin = mergeOrigins(r.origin, catalog.OriginMultiStatus)
			continue
		}
		r := &record{name: clean(fd.Title), page: page, feed: feed, origin: catalog.OriginMultiStatus}
		byPage[page] = r
		recs = append(recs, r)
	}

	curatedNames := maps.Clone(taken)
	var keep []*record
	byName := map[string]*record{}
	for _, r := range recs {
		slug := catalog.Slug(r.name)
		if curatedHosts[host(r.page)] || slug == "" || curatedNames[slug] || curatedNames[compact(slug)] {
			continue // a curated vendor under another host (twilio.statuspage.io)
		}
		// The same vendor twice (Discord from both lists, "Circle CI" and
		// "circleci", Google Workspace's page and its feed) is kept once,
		// with the feed.
		key := compact(slug)
		if first := byName[key]; first != nil {
			if first.feed == "" {
				first.feed = r.feed
			}
			first.origin = mergeOrigins(first.origin, r.origin)
			continue
		}
		byName[key] = r
		r.id = pickID(r, taken)
		taken[r.id] = true
		keep = append(keep, r)
	}
	// The name's slug is an alias (circle-ci for circleci) unless it is
	// another vendor's id.
	for _, r := range keep {
		if a := catalog.Slug(r.name); a != "" && a != r.id && !taken[a] {
			r.aliases = append(r.aliases, a)
			taken[a] = true
		}
	}
	slices.SortFunc(keep, func(a, b *record) int { return strings.Compare(a.id, b.id) })

	var b strings.Builder
	b.WriteString(header)
	for _, r := range keep {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\n", r.id, r.name, r.page, r.feed, r.origin, strings.Join(r.aliases, ","))
	}
	// What was left out, and why (catalog.NotAStatusPage), as comments the
	// reader skips.
	slices.Sort(dropped)
	if len(dropped) > 0 {
		b.WriteString("# Left out, not status pages (name, link, reason):\n")
		for _, d := range dropped {
			b.WriteString("#   " + d + "\n")
		}
	}
	return os.WriteFile(outPath, []byte(b.String()), 0o644)
}

const header = `# vendorwatch directory of status pages: id, name, page, feed, origin, aliases (tab-separated).
# Generated by providers/internal/gendirectory; do not edit by hand.
# Sources and licences:
#   statusphere: metoro-io/statusphere common/status_pages/status_pages.go, MIT licence,
#     Copyright (c) 2024 Metoro Inc. (https://github.com/metoro-io/statusphere)
#   multi-status: lwindolf/multi-status frontend/feeds.opml, MIT licence; "all data JSON are
#     considered public domain", Copyright (c) 2026 Lars Windolf (https://github.com/lwindolf/multi-status)
`

// pickID prefers the page's host label, then the name's slug, then a
// numbered slug.
func pickID(r *record, taken map[string]bool) string {
	u, _ := url.Parse(r.page)
	var cands []string
	if u != nil && strings.Trim(u.Path, "/") == "" {
		cands = append(cands, catalog.HostID(r.page))
	}
	cands = append(cands, catalog.Slug(r.name))
	if u != nil {
		// elastic.co after elastic.io took "elastic": elastic-co.
		h := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(u.Hostname()), "www."), "status.")
		cands = append(cands, catalog.Slug(h))
	}
	for _, c := range cands {
		if c != "" && !taken[c] {
			return c
		}
	}
	base := cands[len(cands)-1]
	if base == "" {
		base = "vendor"
	}
	for n := 2; ; n++ {
		if c := fmt.Sprintf("%s-%d", base, n); !taken[c] {
			return c
		}
	}
}

// readStatusphere returns the {URL, Name} pairs of statusphere's list,
// from its Go source or a JSON export.
func readStatusphere(path string) ([][2]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(path, ".json") {
		var list []struct{ Name, URL string }
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, err
		}
		out := make([][2]string, 0, len(list))
		for _, p := range list {
			out = append(out, [2]string{p.URL, p.Name})
		}
		return out, nil
	}
	file, err := parser.ParseFile(token.NewFileSet(), path, data, 0)
	if err != nil {
		return nil, err
	}
	var out [][2]string
	ast.Inspect(file, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		var u, name string
		for _, el := range lit.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			key, _ := kv.Key.(*ast.Ident)
			val, _ := kv.Value.(*ast.BasicLit)
			if key == nil || val == nil || val.Kind != token.STRING {
				continue
			}
			s, err := strconv.Unquote(val.Value)
			if err != nil {
				continue
			}
			switch key.Name {
			case "URL":
				u = s
			case "Name":
				name = s
			}
		}
		if u != "" && name != "" {
			out = append(out, [2]string{u, name})
			return false
		}
		return true
	})
	return out, nil
}

// normalize cleans a page URL: https, no fragment, no trailing slash, and
// no query or language-only path (catalog.DirectoryPage). Links to
// statusgator are not status pages.
func normalize(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", false
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || strings.Contains(u.Host, "statusgator.com") {
		return "", false
	}
	u.Scheme, u.Host, u.Fragment, u.RawFragment = "https", strings.ToLower(u.Host), "", ""
	if u.Path == "/" {
		u.Path = ""
	}
	return catalog.DirectoryPage(strings.TrimSuffix(u.String(), "/")), true
}

func host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// mergeOrigins joins origin lists ("statusphere+multi-status") without
// repeats.
func mergeOrigins(a, b string) string {
	out := strings.Split(a, "+")
	for _, o := range strings.Split(b, "+") {
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return strings.Join(out, "+")
}

// compact is a slug without its dashes: "circle-ci" and "circleci" are
// one vendor.
func compact(slug string) string { return strings.ReplaceAll(slug, "-", "") }

func clean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
