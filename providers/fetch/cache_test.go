package fetch

import (
	"net/http"
	"os"
	"testing"
	"time"
)

// The store keeps within its budget, dropping the oldest entries first.
func TestCachePrune(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := NewCache(dir, nil)
	c.budget, c.maxEntries = 1<<20, 8
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
