package fetch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
)

// Limits of the validator store. A status document larger than
// maxCachedBody is always fetched in full. The store is sized from the
// status sources it serves (SetSources): it keeps entriesPerSource files a
// source, and twice the bytes its working set takes (the newest
// workingPerSource files a source), never less than cacheMinEntries files
// and cacheMinBudget bytes, and never more than cacheMaxEntries files and
// cacheMaxBudget bytes, whatever the config or the pages say. Past its
// limits it is pruned, oldest first; entries unused for cacheMaxAge are
// dropped.
const (
	maxCachedBody   = 2 << 20
	cacheMinEntries = 2048
	cacheMinBudget  = 32 << 20
	cacheMaxEntries = 100_000
	cacheMaxBudget  = 1 << 30
	cacheMaxAge     = 30 * 24 * time.Hour
	// touchEvery is how often an entry answered 304 has its time renewed:
	// often enough against cacheMaxAge and the budget's oldest-first
	// pruning, rarely enough that an unchanged round writes nothing.
	touchEvery = 24 * time.Hour
	// entriesPerSource leaves room for a source's document, its siblings
	// (a Statuspage summary's unresolved incidents and upcoming
	// maintenances) and what autodetection's candidates answered.
	entriesPerSource = 6
	// workingPerSource is how many of the newest files a source counts
	// as in use: its document and two siblings.
	workingPerSource = 3
)

// SetSources sizes the store for n status sources (the config's), so that
// every one of them keeps its validators and the next request to each is
// conditional, however many there are. Call it before the store is used;
// a few hundred sources or fewer keep the smallest size.
func (c *Cache) SetSources(n int) {
	if c != nil {
		c.sources = n
	}
}

// maxEntries is how many files the store keeps.
func (c *Cache) maxEntries() int {
	return min(max(c.sources*entriesPerSource, c.minEntries), cacheMaxEntries)
}

// budget is how many bytes the store keeps, given the sizes of its files
// newest first: twice what the working set takes, within minBudget and
// maxBudget. A source whose page grows is followed; one hostile page can
// take at most maxCachedBody of it, and all of them together maxBudget.
func (c *Cache) budget(newestFirst []int64) int64 {
	var working int64
	sources := max(c.sources, c.minEntries/entriesPerSource)
	for _, n := range newestFirst[:min(len(newestFirst), sources*workingPerSource)] {
		working += n
	}
	return min(max(2*working, c.minBudget), c.maxBudget)
}

// prune keeps the store within its limits, before the first write of a
// process and then at most hourly: entries unused for cacheMaxAge go, then
// the oldest until the store is within its budget (a pack counts as one
// file: removing it forgets its entries); temporary files left by a crash
// go too, and packs no entry names any more.
func (c *Cache) prune() {
	now := c.now()
	c.mu.Lock()
	due := now.Sub(c.prunedAt) >= time.Hour
	if due {
		c.prunedAt = now
	}
	c.mu.Unlock()
	if !due {
		return
	}
	ents, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	type file struct {
		name string
		size int64
		mod  time.Time
	}
	var files []file
	var total int64
	removed := map[string]bool{}
	defer func() { c.dropFromIndex(removed) }()
	var packs map[string]bool
	for _, de := range ents {
		info, err := de.Info()
		if err != nil || !info.Mode().IsRegular() || de.Name() == IndexFile {
			continue
		}
		name := filepath.Join(c.dir, de.Name())
		age := now.Sub(info.ModTime())
		unused := false
		if isPack(de.Name()) && age > packGrace {
			if packs == nil {
				packs = c.packsInUse()
			}
			unused = !packs[de.Name()]
		}
		if age > cacheMaxAge || unused || (atomicfile.IsTemp(de.Name()) && age > time.Hour) {
			os.Remove(name)
			removed[name] = true
			continue
		}
		files = append(files, file{name, info.Size(), info.ModTime()})
		total += info.Size()
	}
	slices.SortFunc(files, func(a, b file) int { return b.mod.Compare(a.mod) }) // newest first
	sizes := make([]int64, len(files))
	for i, f := range files {
		sizes[i] = f.size
	}
	budget, maxEntries := c.budget(sizes), c.maxEntries()
	if total <= budget && len(files) <= maxEntries {
		return
	}
	n := len(files)
	for _, f := range slices.Backward(files) { // oldest first
		if total <= budget*3/4 && n <= maxEntries*3/4 {
			break
		}
		if err := os.Remove(f.name); err == nil || errors.Is(err, fs.ErrNotExist) {
			total -= f.size
			n--
			removed[f.name] = true
		}
	}
}
