package catalog

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/vendorwatch/vendorwatch/statuspage"
)

// The directory is the long tail of the catalog: about 1,050 vendors with
// a status page and no curated entry, usable by id in the config with
// their format detected on first use. It is generated from two public
// lists (see directory.tsv's header for the attribution):
//
//   - metoro-io/statusphere common/status_pages/status_pages.go, MIT
//     licence, Copyright (c) 2024 Metoro Inc.;
//   - lwindolf/multi-status frontend/feeds.opml, MIT licence, "all data
//     JSON are considered public domain", Copyright (c) 2026 Lars Windolf.
//
// It is parsed only when a lookup misses the curated catalog, so commands
// that never need it (the tmux line) do not pay for it.
//
//go:generate go run ./internal/gendirectory -statusphere $STATUSPHERE_GO -opml $MULTISTATUS_OPML -catalog catalog.yaml -o directory.tsv

//go:embed directory.tsv
var directoryTSV []byte

// Origins of directory entries, for the catalog's attribution column.
const (
	OriginStatusphere = "statusphere"
	OriginMultiStatus = "multi-status"
)

// directory is the parsed directory.tsv.
type directory struct {
	entries []Entry
	byName  map[string]int // ids and aliases
}

// builtinDirectory parses the embedded directory once, on first use.
var builtinDirectory = sync.OnceValue(func() *directory { return parseDirectory(directoryTSV) })

// parseDirectory reads the TSV: id, name, page, feed, origin and aliases
// (comma-separated) per line; lines starting with # are comments. A
// malformed line is skipped: the directory is best effort, the curated
// catalog is checked by tests. Every field is a substring of one copy of
// data and every entry's sources share one array, so a process that needs
// the directory pays a handful of allocations for it, not several per line.
func parseDirectory(data []byte) *directory {
	text := string(data)
	lines := strings.Count(text, "\n") + 1
	d := &directory{entries: make([]Entry, 0, lines), byName: make(map[string]int, 2*lines)}
	// Pages and feeds are https URLs after a tab: room for them all (an
	// http one grows the array, and the entries before keep the old one).
	sources := make([]SourceSpec, 0, strings.Count(text, "\thttps://"))
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var f [6]string
		n := 0
		for field := range strings.SplitSeq(line, "\t") {
			if n < len(f) {
				f[n] = field
			}
			n++
		}
		if n < 5 || f[0] == "" || f[2] == "" {
			continue
		}
		if _, dup := d.byName[f[0]]; dup {
			continue
		}
		first := len(sources)
		sources = append(sources, SourceSpec{URL: f[2]})
		if f[3] != "" {
			sources = append(sources, SourceSpec{URL: f[3], Format: statuspage.Feed})
		}
		// The full slice expression keeps an append to one entry's
		// sources from writing over the next entry's.
		e := Entry{ID: f[0], Name: f[1], Page: f[2], Origin: f[4], Status: sources[first:len(sources):len(sources)]}
		if f[5] != "" {
			e.Aliases = strings.Split(f[5], ",")
		}
		i := len(d.entries)
		d.entries = append(d.entries, e)
		d.byName[e.ID] = i
		for _, name := range e.Aliases {
			if _, taken := d.byName[name]; !taken {
				d.byName[name] = i
			}
		}
	}
	return d
}

func (d *directory) get(id string) (Entry, bool) {
	i, ok := d.byName[strings.ToLower(id)]
	if !ok {
		return Entry{}, false
	}
	return d.entries[i], true
}

// ByHost returns the catalog vendor whose status page or status source is
// on host (curated first, then the directory), so a feed someone follows
// can be matched to the vendor vendorwatch already knows.
func (c *Catalog) ByHost(host string) (Entry, bool) {
	host = strings.ToLower(strings.TrimPrefix(host, "www."))
	match := func(e Entry) bool {
		if hostOf(e.Page) == host {
			return true
		}
		for _, s := range e.Status {
			if hostOf(s.URL) == host {
				return true
			}
		}
		return false
	}
	for _, e := range c.entries {
		if match(e) {
			return e, true
		}
	}
	if c.dir != nil {
		for _, e := range c.dir().entries {
			if _, curated := c.byName[e.ID]; !curated && match(e) {
				return e, true
			}
		}
	}
	return Entry{}, false
}

func hostOf(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	h, _, _ := strings.Cut(rest, "/")
	h, _, _ = strings.Cut(h, ":")
	return strings.ToLower(strings.TrimPrefix(h, "www."))
}
