package fetch

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/zstdpack"
)

// A new process learns every validator from the index alone: with the
// entry file's header unreadable, its requests are still conditional
// and a 304 is still answered by name (the Digest), without a download.
func TestIndexAnswersWithoutTheFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const url = "https://status.example.test/api/v2/summary.json"
	c := NewCache(dir, nil)
	c.put(url, http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"d1"`}}, Body: lazyDoc, URL: url})
	c.Flush()

	// The entry's file no longer has a header to read: only the index
	// can name the validators.
	if err := os.WriteFile(c.fileName(url), []byte("not a header"), 0o600); err != nil {
		t.Fatal(err)
	}
	full := new(atomic.Int64)
	f := New(Options{Transport: notModifiedTransport{etag: `"d1"`, body: lazyDoc, full: full}})
	next := NewCache(dir, nil)
	resp, err := f.GetCachedLazy(context.Background(), next, url, nil)
	if err != nil || !resp.NotModified || full.Load() != 0 {
		t.Fatalf("GetCachedLazy = %+v, %v, %d downloads; want a 304 named from the index", resp, err, full.Load())
	}
	if resp.Digest() != DigestOf(lazyDoc) {
		t.Error("the document is named otherwise than in its 200")
	}
}

// The index changes only when an entry does: a round in which every
// document answered 304 does not write it; a stored document, a
// forgotten one and an entry read from its file (one the index missed)
// do.
func TestIndexWrittenOnlyWhenChanged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	index := filepath.Join(dir, IndexFile)
	const a, b = "https://a.example.test/s.json", "https://b.example.test/s.json"
	c := NewCache(dir, nil)
	c.put(a, http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"d1"`}}, Body: lazyDoc, URL: a})
	c.Flush()
	first, err := os.Stat(index)
	if err != nil {
		t.Fatalf("no index after a stored document: %v", err)
	}

	f := New(Options{Transport: notModifiedTransport{etag: `"d1"`, body: lazyDoc}})
	warm := NewCache(dir, nil)
	for range 3 {
		if resp, err := f.GetCachedLazy(context.Background(), warm, a, nil); err != nil || !resp.NotModified {
			t.Fatalf("%+v, %v", resp, err)
		}
	}
	warm.Flush()
	if again, err := os.Stat(index); err != nil || !os.SameFile(first, again) || !again.ModTime().Equal(first.ModTime()) {
		t.Fatalf("a round of 304s rewrote the index: %v", err)
	}

	// An entry the index lacks (written by a version without one) is
	// read from its file once, and the index gains it.
	other := NewCache(dir, nil)
	other.put(b, http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"d2"`}}, Body: lazyDoc, URL: b})
	// other never flushes: the index on disk lacks b.
	reader := NewCache(dir, nil)
	if e := reader.get(b); e == nil || e.ETag != `"d2"` {
		t.Fatalf("the entry missing from the index was not read from its file: %+v", e)
	}
	reader.Flush()
	raw, err := readIndex(index)
	if err != nil || !strings.Contains(string(raw), b) || !strings.Contains(string(raw), a) {
		t.Fatalf("index after reading b's file: %s, %v; want both entries", raw, err)
	}

	reader.forget(a)
	reader.Flush()
	if raw, _ := readIndex(index); strings.Contains(string(raw), a) {
		t.Errorf("a forgotten entry stayed in the index: %s", raw)
	}
}

// Pruning removes entries' files and their lines in the index with them.
func TestIndexFollowsPruning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := NewCache(dir, nil)
	c.minEntries, c.minBudget = 2, 1
	for _, u := range []string{"https://a.example.test/1", "https://a.example.test/2", "https://a.example.test/3", "https://a.example.test/4"} {
		c.mu.Lock()
		c.prunedAt = c.prunedAt.AddDate(-1, 0, 0) // prune before every write
		c.mu.Unlock()
		c.put(u, http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"x"`}}, Body: lazyDoc, URL: u})
	}
	c.Flush()
	ents, _ := os.ReadDir(dir)
	files := map[string]bool{}
	for _, e := range ents {
		files[e.Name()] = true
	}
	if !files[IndexFile] {
		t.Fatal("pruning removed the index")
	}
	kept := NewCache(dir, nil)
	kept.mu.Lock()
	kept.loadIndex()
	for url := range kept.index {
		if !files[filepath.Base(kept.fileName(url))] {
			t.Errorf("the index keeps %s, whose file was pruned", url)
		}
	}
	n := len(kept.index)
	kept.mu.Unlock()
	if n == 0 || n >= 4 {
		t.Errorf("index holds %d entries after pruning to 2 files", n)
	}
}

// readIndex is the index file's lines, decompressed.
func readIndex(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil || !zstdpack.Is(b) {
		return b, err
	}
	return zstdpack.Unpack(nil, b)
}

// The index is compressed after its lines pass the redactor: a validator
// that echoes a key is blanked in it, and the index reads back. Without
// the redactor first, the compressed file would hide the key from it.
func TestIndexIsRedactedThenPacked(t *testing.T) {
	t.Parallel()
	key := fixture.RetellKey // registered by no other test of this package
	redact.Register(key)
	dir := t.TempDir()
	c := NewCache(dir, nil)
	urls := make([]string, 50)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://status%d.example.test/api/v2/summary.json", i)
		c.put(urls[i], http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"` + key + `"`}}, Body: lazyDoc, URL: urls[i]})
	}
	c.Flush()
	raw, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if err != nil || !zstdpack.Is(raw) {
		t.Fatalf("the index is not one zstd frame: %v", err)
	}
	lines, err := readIndex(filepath.Join(dir, IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(lines, []byte(key[4:16])) {
		t.Fatal("the index holds the key a validator echoed")
	}
	if len(raw)*3 > len(lines) {
		t.Errorf("the index is %d bytes for %d of lines, want a third or less", len(raw), len(lines))
	}
	next := NewCache(dir, nil)
	e, ok := next.fromIndex(urls[7])
	if !ok || !strings.Contains(e.ETag, redact.Placeholder) {
		t.Errorf("the index does not read back with the validator blanked: %+v, %v", e, ok)
	}
}
