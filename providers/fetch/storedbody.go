package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"net/http"
	"os"
	"sync"
)

// Digest names a document's bytes without holding them: their length and
// two CRC-32 checksums (IEEE and Castagnoli, 64 bits between them, both
// computed in hardware). The same bytes have the same Digest whether they
// came in a 200 or from the store behind a 304, so a model parsed from
// one is found again from the other.
type Digest struct {
	Len              int
	IEEE, Castagnoli uint32
}

// castagnoli is the Castagnoli polynomial's table, made the first time a
// body is summed: every process starts with the package, most never sum
// a body (a 304 whose model is stored reads none), and the table costs a
// tenth of a millisecond to make.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// DigestOf computes the Digest of b.
func DigestOf(b []byte) Digest {
	return Digest{Len: len(b), IEEE: crc32.ChecksumIEEE(b), Castagnoli: crc32.Checksum(b, castagnoli())}
}

// storedBody is the document behind a 304 whose body was not read
// (GetCachedLazy): the stored entry that names it, and what is needed to
// download the document in full should the stored copy fail its check.
type storedBody struct {
	client *Client
	cache  *Cache
	entry  *cacheEntry
	header http.Header
	digest Digest
}

// Digest names r's body: taken from the stored entry's header when the
// body was not read, computed from Body otherwise.
func (r *Response) Digest() Digest {
	if r.stored != nil {
		return r.stored.digest
	}
	return DigestOf(r.Body)
}

// Load returns r with its body. A response that has one is returned as
// it is. A 304 answered from the store without its body (GetCachedLazy)
// reads it now; a stored body that fails its length or checksums is never
// returned: the entry is forgotten and the document downloaded in full, as
// GetCached does, so a damaged store costs one download, never a wrong
// answer. The answer of that download is returned whatever its status;
// its NotModified is false.
func (r *Response) Load(ctx context.Context) (*Response, error) {
	s := r.stored
	if s == nil {
		return r, nil
	}
	if body := s.cache.body(s.entry); body != nil {
		full := *r
		full.Body, full.stored = body, nil
		return &full, nil
	}
	s.cache.forget(s.entry.URL)
	resp, err := s.client.Get(ctx, s.entry.URL, s.header)
	if err != nil {
		return nil, err
	}
	s.cache.keep(s.entry.URL, s.header, resp)
	return resp, nil
}

// body returns the stored document of e, or nil when the file no longer
// holds it: damaged, or replaced by another process since get (another
// document, whose validators or checksums differ). The caller then
// fetches the document in full.
func (c *Cache) body(e *cacheEntry) []byte {
	if c.dir == "" || e.body != nil || e.Bodiless {
		return e.body // in memory, waiting for Settle, or not kept
	}
	c.bodyReads.Add(1)
	if e.Pack != "" {
		return c.packBody(e)
	}
	name := c.fileName(e.URL)
	b, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	got, err := decodeEntry(b, e.URL)
	if err != nil {
		os.Remove(name)
		return nil
	}
	if got.ETag != e.ETag || got.LastModified != e.LastModified || got.Len != e.Len || got.CRC != e.CRC || got.CRC32C != e.CRC32C {
		return nil
	}
	return got.body
}

// BodyReads is how many stored bodies the store has read from its files:
// a 304 whose model is known reads none (tests and benchmarks count them).
func (c *Cache) BodyReads() int64 {
	if c == nil {
		return 0
	}
	return c.bodyReads.Load()
}

// decodeEntry reads a whole stored file and checks it belongs to url and
// its body is intact.
func decodeEntry(b []byte, url string) (*cacheEntry, error) {
	head, body, ok := bytes.Cut(b, []byte{'\n'})
	if !ok {
		return nil, errors.New("no header")
	}
	var e cacheEntry
	if err := json.Unmarshal(head, &e); err != nil {
		return nil, err
	}
	if err := e.check(url); err != nil {
		return nil, err
	}
	if e.Len != len(body) || crc32.ChecksumIEEE(body) != e.CRC || (e.CRC32C != 0 && crc32.Checksum(body, castagnoli()) != e.CRC32C) {
		return nil, errors.New("body damaged")
	}
	e.body = body
	return &e, nil
}
