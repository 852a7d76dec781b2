package fetch

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// packedStore holds n documents in a store, as a first check does, and
// settles it: they go into one pack. It returns the store, the URLs and
// their bodies.
func packedStore(t *testing.T, n int, echo string) (*Cache, []string, [][]byte) {
	t.Helper()
	c := NewCache(t.TempDir(), nil)
	c.Hold()
	var urls []string
	var bodies [][]byte
	for i := range n {
		url := fmt.Sprintf("https://status%d.example/api/v2/summary.json", i)
		body := []byte(fmt.Sprintf(`{"page":%d,"echo":%q}`, i, echo))
		c.put(url, http.Header{}, &Response{StatusCode: 200, Header: http.Header{"Etag": {fmt.Sprintf(`"v%d"`, i)}}, Body: body, URL: url})
		urls, bodies = append(urls, url), append(bodies, body)
	}
	c.Settle()
	return c, urls, bodies
}

// storeFiles lists the store's files but its index.
func storeFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if e.Name() != IndexFile {
			names = append(names, e.Name())
		}
	}
	return names
}

// A first check's documents are written as one pack, not a file each, and
// a new process reads every one back, validators and body.
func TestSettleWritesOnePack(t *testing.T) {
	t.Parallel()
	c, urls, bodies := packedStore(t, 40, "")
	files := storeFiles(t, c.dir)
	if len(files) != 1 || !isPack(files[0]) {
		t.Fatalf("the settled store holds %v besides its index, want one pack", files)
	}
	next := NewCache(c.dir, nil)
	for i, url := range urls {
		e := next.get(url)
		if e == nil || e.ETag != fmt.Sprintf(`"v%d"`, i) {
			t.Fatalf("entry %d: %+v, want its validators", i, e)
		}
		if b := next.body(e); !bytes.Equal(b, bodies[i]) {
			t.Fatalf("entry %d reads back %q, want %q", i, b, bodies[i])
		}
	}
	// A few entries stay in files of their own.
	few, _, _ := packedStore(t, packMin-1, "")
	if files := storeFiles(t, few.dir); len(files) != packMin-1 || slices.ContainsFunc(files, isPack) {
		t.Errorf("%d entries were written as %v, want a file each", packMin-1, files)
	}
}

// A packed body that was damaged is not read: the caller downloads the
// document again, and the pack's other entries still read back.
func TestPackedBodyDamaged(t *testing.T) {
	t.Parallel()
	c, urls, bodies := packedStore(t, 20, "")
	e := c.get(urls[3])
	pack := filepath.Join(c.dir, e.Pack)
	b, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	b[e.Off+2] ^= 0xff
	if err := os.WriteFile(pack, b, 0o600); err != nil {
		t.Fatal(err)
	}
	next := NewCache(c.dir, nil)
	if got := next.body(next.get(urls[3])); got != nil {
		t.Errorf("a damaged packed body read back as %q", got)
	}
	if got := next.body(next.get(urls[4])); !bytes.Equal(got, bodies[4]) {
		t.Errorf("the next entry of a damaged pack reads %q, want %q", got, bodies[4])
	}
}

// A document that changes later gets a file of its own; the pack keeps
// serving the others, until no entry names it and prune removes it.
func TestPackOutlivedByItsEntries(t *testing.T) {
	t.Parallel()
	c, urls, bodies := packedStore(t, 20, "")
	pack := c.get(urls[0]).Pack
	changed := []byte(`{"page":0,"changed":true}`)
	c.put(urls[0], http.Header{}, &Response{StatusCode: 200, Header: http.Header{"Etag": {`"w0"`}}, Body: changed, URL: urls[0]})
	c.Flush()
	next := NewCache(c.dir, nil)
	if e := next.get(urls[0]); e == nil || e.Pack != "" || !bytes.Equal(next.body(e), changed) {
		t.Fatalf("the changed document: %+v, want its own file with the new body", e)
	}
	if e := next.get(urls[1]); e == nil || !bytes.Equal(next.body(e), bodies[1]) {
		t.Fatal("an unchanged document no longer reads from the pack")
	}
	old := time.Now().Add(-2 * packGrace)
	if err := os.Chtimes(filepath.Join(c.dir, pack), old, old); err != nil {
		t.Fatal(err)
	}
	next.prune()
	if _, err := os.Stat(filepath.Join(c.dir, pack)); err != nil {
		t.Fatalf("prune removed a pack the index still names: %v", err)
	}
	for _, url := range urls[1:] {
		next.forget(url)
	}
	next.Flush()
	last := NewCache(c.dir, nil)
	last.prune()
	if _, err := os.Stat(filepath.Join(c.dir, pack)); err == nil {
		t.Error("prune kept a pack no entry names")
	}
	if e := last.get(urls[0]); e == nil || !bytes.Equal(last.body(e), changed) {
		t.Error("prune took the changed document's own file")
	}
}

// A pack is written through the redactor, each body on its own: a page
// that echoes a key is kept blanked, and reads back whole.
func TestPackHoldsNoKey(t *testing.T) {
	t.Parallel()
	key := fixture.CohereKey // registered by no other test of this package
	redact.Register(key)
	c, urls, _ := packedStore(t, 20, key)
	files := storeFiles(t, c.dir)
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	b, err := os.ReadFile(filepath.Join(c.dir, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(key[8:20])) {
		t.Fatal("the pack holds the key a page echoed")
	}
	next := NewCache(c.dir, nil)
	if e := next.get(urls[5]); e == nil || next.body(e) == nil {
		t.Error("a blanked body does not read back whole")
	}
}
