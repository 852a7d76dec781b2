package fetch

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// The store keeps within its budget, dropping the oldest entries first.
func TestCachePrune(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := NewCache(dir, nil)
	c.minBudget, c.minEntries = 1<<20, 8
	now := time.Now()
	c.prunedAt = now // no pruning while the store fills
	for i := range 12 {
		url := "https://status.example/" + string(rune('a'+i))
		c.put(url, http.Header{}, &Response{StatusCode: 200, Header: http.Header{"Etag": {`"x"`}}, Body: []byte("{}"), URL: url})
		at := now.Add(time.Duration(i-12) * time.Minute)
		os.Chtimes(c.fileName(url), at, at)
	}
	c.prunedAt = time.Time{}
	c.prune()
	ents, _ := os.ReadDir(dir)
	if len(ents) > 6 {
		t.Errorf("%d entries after pruning, want at most 6 (3/4 of 8)", len(ents))
	}
	if c.get("https://status.example/l") == nil {
		t.Error("the newest entry was pruned")
	}
	if c.get("https://status.example/a") != nil {
		t.Error("the oldest entry survived")
	}
}

// An answer to a request that carried credentials is never stored.
func TestCacheNeverStoresCredentials(t *testing.T) {
	resp := &Response{StatusCode: 200, Header: http.Header{"Etag": {`"x"`}}, Body: []byte("{}")}
	for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key"} {
		if storable(http.Header{h: {"secret"}}, resp) {
			t.Errorf("an answer to a request with %s is storable", h)
		}
	}
	if !storable(http.Header{}, resp) {
		t.Error("a plain status document is not storable")
	}
}

// sizedCache is a store in dir for sources, with entries of size bytes
// written newest last, a minute apart.
func sizedCache(t *testing.T, dir string, sources, entries, size int) *Cache {
	t.Helper()
	c := NewCache(dir, nil)
	c.SetSources(sources)
	now := time.Now()
	c.prunedAt = now // no pruning while the store fills
	body := make([]byte, size)
	for i := range entries {
		url := fmt.Sprintf("https://status%d.example/api/v2/summary.json", i)
		c.put(url, http.Header{}, &Response{StatusCode: 200, Header: http.Header{"Etag": {`"x"`}}, Body: body, URL: url})
		at := now.Add(time.Duration(i-entries) * time.Minute)
		os.Chtimes(c.fileName(url), at, at)
	}
	c.prunedAt = time.Time{}
	return c
}

// storeBytes is the size of the files in dir.
func storeBytes(t *testing.T, dir string) (total int64, files int) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		total += info.Size()
	}
	return total, len(ents)
}

// The byte budget follows what the sources store: 40 sources of 8 KiB
// each keep all their documents under a floor of 64 KiB, where a fixed
// budget would prune them; but however large the pages grow, the store
// stays within its ceiling, keeping the newest.
func TestCacheBudgetFollowsSources(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := sizedCache(t, dir, 40, 40, 8<<10)
	c.minBudget = 64 << 10
	c.prune()
	if _, files := storeBytes(t, dir); files != 40 {
		t.Errorf("%d of 40 working documents kept, want all", files)
	}

	dir = t.TempDir()
	c = sizedCache(t, dir, 40, 40, 32<<10) // 1.3 MiB of hostile pages
	c.minBudget, c.maxBudget = 64<<10, 256<<10
	c.prune()
	total, files := storeBytes(t, dir)
	if total > 256<<10 {
		t.Errorf("the store holds %d bytes, over its ceiling of %d", total, 256<<10)
	}
	if files == 0 || c.get("https://status39.example/api/v2/summary.json") == nil {
		t.Errorf("the newest entry was pruned (%d files left)", files)
	}
}

// At 5,000 sources every repeat request is conditional after one document
// changed: the store, sized from the sources, keeps every validator where
// a fixed cap of 2,048 entries pruned most of them at the first write.
// Each run is a new Client and store over the same directory, as each
// --once is a new process.
func TestCacheConditionalAtScale(t *testing.T) {
	t.Parallel()
	const sources = 5000
	var version atomic.Int32 // of document 0; the others never change
	var conditional, notModified atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tag := `"v1"`
		if r.URL.Path == "/doc/0" {
			tag = fmt.Sprintf(`"v%d"`, 1+version.Load())
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			conditional.Add(1)
			if inm == tag {
				notModified.Add(1)
				w.Header().Set("ETag", tag)
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Header().Set("ETag", tag)
		fmt.Fprintf(w, `{"page":%q}`, r.URL.Path)
	}))
	defer srv.Close()
	dir := t.TempDir()
	run := func() (cond, nm int32) {
		conditional.Store(0)
		notModified.Store(0)
		f := New(Options{Concurrency: 32})
		c := NewCache(dir, nil)
		c.SetSources(sources)
		next := make(chan int)
		var wg sync.WaitGroup
		for range 32 {
			wg.Go(func() {
				for i := range next {
					resp, err := f.GetCached(context.Background(), c, fmt.Sprintf("%s/doc/%d", srv.URL, i), nil)
					if err != nil || resp.StatusCode != 200 {
						t.Errorf("document %d: %v", i, err)
					}
				}
			})
		}
		for i := range sources {
			next <- i
		}
		close(next)
		wg.Wait()
		return conditional.Load(), notModified.Load()
	}
	run() // cold: every document stored
	version.Add(1)
	if cond, nm := run(); nm != sources-1 {
		t.Fatalf("after one document changed: %d conditional, %d answered 304; want %d 304s", cond, nm, sources-1)
	}
	if cond, nm := run(); cond != sources || nm != sources {
		t.Errorf("the run after: %d of %d requests conditional, %d answered 304; want all", cond, sources, nm)
	}
}

// An entry revalidated every round keeps its time for a day: renewing it
// on every 304 would write an inode a source a round. Past a day it is
// renewed, so pruning by age still spares it.
func TestCacheTouchesOnceADay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	c := NewCache(dir, func() time.Time { return now })
	url := "https://status.example/api/v2/summary.json"
	c.put(url, http.Header{}, &Response{StatusCode: 200, Header: http.Header{"Etag": {`"x"`}}, Body: []byte("{}"), URL: url})
	stamp := func(at time.Time) {
		if err := os.Chtimes(c.fileName(url), at, at); err != nil {
			t.Fatal(err)
		}
	}
	mtime := func() time.Time {
		fi, err := os.Stat(c.fileName(url))
		if err != nil {
			t.Fatal(err)
		}
		return fi.ModTime()
	}
	hourAgo := now.Add(-time.Hour).Truncate(time.Second)
	stamp(hourAgo)
	c.touch(url)
	if !mtime().Equal(hourAgo) {
		t.Errorf("an entry used an hour ago was touched again: %s", mtime())
	}
	// Two days later (the index remembers when the entry was last
	// renewed, so the clock says it, not the file).
	now = now.Add(48 * time.Hour)
	stamp(now.Add(-48 * time.Hour))
	c.touch(url)
	if now.Sub(mtime()) > time.Second {
		t.Errorf("an entry last used two days ago kept its time %s, want now", mtime())
	}
}

// A held store keeps what it is given in memory, readable, until Settle
// writes it; what it writes then passes the redactor with the keys
// registered meanwhile, so a document that echoes a key resolved after it
// arrived never reaches the disk with the key.
func TestCacheHoldsUntilSettled(t *testing.T) {
	t.Parallel()
	key := fixture.MistralKey // registered by no other test of this package
	dir := t.TempDir()
	c := NewCache(dir, nil)
	c.Hold()
	url := "https://status.example/api/v2/summary.json"
	c.put(url, http.Header{}, &Response{StatusCode: 200, Header: http.Header{"Etag": {`"x"`}}, Body: []byte(`{"echo":"` + key + `"}`), URL: url})
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("a held store wrote %d files", len(ents))
	}
	if e := c.get(url); e == nil || c.body(e) == nil {
		t.Fatal("a held entry cannot be read back in the process")
	}
	redact.Register(key)
	c.Settle()
	ents, _ := os.ReadDir(dir)
	ents = slices.DeleteFunc(ents, func(e os.DirEntry) bool { return e.Name() == IndexFile })
	if len(ents) != 1 {
		t.Fatalf("settled store holds %d files besides its index, want 1", len(ents))
	}
	b, err := os.ReadFile(filepath.Join(dir, ents[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	secret := key[8:20]
	if bytes.Contains(b, []byte(secret)) {
		t.Fatalf("the stored document holds the key")
	}
	// The header names the body as written, blanked: the entry reads
	// back whole, not as a damaged one to download again every time.
	next := NewCache(dir, nil)
	if e := next.get(url); e == nil || next.body(e) == nil {
		t.Error("a new process does not find the settled entry whole")
	}
}
