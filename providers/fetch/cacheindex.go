package fetch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/zstdpack"
)

// IndexFile, in the store's directory, holds the header of every stored
// entry, so a process learns every validator with one read instead of
// opening a file per status source (at 5,000 sources, 5,000 opens and
// header decodes were a tenth of a warm --once's CPU).
//
// The index is a cache of the files' headers, never their authority: an
// entry missing from it is read from its file (and added), and an entry
// another process has rewritten since can only be older than its file.
// An older entry is safe: its validators name a document the server
// confirms with a 304 or replaces with a 200, its Digest names that same
// document, and a stored body read for it is checked against the entry
// (Cache.body), so a mismatch costs a download, never a wrong document.
// It is written, through the redactor, when a round of reads ends and
// something in it changed: a round in which every document answered 304
// writes nothing.
const IndexFile = "index"

// indexEntry is one line of the index: an entry's header, and when a
// 304 last renewed its file's time (touch), so the renewal is decided
// without a stat.
type indexEntry struct {
	cacheEntry
	Used time.Time `json:"used,omitzero"`
}

// loadIndex reads the index once; c.mu is held. A line that cannot be
// read is skipped: its entry is read from its file.
func (c *Cache) loadIndex() {
	if c.indexed || c.dir == "" {
		return
	}
	c.indexed = true
	c.index = map[string]indexEntry{}
	b, err := os.ReadFile(filepath.Join(c.dir, IndexFile))
	if err != nil {
		return
	}
	if zstdpack.Is(b) {
		if b, err = zstdpack.Unpack(nil, b); err != nil {
			c.indexDirty = true // rewritten; every entry is read from its file
			return
		}
	}
	for line := range bytes.Lines(b) {
		var e indexEntry
		if json.Unmarshal(line, &e) != nil || e.check(e.URL) != nil {
			c.indexDirty = true // rewritten without it
			continue
		}
		c.index[e.URL] = e
	}
}

// fromIndex returns url's entry from the index.
func (c *Cache) fromIndex(url string) (indexEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loadIndex()
	e, ok := c.index[url]
	return e, ok
}

// setIndex records e (nil: forgets url) in the index.
func (c *Cache) setIndex(url string, e *cacheEntry, used time.Time) {
	if c.dir == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loadIndex()
	if e == nil {
		if _, ok := c.index[url]; ok {
			delete(c.index, url)
			c.indexDirty = true
		}
		return
	}
	c.index[url] = indexEntry{cacheEntry: *e, Used: used}
	c.indexDirty = true
}

// dropFromIndex forgets the entries whose files (or packs) prune removed.
func (c *Cache) dropFromIndex(removed map[string]bool) {
	if len(removed) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loadIndex()
	for url, e := range c.index {
		if removed[c.fileName(url)] || (e.Pack != "" && removed[filepath.Join(c.dir, e.Pack)]) {
			delete(c.index, url)
			c.indexDirty = true
		}
	}
}

// Flush writes the index when it changed since it was read or last
// written; entries held until Settle are not in it yet. A failure to
// write costs the next process a read of each file.
func (c *Cache) Flush() {
	if c == nil || c.dir == "" {
		return
	}
	c.mu.Lock()
	if c.holding || !c.indexDirty {
		c.mu.Unlock()
		return
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	enc := json.NewEncoder(w)
	for _, e := range c.index {
		if enc.Encode(e) != nil {
			c.mu.Unlock()
			return
		}
	}
	w.Flush()
	c.indexDirty = false
	c.mu.Unlock()
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return
	}
	// The lines pass the redactor, then are compressed into one zstd
	// frame, which the redactor could not read (2 MB to 0.1 MB at the
	// benchmark's 5,000 sources; URLs and validators repeat their shape).
	lines := buf.Bytes()
	if redact.Active() {
		lines = redact.Bytes(lines)
	}
	if atomicfile.Write(filepath.Join(c.dir, IndexFile), atomicfile.Options{Redacted: true}, zstdpack.Append(nil, lines)) != nil {
		c.mu.Lock()
		c.indexDirty = true
		c.mu.Unlock()
	}
}
