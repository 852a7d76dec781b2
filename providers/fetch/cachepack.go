package fetch

import (
	"crypto/rand"
	"encoding/hex"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
)

// A store's first check holds every document until its keys are resolved
// (Hold, Settle), then writes them all at once. One file per document
// costs a file creation each, which is what a cold check of thousands of
// sources spends most of its time on: on an ext4 without a journal, half
// a millisecond to a millisecond of kernel time each, one after another
// in the same directory. Written together, the bodies go into one pack
// file instead, each entry's header in the index naming the pack and the
// body's offset. An entry written later, alone (a document that changed),
// gets its own file again; the pack stays while any entry of the index
// names it, and prune removes it once none does.

// packMin is how many entries Settle writes into a pack rather than into
// a file each: two already save a file's creation, which costs as much
// kernel time as writing hundreds of kilobytes. A cold --once over 10
// vendors wrote ten files into http/.
const packMin = 2

// packPrefix starts a pack's name in the store's directory.
const packPrefix = "pack-"

// packGrace is how old a pack must be before prune removes it for want of
// an entry naming it: another process may have written it and not yet
// its index.
const packGrace = time.Hour

// writePack writes entries' bodies into a new pack, each through the
// redactor (cacheEntry.redacted, as writeFile), and records them in the
// index as stored there.
func (c *Cache) writePack(entries map[string]*cacheEntry) error {
	c.prune()
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return err
	}
	name := packPrefix + hex.EncodeToString(id[:])
	headers := make([]cacheEntry, 0, len(entries))
	bodies := make([][]byte, 0, len(entries))
	var off int64
	for _, e := range entries {
		h := *e.redacted()
		body := h.body
		// A Bodiless entry names the pack too, holding none of it: the
		// pack's time, renewed by its entries' 304s, keeps it from pruning.
		h.body, h.Pack, h.Off = nil, name, off
		off += int64(len(body))
		headers = append(headers, h)
		if len(body) > 0 {
			bodies = append(bodies, body)
		}
	}
	if err := atomicfile.Write(filepath.Join(c.dir, name), atomicfile.Options{Redacted: true}, bodies...); err != nil {
		return err
	}
	now := c.now()
	for i := range headers {
		if old, ok := c.fromIndex(headers[i].URL); ok && old.Pack == "" {
			os.Remove(c.fileName(headers[i].URL)) // the document's earlier file
		}
		c.setIndex(headers[i].URL, &headers[i], now)
	}
	return nil
}

// packBody reads e's body from its pack, or nil when the pack no longer
// holds it whole.
func (c *Cache) packBody(e *cacheEntry) []byte {
	f, err := os.Open(filepath.Join(c.dir, filepath.Base(e.Pack)))
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, e.Len)
	if _, err := f.ReadAt(b, e.Off); err != nil && e.Len > 0 {
		return nil
	}
	if crc32.ChecksumIEEE(b) != e.CRC || (e.CRC32C != 0 && crc32.Checksum(b, castagnoli()) != e.CRC32C) {
		return nil
	}
	return b
}

// isPack reports whether name, in the store's directory, is a pack.
func isPack(name string) bool { return strings.HasPrefix(name, packPrefix) }

// packsInUse is the packs the index names.
func (c *Cache) packsInUse() map[string]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loadIndex()
	used := map[string]bool{}
	for _, e := range c.index {
		if e.Pack != "" {
			used[e.Pack] = true
		}
	}
	return used
}
