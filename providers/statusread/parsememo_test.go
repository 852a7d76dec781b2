package statusread

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// A long-running poller parses a document once: the next checks, answered
// 304 (or with the same bytes), reuse what it read to, and a changed
// document is parsed afresh. What the callers change in a result (a feed
// dropping stale items) never reaches the remembered model.
func TestParseMemo(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		file   string
		etag   string
		format statuspage.Format
		sel    string
	}{
		{"html with validators", "textexpander__statuspage_page_operational.html", `"h1"`, statuspage.HTML, ".page-status .status"},
		{"feed without validators", "vapi__betterstack_feed_outage_synthetic.rss", "", statuspage.Feed, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page := &vendortest.Page{}
			page.Set(tt.file, tt.etag, time.Time{})
			srv := httptest.NewServer(page)
			defer srv.Close()
			v := catalog.Vendor{ID: "acme", Name: "Acme", Sources: []catalog.SourceSpec{{URL: srv.URL + "/status", Format: tt.format, Selector: tt.sel}}}
			p := newTestPoller([]catalog.Vendor{v}, testFetcher())
			check := func() observe.Status {
				t.Helper()
				r, _ := p.Check(context.Background()).Vendor("acme")
				if !r.Status.Sources[0].OK {
					t.Fatalf("source = %+v", r.Status.Sources[0])
				}
				return r.Status
			}
			first := check()
			second := check()
			if n := p.status.parses.Load(); n != 1 {
				t.Errorf("parsed %d times for one document, want 1", n)
			}
			sameStatus(t, second, first)
			if tt.etag != "" && !second.Sources[0].NotModified {
				t.Errorf("second check not a 304: %+v", second.Sources[0])
			}

			// One byte more is another document.
			page.Lock()
			page.Body = append(page.Body[:len(page.Body):len(page.Body)], '\n')
			if tt.etag != "" {
				page.ETag = `"h2"`
			}
			page.Unlock()
			check()
			if n := p.status.parses.Load(); n != 2 {
				t.Errorf("parsed %d times after the document changed, want 2", n)
			}
		})
	}
}

// A feed's stale items are dropped from the copy a check gets, never from
// the remembered model: when the clock says they are fresh again, they are
// back.
func TestParseMemoKeepsWhatCallersDrop(t *testing.T) {
	t.Parallel()
	page := &vendortest.Page{}
	page.Set("vapi__betterstack_feed_outage_synthetic.rss", `"f1"`, time.Time{})
	srv := httptest.NewServer(page)
	defer srv.Close()
	v := catalog.Vendor{ID: "vapi", Name: "VAPI", Sources: []catalog.SourceSpec{{URL: srv.URL + "/feed.rss", Format: statuspage.Feed}}}
	p := newTestPoller([]catalog.Vendor{v}, testFetcher())
	now := time.Date(2026, 5, 21, 15, 0, 0, 0, time.UTC)
	p.now = func() time.Time { return now }
	count := func() int {
		r, _ := p.Check(context.Background()).Vendor("vapi")
		return len(r.Status.Incidents)
	}
	fresh := count()
	now = now.AddDate(0, 1, 0) // a month on: the open items are stale
	later := count()
	now = now.AddDate(0, -1, 0)
	again := count()
	if later >= fresh || again != fresh {
		t.Errorf("incidents: %d fresh, %d a month later, %d fresh again; want the last equal to the first and the middle fewer", fresh, later, again)
	}
	if n := p.status.parses.Load(); n != 1 {
		t.Errorf("parsed %d times, want 1", n)
	}
}

// TestSourceAndMemoKeys checks the keys built by hand against the layout
// they have always had (fields separated by NULs, the limits as numbers,
// the components kept quoted), so a model stored under one is found
// under the other, and that every setting that changes what a document
// reads to changes the key.
func TestSourceAndMemoKeys(t *testing.T) {
	specs := []catalog.SourceSpec{
		{URL: "https://status.openai.com/api/v2/summary.json", Format: statuspage.Statuspage},
		{URL: "https://example.com/status", Format: statuspage.HTML, Selector: "div.x \"y\"", Healthy: "All good\x00"},
		{URL: "https://example.com/feed", Format: statuspage.Feed},
	}
	keeps := [][]string{nil, {}, {"API"}, {"Chat \"GPT\"", "Voice\tbeta", "é"}}
	seen := map[string]string{}
	for _, spec := range specs {
		for _, keep := range keeps {
			lim := statuspage.DefaultLimits
			lim.Keep = keep
			got := sourceKey(spec, lim)
			want := fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%d %d %d %d %d %q", spec.Format, spec.Selector, spec.Healthy, spec.URL,
				lim.Components, lim.Incidents, lim.Maintenances, lim.Updates, lim.Affected, lim.Keep)
			if got != want {
				t.Errorf("sourceKey(%+v, keep %q) = %q, want %q", spec, keep, got, want)
			}
			if len(keep) > 0 {
				if other, ok := seen[got]; ok {
					t.Errorf("two settings share the key %q: %s", got, other)
				}
				seen[got] = fmt.Sprint(spec, keep)
			}
			for _, d := range []fetch.Digest{{}, {Len: 12345, IEEE: 0xdeadbeef, Castagnoli: 0x0000ab01}, {Len: 1 << 40, IEEE: 0xffffffff, Castagnoli: 1}} {
				final := spec.URL + "?moved"
				got := memoKey(sourceKey(spec, lim), final, d)
				want := fmt.Sprintf("%s\x00%s\x00%08x%08x\x00%d", want, final, d.IEEE, d.Castagnoli, d.Len)
				if got != want {
					t.Errorf("memoKey = %q, want %q", got, want)
				}
			}
		}
	}
	lim := statuspage.DefaultLimits
	base := sourceKey(specs[0], lim)
	lim.Incidents++
	if sourceKey(specs[0], lim) == base {
		t.Error("a different incident cap kept the same source key")
	}
}

// BenchmarkSourceAndMemoKeys is what a check pays per source for its
// keys (go test -bench SourceAndMemoKeys ./providers/statusread).
func BenchmarkSourceAndMemoKeys(b *testing.B) {
	spec := catalog.SourceSpec{URL: "https://status.openai.com/api/v2/summary.json", Format: statuspage.Statuspage}
	lim := statuspage.DefaultLimits
	lim.Keep = []string{"API", "ChatGPT"}
	d := fetch.Digest{Len: 12345, IEEE: 0xdeadbeef, Castagnoli: 0xab01}
	b.ReportAllocs()
	for b.Loop() {
		source := sourceKey(spec, lim)
		_ = memoKey(source, spec.URL, d)
	}
}
