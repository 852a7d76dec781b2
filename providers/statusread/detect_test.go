package statusread

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

const spaShell = `<!DOCTYPE html><html><head><title>Status</title></head><body><div id="app"></div><script src="/app.js"></script></body></html>`

// An unseen page of each platform, given only as its base URL, is found
// and reads right.
func TestDetectFromBaseURL(t *testing.T) {
	statusIO := &vendortest.Site{Routes: map[string]string{"/1.0/status/5b36dc6502d06804c08349f7": "gitlab__statusio_status_operational_2023-06-29.json"}}
	statusIOAPI := vendortest.Serve(t, statusIO) + "/1.0/status/"

	tests := []struct {
		name   string
		site   *vendortest.Site
		format statuspage.Format
		path   string
		state  observe.State
		open   int
	}{
		{"better stack behind a 200 shell", &vendortest.Site{Fallback: spaShell, Routes: map[string]string{"/index.json": "vapi__betterstack_index_outage_2026-05-21_reconstructed.json"}},
			statuspage.BetterStack, "/index.json", observe.MajorOutage, 1},
		{"better stack operational", &vendortest.Site{Routes: map[string]string{"/index.json": "latitude__betterstack_index_operational_trimmed.json"}},
			statuspage.BetterStack, "/index.json", observe.Operational, 0},
		{"instatus", &vendortest.Site{Routes: map[string]string{"/summary.json": "instatus__summary_hasissues_docs_example.json"}},
			statuspage.Instatus, "/summary.json", observe.Degraded, 1},
		{"incident.io prefers its own JSON", &vendortest.Site{Routes: map[string]string{
			"/api/v2/summary.json": "openai__incidentio_v2_summary_operational_2026-09-24.json",
			"/proxy/*":             "openai__incidentio_proxy_summary_ongoing_incident.json"}},
			statuspage.IncidentIO, "/proxy/", observe.PartialOutage, 1},
		{"incident.io without the proxy", &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "openai__incidentio_v2_summary_operational_2026-09-24.json"}},
			statuspage.Statuspage, "/api/v2/summary.json", observe.Operational, 0},
		{"status.io page", &vendortest.Site{Routes: map[string]string{"/": `<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="/pages/5b36dc6502d06804c08349f7/rss"></head><body>Powered by status.io</body></html>`}},
			statuspage.StatusIO, "/1.0/status/", observe.Operational, 0},
		{"only a history feed", &vendortest.Site{Routes: map[string]string{"/history.atom": "github__statuspage_history.atom"}},
			statuspage.Feed, "/history.atom", observe.Unknown, 0},
		{"better stack feed only", &vendortest.Site{Routes: map[string]string{"/feed.rss": "vapi__betterstack_feed_outage_synthetic.rss"}},
			statuspage.Feed, "/feed.rss", observe.Degraded, 1}, // a feed states no impact
		{"statuspage html only", &vendortest.Site{Routes: map[string]string{"/": "textexpander__statuspage_page_operational.html"}},
			statuspage.HTML, "/", observe.Operational, 0},
		{"a page that advertises its feed", &vendortest.Site{Routes: map[string]string{
			"/":                   `<!DOCTYPE html><html><head><link rel="alternate" type="application/atom+xml" href="/news/incidents.xml"></head><body>Our status</body></html>`,
			"/news/incidents.xml": "github__statuspage_history.atom"}},
			statuspage.Feed, "/news/incidents.xml", observe.Unknown, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := vendortest.Serve(t, tt.site)
			p := newTestPoller([]catalog.Vendor{{ID: "v", Name: "V", Sources: []catalog.SourceSpec{{URL: base}}}}, testFetcher())
			p.status.statusIOAPI = statusIOAPI
			p.now = func() time.Time { return time.Date(2026, 5, 21, 15, 0, 0, 0, time.UTC) }
			v, _ := p.Check(context.Background()).Vendor("v")
			src := v.Status.Sources[0]
			if !src.OK || !src.Detected || src.Format != string(tt.format) || !strings.Contains(src.URL, tt.path) {
				t.Fatalf("source = %+v; requests %v", src, tt.site.Requests())
			}
			if v.Status.State != tt.state || len(v.Status.Open()) != tt.open {
				t.Errorf("state = %s with %d open incidents, want %s with %d", v.Status.State, len(v.Status.Open()), tt.state, tt.open)
			}
		})
	}
}

// A URL with a path is read and sniffed as it is: Google's incidents.json
// and Slack's current status need no format.
func TestDetectSpecificURL(t *testing.T) {
	t.Parallel()
	base := vendortest.Serve(t, &vendortest.Site{Routes: map[string]string{
		"/incidents.json":     "google-cloud__incidents.json",
		"/api/v2.0.0/current": "slack__current_active_docs_example.json",
	}})
	p := newTestPoller([]catalog.Vendor{
		{ID: "gcp", Name: "GCP", Sources: []catalog.SourceSpec{{URL: base + "/incidents.json"}}},
		{ID: "slack", Name: "Slack", Sources: []catalog.SourceSpec{{URL: base + "/api/v2.0.0/current"}}},
	}, testFetcher())
	snap := p.Check(context.Background())
	gcp, _ := snap.Vendor("gcp")
	if gcp.Status.Sources[0].Format != string(statuspage.Google) || gcp.Status.State != observe.Operational {
		t.Errorf("gcp = %s %+v", gcp.Status.State, gcp.Status.Sources)
	}
	if u := gcp.Status.Incidents[0].URL; !strings.HasPrefix(u, base+"/incidents/") {
		t.Errorf("relative incident link not resolved: %q", u)
	}
	slack, _ := snap.Vendor("slack")
	if slack.Status.Sources[0].Format != string(statuspage.Slack) || slack.Status.State != observe.Degraded {
		t.Errorf("slack = %s %+v", slack.Status.State, slack.Status.Sources)
	}
}

// A detected format is remembered in the state dir: the next process goes
// straight to the URL that worked. When that URL stops answering (the
// vendor moved platforms), the search runs again.
func TestDetectMemoInStateDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page := &vendortest.Site{Routes: map[string]string{"/index.json": "latitude__betterstack_index_operational_trimmed.json"}}
	base := vendortest.Serve(t, page)
	check := func() Source {
		t.Helper()
		p := newTestPoller([]catalog.Vendor{{ID: "v", Name: "V", Sources: []catalog.SourceSpec{{URL: base}}}}, testFetcher())
		p.SetStateDir(dir)
		v, _ := p.Check(context.Background()).Vendor("v")
		return Source(v.Status.Sources[0])
	}
	if src := check(); !src.OK || src.Format != string(statuspage.BetterStack) {
		t.Fatalf("first run: %+v", src)
	}
	if n := len(page.Requests()); n < 2 {
		t.Fatalf("first run made %d requests; the search should have tried summary.json first", n)
	}
	if _, err := os.Stat(filepath.Join(dir, detectedFile)); err != nil {
		t.Fatalf("no memo written: %v", err)
	}
	// The first run asked every guess at once and cancelled the rest once
	// one read; let those that were already on their way land first.
	for n := -1; n != len(page.Requests()); {
		n = len(page.Requests())
		time.Sleep(100 * time.Millisecond)
	}
	page.Reset()
	if src := check(); !src.OK || !src.Detected || src.Format != string(statuspage.BetterStack) {
		t.Fatalf("second run: %+v", src)
	}
	if got := page.Requests(); len(got) != 1 || got[0] != "/index.json" {
		t.Errorf("second run requested %v, want only /index.json", got)
	}

	// The vendor moves to Instatus: index.json is gone.
	page.SetRoutes(map[string]string{"/summary.json": "instatus__summary_hasissues_docs_example.json"})
	if src := check(); !src.OK || src.Format != string(statuspage.Instatus) {
		t.Fatalf("after the move: %+v", src)
	}
	b, _ := os.ReadFile(filepath.Join(dir, detectedFile))
	if !strings.Contains(string(b), `"instatus"`) {
		t.Errorf("memo not updated after the move:\n%s", b)
	}
}

// Source is statuspage.Source, named here for brevity.
type Source = observe.Source

// A host that does not answer ends the search at once with the transport
// error, not after ten guesses.
func TestDetectUnreachableHost(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	p := newTestPoller([]catalog.Vendor{{ID: "v", Name: "V", Sources: []catalog.SourceSpec{{URL: base}}}}, testFetcher())
	start := time.Now()
	v, _ := p.Check(context.Background()).Vendor("v")
	src := v.Status.Sources[0]
	if src.OK || !strings.Contains(src.Error, "refused") || v.Status.State != observe.Unknown {
		t.Errorf("source = %+v, state %s", src, v.Status.State)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

// A page no reader recognises says what to do.
func TestDetectNothingFound(t *testing.T) {
	t.Parallel()
	page := &vendortest.Site{Fallback: spaShell}
	base := vendortest.Serve(t, page)
	p := newTestPoller([]catalog.Vendor{{ID: "v", Name: "V", Sources: []catalog.SourceSpec{{URL: base}}}}, testFetcher())
	v, _ := p.Check(context.Background()).Vendor("v")
	src := v.Status.Sources[0]
	if src.OK || !strings.Contains(src.Error, "no status format found") || !strings.Contains(src.Error, "set format:") {
		t.Errorf("source = %+v", src)
	}
	// The next poll does not search again.
	before := len(page.Requests())
	v, _ = p.Check(context.Background()).Vendor("v")
	if n := len(page.Requests()); n != before || v.Status.Sources[0].OK {
		t.Errorf("second poll made %d more requests", n-before)
	}
}

// A page given without a format that turns out to be a sign-in page (a
// private Statuspage page redirects to its company's Okta) says so: the
// status cannot be read without a login. It is not "no format found".
func TestDetectLoginWall(t *testing.T) {
	t.Parallel()
	okta, err := os.ReadFile(filepath.Join("..", "..", "statuspage", "testdata", "walls", "bardenproduce__okta_signin_redirect.html"))
	if err != nil {
		t.Fatal(err)
	}
	base := vendortest.Serve(t, &vendortest.Site{Fallback: string(okta)})
	p := newTestPoller([]catalog.Vendor{{ID: "v", Name: "V", Sources: []catalog.SourceSpec{{URL: base}}}}, testFetcher())
	v, _ := p.Check(context.Background()).Vendor("v")
	src := v.Status.Sources[0]
	if src.OK || v.Status.State != observe.Unknown || !strings.Contains(src.Error, "the page requires a login") || strings.Contains(src.Error, "set format:") {
		t.Errorf("state %s, source = %+v", v.Status.State, src)
	}
}

// A page may advertise feeds only on its own host: it cannot send
// vendorwatch to an address of its choosing.
func TestDetectIgnoresForeignFeedLinks(t *testing.T) {
	t.Parallel()
	other := &vendortest.Site{Routes: map[string]string{"/secret.atom": "github__statuspage_history.atom"}}
	otherURL := vendortest.Serve(t, other)
	base := vendortest.Serve(t, &vendortest.Site{Routes: map[string]string{
		"/": `<!DOCTYPE html><html><head><link rel="alternate" type="application/atom+xml" href="` + otherURL + `/secret.atom"></head><body>hi</body></html>`,
	}})
	p := newTestPoller([]catalog.Vendor{{ID: "v", Name: "V", Sources: []catalog.SourceSpec{{URL: base}}}}, testFetcher())
	v, _ := p.Check(context.Background()).Vendor("v")
	if v.Status.Sources[0].OK || len(other.Requests()) != 0 {
		t.Errorf("followed a feed on another host: %+v, requests %v", v.Status.Sources[0], other.Requests())
	}
}

func TestCandidates(t *testing.T) {
	tests := map[string][]string{
		"https://status.vapi.ai/": {"https://status.vapi.ai/api/v2/summary.json", "https://status.vapi.ai/index.json", "https://status.vapi.ai/summary.json",
			"https://status.vapi.ai/proxy/status.vapi.ai", "https://status.vapi.ai/api/v1/summary", "https://status.vapi.ai/history.atom",
			"https://status.vapi.ai/feed.rss", "https://status.vapi.ai/feed", "https://status.vapi.ai/history.rss", "https://status.vapi.ai/feed.atom", "https://status.vapi.ai/"},
		"https://status.aws.amazon.com/rss/all.rss":    {"https://status.aws.amazon.com/rss/all.rss"},
		"https://www.google.com/appsstatus/dashboard/": {"https://www.google.com/appsstatus/dashboard/incidents.json", "https://www.google.com/appsstatus/dashboard/"},
	}
	for in, want := range tests {
		if got := candidates(in); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("candidates(%s) =\n%v\nwant\n%v", in, got, want)
		}
	}
	for host, first := range map[string]string{"https://slack-status.com": "/api/v2.0.0/current", "https://status.cloud.google.com": "/incidents.json"} {
		if got := candidates(host); got[0] != host+first {
			t.Errorf("candidates(%s)[0] = %s", host, got[0])
		}
	}
}

// A first run asks every candidate at once: a page host that answers only
// once several of vendorwatch's guesses are in flight together (each
// waits for the others) is found, where asking one guess at a time would
// time out on the first. The answers still count in order of preference:
// the Statuspage summary wins over the feed that also answers.
func TestDetectAsksTheCandidatesAtOnce(t *testing.T) {
	summary, err := os.ReadFile(filepath.Join("testdata", "github__statuspage_status_none.json"))
	if err != nil {
		t.Fatal(err)
	}
	feed, err := os.ReadFile(filepath.Join("testdata", "github__statuspage_history.atom"))
	if err != nil {
		t.Fatal(err)
	}
	const together = 4
	release := make(chan struct{})
	var once sync.Once
	n := 0
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		if n >= together {
			once.Do(func() { close(release) })
		}
		mu.Unlock()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		switch r.URL.Path {
		case "/api/v2/summary.json":
			w.Write(summary)
		case "/history.atom":
			w.Write(feed)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	p := newTestPoller([]catalog.Vendor{{ID: "v", Name: "V", Sources: []catalog.SourceSpec{{URL: srv.URL}}}}, testFetcher())
	v, _ := p.Check(context.Background()).Vendor("v")
	src := v.Status.Sources[0]
	if !src.OK || src.Format != string(statuspage.Statuspage) || !strings.HasSuffix(src.URL, "/api/v2/summary.json") {
		t.Fatalf("source = %+v, want the Statuspage summary found", src)
	}
}
