package catalog

import (
	"slices"
	"strings"
)

// How well an entry matches a query, best first. A category match ranks
// just below an exact name: "voice" lists the voice vendors before any
// vendor whose name merely contains the word.
const (
	rankExact          = 100 // the id, an alias or the name
	rankCategory       = 90  // minus the category's position in the entry's list
	rankPrefix         = 50  // the id, an alias or the name starts with the query
	rankCategoryPrefix = 45  // a category starts with the query ("tele")
	rankContains       = 40  // the id, an alias or the name contains the query
	rankPage           = 10  // the status page's URL contains the query
)

// Search returns the entries whose id, alias, name, category or page
// matches query (case-insensitive), best first. Every curated entry comes
// before every directory entry; among curated entries an exact name
// ranks first, then a category match (an entry whose first category
// matches before one where it matches later), then a name that starts
// with the query, then one that contains it, then the page; ties keep
// catalog order. An empty query lists the curated entries.
func (c *Catalog) Search(query string) []Entry {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return c.All()
	}
	type hit struct {
		e       Entry
		curated bool
		rank    int
	}
	var hits []hit
	add := func(e Entry, curated bool) {
		if r := matchRank(e, q); r > 0 {
			hits = append(hits, hit{e, curated, r})
		}
	}
	for _, e := range c.entries {
		add(e, true)
	}
	if c.dir != nil {
		for _, e := range c.dir().entries {
			if _, curated := c.byName[e.ID]; !curated {
				add(e, false)
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.curated != b.curated {
			if a.curated {
				return -1
			}
			return 1
		}
		return b.rank - a.rank
	})
	out := make([]Entry, len(hits))
	for i, h := range hits {
		out[i] = h.e
	}
	return out
}

// matchRank is how well e matches the lower-case query q; 0 is no match.
func matchRank(e Entry, q string) int {
	rank := 0
	for _, name := range append([]string{e.ID, strings.ToLower(e.Name)}, e.Aliases...) {
		name = strings.ToLower(name)
		switch {
		case name == q:
			rank = max(rank, rankExact)
		case strings.HasPrefix(name, q):
			rank = max(rank, rankPrefix)
		case strings.Contains(name, q):
			rank = max(rank, rankContains)
		}
	}
	for i, cat := range e.Categories {
		switch {
		case cat == q:
			rank = max(rank, rankCategory-i)
		case len(q) >= 3 && strings.HasPrefix(cat, q):
			rank = max(rank, rankCategoryPrefix)
		}
	}
	if rank == 0 && strings.Contains(strings.ToLower(e.Page), q) {
		rank = rankPage
	}
	return rank
}
