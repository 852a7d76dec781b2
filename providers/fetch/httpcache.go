package fetch

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// CacheDir is the validator store's directory in the state dir.
const CacheDir = "http"

// absentFor is how long a sibling document that answered 404 is not asked
// for again (incident.io serves no unresolved.json).
const absentFor = time.Hour

// cacheEntry is what the store keeps for one status URL: the validators
// the server sent with the document, and the document itself, so a 304
// answer can be read as if the body had come again. An entry with Absent
// set records a 404 instead, until Until. A Bodiless entry keeps the
// validators and the document's Digest without the document: its reader
// kept what it read from it (Unneeded), and a 304 is of use only to a
// reader that still has that (GetCachedKnown).
type cacheEntry struct {
	V            int       `json:"v"`
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	ContentType  string    `json:"content_type,omitempty"`
	FinalURL     string    `json:"final_url,omitempty"`
	Stored       time.Time `json:"stored"`
	Len          int       `json:"len"`
	CRC          uint32    `json:"crc32"`
	// CRC32C is the body's Castagnoli checksum, so a 304 can name the
	// document (Digest) from the header alone. Zero means unknown: an
	// entry written before it was kept, whose body is read to name it.
	CRC32C uint32    `json:"crc32c,omitempty"`
	Absent bool      `json:"absent,omitempty"`
	Until  time.Time `json:"until,omitzero"`
	// Pack names the pack file that holds the body, at Off, when the entry
	// was written with many others at once (cachepack.go); "" means its
	// own file.
	Pack string `json:"pack,omitempty"`
	Off  int64  `json:"off,omitempty"`
	// Bodiless says the document itself is not stored: Len and the
	// checksums name it, nothing holds it.
	Bodiless bool `json:"bodiless,omitempty"`

	body []byte
}

// httpCache is the validator store: one small file per URL in the state
// dir, so a separate process (the next --once, the tmux refresh) sends
// If-None-Match and If-Modified-Since and reuses the stored document on a
// 304. Without a directory it lives in memory, for the process's life.
//
// Each file is a JSON header line followed by the body; the header names
// the body (its length and two checksums), so a 304 can be answered
// without reading it (GetCachedLazy). Files are written atomically (a
// temporary file renamed over the old one); one that cannot be read,
// names another URL, is not as long as its header says or has a body
// that fails its checksums when it is read is ignored and removed, so a
// damaged store costs one full download, never a wrong answer or an
// error. Only status documents are stored: requests that carry a key never
// come here.
type Cache struct {
	dir string
	now func() time.Time
	// sources is how many status sources the store serves (SetSources).
	// minEntries, minBudget and maxBudget bound it (cacheMinEntries,
	// cacheMinBudget, cacheMaxBudget; tests shrink them).
	sources, minEntries  int
	minBudget, maxBudget int64

	mu  sync.Mutex
	mem map[string]*cacheEntry // when dir is "", and with a dir until settled
	// holding says entries wait in mem (Hold) until the process has
	// resolved its keys (Settle): before that the redactor every file
	// passes through cannot blank a key a page echoes.
	holding  bool
	prunedAt time.Time
	// index is the headers of the stored entries by URL (IndexFile),
	// read once (indexed); indexDirty says it changed since.
	index               map[string]indexEntry
	indexed, indexDirty bool
	// bodyReads counts the bodies read from files (BodyReads).
	bodyReads atomic.Int64
}

// NewCache returns the store in dir ("" keeps it in memory). now is its
// clock for the absence of sibling documents (time.Now when nil).
func NewCache(dir string, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{dir: dir, now: now, minEntries: cacheMinEntries, minBudget: cacheMinBudget, maxBudget: cacheMaxBudget, mem: map[string]*cacheEntry{}}
}

// fileName is where url's entry lives.
func (c *Cache) fileName(url string) string {
	sum := sha256.Sum256([]byte(url))
	return filepath.Join(c.dir, hex.EncodeToString(sum[:16]))
}

// get returns the stored entry of url without its body, or nil. The body
// is read only when a caller needs it after a 304 (body, through
// Response.Load), so a check does not hold every stored document in
// memory while its requests are in flight, and one whose model is known
// never reads it.
func (c *Cache) get(url string) *cacheEntry {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	e, held := c.mem[url]
	c.mu.Unlock()
	if held || c.dir == "" {
		return e
	}
	if ie, ok := c.fromIndex(url); ok {
		e := ie.cacheEntry
		return &e
	}
	name := c.fileName(url)
	f, err := os.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	head, err := bufio.NewReaderSize(f, 1024).ReadSlice('\n')
	if err != nil {
		os.Remove(name) // damaged (or a header over 1 KiB): the next full answer rewrites it
		return nil
	}
	var stored cacheEntry
	if err := json.Unmarshal(head, &stored); err != nil || stored.check(url) != nil {
		os.Remove(name)
		return nil
	}
	// A file shorter or longer than its header says has lost its body (or
	// part of it): the entry is absent, and this check downloads the
	// document in full. One fstat of the open file, where reading the body
	// would cost its whole length.
	fi, err := f.Stat()
	if err != nil || fi.Size() != int64(len(head))+stored.storedLen() {
		os.Remove(name)
		return nil
	}
	c.setIndex(url, &stored, fi.ModTime())
	return &stored
}

// check tells whether a decoded header is a whole entry of url.
func (e *cacheEntry) check(url string) error {
	switch {
	case e.V != 1:
		return fmt.Errorf("version %d", e.V)
	case e.URL != url:
		return errors.New("another URL")
	case !e.Absent && e.ETag == "" && e.LastModified == "":
		return errors.New("no validators")
	case e.Len < 0 || e.Len > maxCachedBody:
		return errors.New("bad length")
	case e.Pack != "" && (!isPack(e.Pack) || filepath.Base(e.Pack) != e.Pack || e.Off < 0):
		return errors.New("bad pack")
	}
	return nil
}

// storedLen is how many bytes of the document the entry's file or pack
// holds: all of them, or none when it is Bodiless.
func (e *cacheEntry) storedLen() int64 {
	if e.Bodiless {
		return 0
	}
	return int64(e.Len)
}

// digest names the entry's document.
func (e *cacheEntry) digest() Digest {
	return Digest{Len: e.Len, IEEE: e.CRC, Castagnoli: e.CRC32C}
}

// conditional adds the entry's validators to a request's headers.
func (e *cacheEntry) conditional(h http.Header) {
	if e.ETag != "" {
		h.Set("If-None-Match", e.ETag)
	}
	if e.LastModified != "" {
		h.Set("If-Modified-Since", e.LastModified)
	}
}

// confirms reports whether a 304 answer is about the stored document: a
// validator the 304 names must equal the stored one. A server that answers
// 304 with another ETag or a later Last-Modified has a document we do not
// hold; the caller then fetches it in full.
func (e *cacheEntry) confirms(h http.Header) bool {
	if e.ETag == "" && e.LastModified == "" {
		return false
	}
	if tag := h.Get("ETag"); tag != "" && e.ETag != "" && weak(tag) != weak(e.ETag) {
		return false
	}
	if lm := h.Get("Last-Modified"); lm != "" && e.LastModified != "" && lm != e.LastModified {
		a, err1 := http.ParseTime(lm)
		b, err2 := http.ParseTime(e.LastModified)
		if err1 != nil || err2 != nil || !a.Equal(b) {
			return false
		}
	}
	return true
}

// weak drops the W/ prefix: If-None-Match compares weakly (RFC 9110 §13.1.2).
func weak(tag string) string { return strings.TrimPrefix(strings.TrimSpace(tag), "W/") }

// credentialHeaders carry a credential: an answer to a request with one
// is never stored.
var credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Xi-Api-Key", "X-Goog-Api-Key", "Api-Key"}

// storable reports whether a full answer may be kept and revalidated: a
// 200 with a validator, a body within the limit, no Authorization in the
// request, and nothing forbidding a store (no-store, Vary: *).
func storable(req http.Header, resp *Response) bool {
	if resp.StatusCode != http.StatusOK || len(resp.Body) > maxCachedBody {
		return false
	}
	for _, h := range credentialHeaders {
		if req.Get(h) != "" {
			return false
		}
	}
	if resp.Header.Get("ETag") == "" && resp.Header.Get("Last-Modified") == "" {
		return false
	}
	for _, cc := range resp.Header.Values("Cache-Control") {
		if strings.Contains(strings.ToLower(cc), "no-store") {
			return false
		}
	}
	for _, v := range resp.Header.Values("Vary") {
		if strings.TrimSpace(v) == "*" {
			return false
		}
	}
	return true
}

// put stores a full answer, or forgets url when the answer cannot be
// stored. A failure to write is not an error for the check: the document
// was read; the next check downloads it again.
func (c *Cache) put(url string, req http.Header, resp *Response) {
	if c == nil {
		return
	}
	if !storable(req, resp) {
		c.forget(url)
		return
	}
	c.write(&cacheEntry{
		V: 1, URL: url,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  resp.Header.Get("Content-Type"),
		FinalURL:     resp.URL,
		Stored:       c.now().UTC(),
		body:         resp.Body,
	})
}

// MarkAbsent records that url answered 404 or 410.
func (c *Cache) MarkAbsent(url string) {
	if c == nil {
		return
	}
	now := c.now().UTC()
	c.write(&cacheEntry{V: 1, URL: url, Absent: true, Stored: now, Until: now.Add(absentFor)})
}

// Absent reports whether url answered 404 recently.
func (c *Cache) Absent(url string) bool {
	e := c.get(url)
	return e != nil && e.Absent && c.now().Before(e.Until)
}

// forget drops url's entry.
func (c *Cache) forget(url string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.mem, url)
	c.mu.Unlock()
	if c.dir != "" {
		os.Remove(c.fileName(url))
		c.setIndex(url, nil, time.Time{})
	}
}

func (c *Cache) write(e *cacheEntry) {
	d := DigestOf(e.body)
	e.Len, e.CRC, e.CRC32C = d.Len, d.IEEE, d.Castagnoli
	c.mu.Lock()
	if c.dir == "" || c.holding {
		c.mem[e.URL] = e
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.writeFile(e)
}

// Hold keeps new entries in memory until Settle: a process whose keys
// are resolved beside its first status reads (the probes run at the same
// time) holds them, so no file is written before the redactor knows
// every key.
func (c *Cache) Hold() {
	if c == nil || c.dir == "" {
		return
	}
	c.mu.Lock()
	c.holding = true
	c.mu.Unlock()
}

// Settle tells the store that the process has resolved its keys (its
// first probes are done), so every file written from now on passes a
// redactor that knows them: the entries held until then are written, in
// one pack when there are many (a first check).
func (c *Cache) Settle() {
	if c == nil || c.dir == "" {
		return
	}
	c.mu.Lock()
	c.holding = false
	held := c.mem
	c.mem = map[string]*cacheEntry{}
	c.mu.Unlock()
	if len(held) >= packMin && c.writePack(held) == nil {
		c.Flush()
		return
	}
	for _, e := range held {
		c.writeFile(e)
	}
	c.Flush()
}

// Unneeded tells the store that its reader keeps what it read from url's
// document named by d (statusread's models), so the store need not keep
// the document itself. An entry still held in memory (a first check,
// before Settle) lets its body go and is written as its validators and
// Digest alone: a first check over thousands of sources then neither
// holds every document until its end nor writes them all to the disk,
// and a 304 is answered with the Digest, by which the reader finds its
// model. An entry already written is left as it is, and a store without
// a directory keeps its bodies: nothing else would.
func (c *Cache) Unneeded(url string, d Digest) {
	if c == nil || c.dir == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.mem[url]; ok && !e.Absent && !e.Bodiless && e.digest() == d {
		// A copy: a reader may hold the entry get returned.
		bodiless := *e
		bodiless.body, bodiless.Bodiless = nil, true
		c.mem[url] = &bodiless
	}
}

// writeFile writes e to its file (through atomicfile, which redacts).
func (c *Cache) writeFile(e *cacheEntry) {
	e = e.redacted()
	head, err := json.Marshal(e)
	if err != nil {
		return
	}
	c.prune()
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return
	}
	if atomicfile.Write(c.fileName(e.URL), atomicfile.Options{}, append(head, '\n'), e.body) != nil {
		c.setIndex(e.URL, nil, time.Time{})
		return
	}
	header := *e
	header.body = nil
	c.setIndex(e.URL, &header, c.now())
}

// redacted is e as the store writes it: its body as the redactor leaves
// it (a page that echoes a key), and its header describing those bytes,
// so the entry reads back whole and names the document it holds.
func (e *cacheEntry) redacted() *cacheEntry {
	body := redact.Bytes(e.body)
	if bytes.Equal(body, e.body) {
		return e
	}
	blanked := *e
	blanked.body = body
	d := DigestOf(body)
	blanked.Len, blanked.CRC, blanked.CRC32C = d.Len, d.IEEE, d.Castagnoli
	return &blanked
}

// touch marks url's entry as used, so pruning by age spares a document
// that is revalidated every minute but has not changed for a month. An
// entry marked within touchEvery is left alone: a change of a file's
// times is a write to the disk too (its inode), and an unchanged round
// over thousands of sources should write next to nothing.
func (c *Cache) touch(url string) {
	if c == nil || c.dir == "" {
		return
	}
	now := c.now()
	ie, indexed := c.fromIndex(url)
	name := c.fileName(url)
	if indexed && ie.Pack != "" {
		name = filepath.Join(c.dir, ie.Pack) // used by any of its entries, the pack stays
	}
	if indexed && now.Sub(ie.Used) < touchEvery {
		return // renewed within the day, as the index says: no stat
	}
	if fi, err := os.Stat(name); err == nil && now.Sub(fi.ModTime()) < touchEvery {
		if indexed {
			c.setIndex(url, &ie.cacheEntry, fi.ModTime())
		}
		return
	}
	if os.Chtimes(name, now, now) == nil && indexed {
		c.setIndex(url, &ie.cacheEntry, now)
	}
}
