package statusread

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// checkOnce is one --once process: a new poller on the state dir.
func checkOnce(t *testing.T, state string, v catalog.Vendor) observe.VendorResult {
	t.Helper()
	r, _ := checkOnceWith(t, state, v)
	return r
}

// checkOnceWith is checkOnce, with the poller that checked.
func checkOnceWith(t *testing.T, state string, v catalog.Vendor) (observe.VendorResult, *testPoller) {
	t.Helper()
	p := newTestPoller([]catalog.Vendor{v}, testFetcher())
	p.SetStateDir(state)
	r, ok := p.Check(context.Background()).Vendor(v.ID)
	if !ok {
		t.Fatal("vendor missing from the snapshot")
	}
	return r, p
}

// sameStatus compares what a page said, leaving out how it was fetched.
func sameStatus(t *testing.T, got, want observe.Status) {
	t.Helper()
	strip := func(s observe.Status) observe.Status {
		s.CheckedAt = time.Time{}
		s.Sources = nil
		return s
	}
	g, w := strip(got), strip(want)
	if g.State != w.State || g.Description != w.Description || len(g.Components) != len(w.Components) ||
		len(g.Incidents) != len(w.Incidents) || len(g.Maintenances) != len(w.Maintenances) {
		t.Fatalf("status differs:\n got %+v\nwant %+v", g, w)
	}
	for i := range g.Incidents {
		if g.Incidents[i].ID != w.Incidents[i].ID || g.Incidents[i].LatestUpdate != w.Incidents[i].LatestUpdate {
			t.Errorf("incident %d differs: %+v vs %+v", i, g.Incidents[i], w.Incidents[i])
		}
	}
}

var may21 = time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)

// Separate processes on one state dir revalidate: the second sends the
// first's validators, the page answers 304, and the result is the same
// status, marked not_modified. When the page changes, the next check reads
// the new document, never the stored one.
func TestConditionalAcrossProcesses(t *testing.T) {
	t.Parallel()
	page := &vendortest.Page{}
	page.Set("anthropic__statuspage_summary_incident_investigating.json", `"v1"`, may21)
	srv := httptest.NewServer(page)
	defer srv.Close()
	state := t.TempDir()
	v := catalog.Vendor{ID: "anthropic", Name: "Anthropic", Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}}

	first := checkOnce(t, state, v)
	if h := page.Last(); h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
		t.Fatalf("first request was conditional: %v", h)
	}
	if first.Status.State != observe.Degraded || first.Status.Sources[0].NotModified {
		t.Fatalf("first = %s %+v", first.Status.State, first.Status.Sources)
	}

	second := checkOnce(t, state, v)
	h := page.Last()
	if h.Get("If-None-Match") != `"v1"` || h.Get("If-Modified-Since") != may21.Format(http.TimeFormat) {
		t.Fatalf("second request sent If-None-Match %q, If-Modified-Since %q", h.Get("If-None-Match"), h.Get("If-Modified-Since"))
	}
	if !second.Status.Sources[0].OK || !second.Status.Sources[0].NotModified {
		t.Fatalf("second source = %+v, want ok and not_modified", second.Status.Sources[0])
	}
	sameStatus(t, second.Status, first.Status)

	// The incident is resolved: a new document with a new ETag.
	page.Set("anthropic__statuspage_summary_none.json", `"v2"`, may21.Add(time.Hour))
	third := checkOnce(t, state, v)
	if page.Last().Get("If-None-Match") != `"v1"` {
		t.Fatalf("third request sent %q", page.Last().Get("If-None-Match"))
	}
	if third.Status.State != observe.Operational || third.Status.Sources[0].NotModified {
		t.Fatalf("third = %s %+v: the changed page was not read", third.Status.State, third.Status.Sources)
	}
	fourth := checkOnce(t, state, v)
	if page.Last().Get("If-None-Match") != `"v2"` || !fourth.Status.Sources[0].NotModified {
		t.Fatalf("fourth: sent %q, source %+v", page.Last().Get("If-None-Match"), fourth.Status.Sources[0])
	}
	sameStatus(t, fourth.Status, third.Status)
}

// A page that sends only Last-Modified is revalidated with
// If-Modified-Since alone.
func TestConditionalLastModifiedOnly(t *testing.T) {
	t.Parallel()
	page := &vendortest.Page{}
	page.Set("github__statuspage_status_none.json", "", may21)
	srv := httptest.NewServer(page)
	defer srv.Close()
	state := t.TempDir()
	v := catalog.Vendor{ID: "gh", Name: "GitHub", Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/status.json", Format: statuspage.Statuspage}}}
	first := checkOnce(t, state, v)
	second := checkOnce(t, state, v)
	h := page.Last()
	if h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != may21.Format(http.TimeFormat) {
		t.Fatalf("sent If-None-Match %q, If-Modified-Since %q", h.Get("If-None-Match"), h.Get("If-Modified-Since"))
	}
	if !second.Status.Sources[0].NotModified {
		t.Fatalf("source = %+v", second.Status.Sources[0])
	}
	sameStatus(t, second.Status, first.Status)
}

// When in doubt, fetch in full: a 304 that names another ETag than the
// stored one is not trusted, and a page without validators or marked
// no-store is never stored.
func TestConditionalDoubtFetchesInFull(t *testing.T) {
	t.Parallel()
	t.Run("304 with another etag", func(t *testing.T) {
		t.Parallel()
		page := &vendortest.Page{BadETag: `"other"`}
		page.Set("anthropic__statuspage_summary_none.json", `"v1"`, time.Time{})
		srv := httptest.NewServer(page)
		defer srv.Close()
		state := t.TempDir()
		v := catalog.Vendor{ID: "a", Name: "A", Sources: []catalog.SourceSpec{{URL: srv.URL + "/s.json", Format: statuspage.Statuspage}}}
		checkOnce(t, state, v)
		r := checkOnce(t, state, v)
		if n := len(page.Seen()); n != 3 {
			t.Fatalf("%d requests, want 3: the first, the conditional one, and a full one after the doubtful 304", n)
		}
		if h := page.Last(); h.Get("If-None-Match") != "" {
			t.Errorf("the refetch was conditional: %v", h)
		}
		if !r.Status.Sources[0].OK || r.Status.Sources[0].NotModified || r.Status.State != observe.Operational {
			t.Errorf("result = %s %+v", r.Status.State, r.Status.Sources[0])
		}
	})
	for name, page := range map[string]*vendortest.Page{
		"no validators": {},
		"no-store":      {ETag: `"v1"`, NoStore: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			page.Set("github__statuspage_status_none.json", page.ETag, time.Time{})
			srv := httptest.NewServer(page)
			defer srv.Close()
			state := t.TempDir()
			v := catalog.Vendor{ID: "a", Name: "A", Sources: []catalog.SourceSpec{{URL: srv.URL + "/s.json", Format: statuspage.Statuspage}}}
			checkOnce(t, state, v)
			checkOnce(t, state, v)
			if h := page.Last(); h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
				t.Errorf("conditional request for a page that may not be stored: %v", h)
			}
			if ents, _ := os.ReadDir(filepath.Join(state, fetch.CacheDir)); len(ents) != 0 {
				t.Errorf("stored %d entries", len(ents))
			}
		})
	}
}

// A damaged store is ignored and rewritten, never an error: a truncated
// entry, one that lost its body or part of it, one for another URL,
// garbage. Without the index (lost, or a store an older version wrote)
// these are found before any request: the entry is absent. With the
// index, TestConditionalCorruptStoreIndexed.
func TestConditionalCorruptStore(t *testing.T) {
	t.Parallel()
	for name, damage := range corruptions {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			page, state, v := storedPage(t)
			first := storedWithBody(t, page, state, v)
			damageEntry(t, state, v, damage)
			if err := os.Remove(filepath.Join(state, fetch.CacheDir, fetch.IndexFile)); err != nil {
				t.Fatalf("no index after a check: %v", err)
			}
			second := checkOnce(t, state, v)
			if !second.Status.Sources[0].OK || second.Status.Sources[0].NotModified {
				t.Fatalf("after damage: %+v", second.Status.Sources[0])
			}
			if h := page.Last(); h.Get("If-None-Match") != "" {
				t.Errorf("validators sent from a damaged entry: %v", h)
			}
			sameStatus(t, second.Status, first.Status)
			third := checkOnce(t, state, v) // the entry was rewritten
			if !third.Status.Sources[0].NotModified {
				t.Errorf("the damaged entry was not rewritten: %+v", third.Status.Sources[0])
			}
		})
	}
}

// corruptions are the ways a stored entry's file can be damaged.
var corruptions = map[string]func([]byte) []byte{
	"truncated":   func(b []byte) []byte { return b[:len(b)/2] },
	"body gone":   func(b []byte) []byte { return b[:bytes.IndexByte(b, '\n')+1] },
	"body cut":    func(b []byte) []byte { return b[:len(b)-1] },
	"body longer": func(b []byte) []byte { return append(b, ' ') },
	"garbage":     func([]byte) []byte { return []byte("\x00\x01not json\nat all") },
	"empty":       func([]byte) []byte { return nil },
	"another url": func(b []byte) []byte { return []byte(strings.Replace(string(b), "/s.json", "/t.json", 1)) },
}

// With the index intact, the validators come from it and the damaged
// file is found only when its body is needed: while the document's model
// is known the answer is that model, as the server confirmed; once it is
// not, the damaged file is never read as the document, which is
// downloaded in full in the same check and stored again (its validators
// and model: the next check is a 304).
func TestConditionalCorruptStoreIndexed(t *testing.T) {
	t.Parallel()
	for name, damage := range corruptions {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			page, state, v := storedPage(t)
			first := storedWithBody(t, page, state, v)
			damageEntry(t, state, v, damage)
			second := checkOnce(t, state, v)
			if !second.Status.Sources[0].OK || !second.Status.Sources[0].NotModified {
				t.Fatalf("model known: %+v, want the confirmed model", second.Status.Sources[0])
			}
			sameStatus(t, second.Status, first.Status)
			if err := os.Remove(filepath.Join(state, ModelsFile)); err != nil {
				t.Fatal(err)
			}
			third := checkOnce(t, state, v)
			if !third.Status.Sources[0].OK || third.Status.Sources[0].NotModified {
				t.Fatalf("model unknown: %+v, want the document downloaded in full", third.Status.Sources[0])
			}
			sameStatus(t, third.Status, first.Status)
			if fourth := checkOnce(t, state, v); !fourth.Status.Sources[0].NotModified {
				t.Errorf("the damaged entry was not rewritten: %+v", fourth.Status.Sources[0])
			}
		})
	}
}

// storedPage serves a Statuspage summary with validators, for a vendor
// read on a new state dir.
func storedPage(t *testing.T) (*vendortest.Page, string, catalog.Vendor) {
	t.Helper()
	page := &vendortest.Page{}
	page.Set("anthropic__statuspage_summary_incident_investigating.json", `"v1"`, may21)
	srv := httptest.NewServer(page)
	t.Cleanup(srv.Close)
	v := catalog.Vendor{ID: "a", Name: "A", Sources: []catalog.SourceSpec{{URL: srv.URL + "/s.json", Format: statuspage.Statuspage}}}
	return page, t.TempDir(), v
}

// storedWithBody leaves v's document stored with its body, as a running
// serve or dashboard does: a first check stores only its validators
// (the model stands for it), and a later check of the same process that
// finds the document changed writes the new one whole. The result is
// that later check's, the document the tests then damage.
func storedWithBody(t *testing.T, page *vendortest.Page, state string, v catalog.Vendor) observe.VendorResult {
	t.Helper()
	p := newTestPoller([]catalog.Vendor{v}, testFetcher())
	p.SetStateDir(state)
	p.Check(context.Background())
	page.Set("anthropic__statuspage_summary_none.json", `"v1"`, may21.Add(time.Hour))
	r, ok := p.Check(context.Background()).Vendor(v.ID)
	if !ok || !r.Status.Sources[0].OK || r.Status.Sources[0].NotModified {
		t.Fatalf("the changed document was not read: %+v", r.Status.Sources)
	}
	return r
}

// damageEntry rewrites the stored entry of v's source through damage.
func damageEntry(t *testing.T, state string, v catalog.Vendor, damage func([]byte) []byte) {
	t.Helper()
	sum := sha256.Sum256([]byte(v.Sources[0].URL))
	file := filepath.Join(state, fetch.CacheDir, hex.EncodeToString(sum[:16]))
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no stored entry: %v", err)
	}
	if err := os.WriteFile(file, damage(b), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A Statuspage-compatible summary (not incident.io's) lacks incidents; the
// sibling documents answer 404. The 404 is remembered in the state dir for
// an hour, so the next process does not ask again, and after the hour it
// does.
func TestSupplementAbsenceRemembered(t *testing.T) {
	t.Parallel()
	page := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": `{"page":{"id":"kctbh9vrtdwd","name":"Acme","url":"https://status.acme.test","time_zone":"Etc/UTC"},
		"status":{"indicator":"none","description":"All Systems Operational"},"components":[]}`}}
	srv := httptest.NewServer(page)
	defer srv.Close()
	state := t.TempDir()
	v := catalog.Vendor{ID: "openai", Name: "OpenAI", Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}}
	now := time.Now()
	check := func() {
		p := newTestPoller([]catalog.Vendor{v}, testFetcher())
		p.SetStateDir(state)
		p.status.cache = fetch.NewCache(filepath.Join(state, fetch.CacheDir), func() time.Time { return now })
		if r, _ := p.Check(context.Background()).Vendor("openai"); !r.Status.Sources[0].OK {
			t.Fatalf("source = %+v", r.Status.Sources[0])
		}
	}
	check()
	check()
	if n := page.Count("/api/v2/incidents/unresolved.json"); n != 1 {
		t.Errorf("unresolved.json asked %d times within the hour, want 1", n)
	}
	now = now.Add(time.Hour + time.Minute) // fetch's absentFor
	check()
	if n := page.Count("/api/v2/incidents/unresolved.json"); n != 2 {
		t.Errorf("unresolved.json asked %d times after the hour, want 2", n)
	}
}
