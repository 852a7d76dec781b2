package statusread

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
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
