package fetch

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// lazyStore is a store on disk holding doc for url, and a client whose
// server confirms it with a 304 (and sends doc in full otherwise,
// counted in full).
func lazyStore(t *testing.T, doc []byte) (*Client, *Cache, string, *atomic.Int64) {
	t.Helper()
	const url = "https://status.example.test/api/v2/summary.json"
	c := NewCache(t.TempDir(), nil)
	c.put(url, http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"d1"`}}, Body: doc, URL: url})
	full := new(atomic.Int64)
	return New(Options{Transport: notModifiedTransport{etag: `"d1"`, body: doc, full: full}}), c, url, full
}

var lazyDoc = []byte(`{"status":{"indicator":"none","description":"All Systems Operational"}}`)

// A 304 from GetCachedLazy names the stored document by the digest the
// same bytes have in a 200, without reading the body; Load reads it.
func TestLazyNotModifiedReadsNoBody(t *testing.T) {
	t.Parallel()
	f, c, url, _ := lazyStore(t, lazyDoc)
	resp, err := f.GetCachedLazy(context.Background(), c, url, nil)
	if err != nil || !resp.NotModified || resp.Body != nil {
		t.Fatalf("GetCachedLazy = %+v, %v; want a 304 without its body", resp, err)
	}
	if got, want := resp.Digest(), DigestOf(lazyDoc); got != want {
		t.Errorf("digest of the stored body %+v, want %+v as from a 200", got, want)
	}
	if n := c.BodyReads(); n != 0 {
		t.Fatalf("%d stored bodies read before Load", n)
	}
	full, err := resp.Load(context.Background())
	if err != nil || !full.NotModified || !bytes.Equal(full.Body, lazyDoc) {
		t.Fatalf("Load = %+v, %v; want the stored body", full, err)
	}
	if n := c.BodyReads(); n != 1 {
		t.Errorf("%d stored bodies read by Load, want 1", n)
	}
	if again, _ := full.Load(context.Background()); again != full || c.BodyReads() != 1 {
		t.Error("Load of a response with its body read the store again")
	}
}

// A body held in memory until Settle is the answer itself; an entry
// written before the store kept the Castagnoli checksum has its body read
// at once to name it. Both name the document as a 200 would.
func TestLazyFallsBackToTheBody(t *testing.T) {
	t.Parallel()
	t.Run("held", func(t *testing.T) {
		t.Parallel()
		const url = "https://status.example.test/held.json"
		c := NewCache(t.TempDir(), nil)
		c.Hold()
		c.put(url, http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"d1"`}}, Body: lazyDoc, URL: url})
		f := New(Options{Transport: notModifiedTransport{etag: `"d1"`, body: lazyDoc}})
		resp, err := f.GetCachedLazy(context.Background(), c, url, nil)
		if err != nil || !resp.NotModified || !bytes.Equal(resp.Body, lazyDoc) || c.BodyReads() != 0 {
			t.Fatalf("held entry: %+v, %v, %d reads; want the body from memory", resp, err, c.BodyReads())
		}
		if resp.Digest() != DigestOf(lazyDoc) {
			t.Error("the held body is named otherwise than in a 200")
		}
	})
	t.Run("older entry", func(t *testing.T) {
		t.Parallel()
		f, c, url, _ := lazyStore(t, lazyDoc)
		name := c.fileName(url)
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := bytes.Cut(b, []byte{'\n'})
		i := bytes.Index(head, []byte(`,"crc32c":`))
		if i < 0 {
			t.Fatalf("no crc32c in %s", head)
		}
		j := i + 1 + bytes.IndexAny(head[i+1:], ",}")
		old := append(append(append([]byte{}, head[:i]...), head[j:]...), '\n')
		if err := os.WriteFile(name, append(old, body...), 0o600); err != nil {
			t.Fatal(err)
		}
		// An older version kept no index: a new store reads the file.
		os.Remove(filepath.Join(c.dir, IndexFile))
		c = NewCache(c.dir, nil)
		resp, err := f.GetCachedLazy(context.Background(), c, url, nil)
		if err != nil || !resp.NotModified || !bytes.Equal(resp.Body, lazyDoc) || c.BodyReads() != 1 {
			t.Fatalf("older entry (%s): %+v, %v, %d reads; want its body read at once", old, resp, err, c.BodyReads())
		}
		if resp.Digest() != DigestOf(lazyDoc) {
			t.Error("the older entry's body is named otherwise than in a 200")
		}
	})
}

// A stored body damaged in place is found when Load reads it and never
// returned: the entry is forgotten, the document downloaded in full (not
// NotModified) and stored again whole.
func TestLazyDamagedBodyFetchedInFull(t *testing.T) {
	t.Parallel()
	f, c, url, full := lazyStore(t, lazyDoc)
	name := c.fileName(url)
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-5] ^= 0x01 // same length: only the checksums see it
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	resp, err := f.GetCachedLazy(context.Background(), c, url, nil)
	if err != nil || !resp.NotModified || resp.Body != nil {
		t.Fatalf("GetCachedLazy = %+v, %v", resp, err)
	}
	got, err := resp.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.NotModified || got.StatusCode != http.StatusOK || !bytes.Equal(got.Body, lazyDoc) || full.Load() != 1 {
		t.Fatalf("Load of a damaged body = %d %q (not modified %v, %d full answers); want the document downloaded in full", got.StatusCode, got.Body, got.NotModified, full.Load())
	}
	if e := c.get(url); e == nil || !bytes.Equal(c.body(e), lazyDoc) {
		t.Error("the damaged entry was not stored again whole")
	}
}

// A 304 that names another ETag than the stored one is not trusted by
// GetCachedLazy either: the document is downloaded in full.
func TestLazyDoubtfulNotModified(t *testing.T) {
	t.Parallel()
	const url = "https://status.example.test/doubt.json"
	c := NewCache(t.TempDir(), nil)
	c.put(url, http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"d1"`}}, Body: lazyDoc, URL: url})
	newer := []byte(strings.Replace(string(lazyDoc), "none", "minor", 1))
	full := new(atomic.Int64)
	// The server holds "d2" but answers the conditional request with a
	// 304 naming it (as a broken cache in front of it may).
	f := New(Options{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.Header.Get("If-None-Match") != "" {
			req = req.Clone(req.Context())
			req.Header.Set("If-None-Match", `"d2"`)
		}
		return notModifiedTransport{etag: `"d2"`, body: newer, full: full}.RoundTrip(req)
	})})
	resp, err := f.GetCachedLazy(context.Background(), c, url, nil)
	if err != nil || resp.NotModified || !bytes.Equal(resp.Body, newer) || full.Load() != 1 {
		t.Fatalf("doubtful 304: %+v, %v; want the new document in full", resp, err)
	}
}

// roundTripFunc is a transport written as a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
