package providers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/probe"
	"github.com/vendorwatch/vendorwatch/providers/statusread"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

func testFetcher() *fetch.Client { return fetch.New(fetch.Options{Timeout: 2 * time.Second}) }

func TestPollerCheckReadsEveryVendor(t *testing.T) {
	t.Parallel()
	openai := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "openai__incidentio_v2_summary_operational_2026-09-24.json"}}
	anthropic := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_incident_investigating.json"}}
	moved := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "<!DOCTYPE html><html><body>We moved!</body></html>"}}
	var srvs []*httptest.Server
	for _, h := range []http.Handler{openai, anthropic, moved} {
		s := httptest.NewServer(h)
		defer s.Close()
		srvs = append(srvs, s)
	}
	vendors := []catalog.Vendor{
		{ID: "openai", Name: "OpenAI", Sources: []catalog.SourceSpec{{URL: srvs[0].URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}},
		{ID: "anthropic", Name: "Anthropic", Sources: []catalog.SourceSpec{{URL: srvs[1].URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}},
		{ID: "jetbrains", Name: "JetBrains", Sources: []catalog.SourceSpec{{URL: srvs[2].URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}},
	}
	p := NewPoller(vendors, testFetcher())
	snap := p.Check(context.Background())

	o, _ := snap.Vendor("openai")
	if o.Status.State != observe.Operational || len(o.Status.Components) != 25 || !o.Status.Sources[0].OK {
		t.Errorf("openai = %s, %d components, sources %+v", o.Status.State, len(o.Status.Components), o.Status.Sources)
	}
	// incident.io's summary has no incidents key when there are none, and
	// it serves no maintenances: its siblings are not asked for.
	if openai.Count("/api/v2/incidents/unresolved.json") != 0 || openai.Count("/api/v2/scheduled-maintenances/upcoming.json") != 0 {
		t.Errorf("siblings of incident.io's whole summary requested")
	}
	a, _ := snap.Vendor("anthropic")
	if a.Status.State != observe.Degraded || len(a.Status.Open()) != 1 || a.Status.Open()[0].Title != "Elevated errors for multiple models" {
		t.Errorf("anthropic = %s %+v", a.Status.State, a.Status.Incidents)
	}
	if anthropic.Count("/api/v2/incidents/unresolved.json") != 0 {
		t.Error("a full summary needs no supplement")
	}
	j, _ := snap.Vendor("jetbrains")
	if j.Status.State != observe.Unknown || j.Status.Sources[0].OK ||
		!strings.Contains(j.Status.Sources[0].Error, "want Statuspage API JSON, got an HTML page") {
		t.Errorf("jetbrains = %s %+v", j.Status.State, j.Status.Sources)
	}
	if o.Status.CheckedAt.IsZero() || o.Status.Incidents == nil {
		t.Error("checked_at unset or incidents nil")
	}

}

func TestPollerDetectsFormatFromBaseURL(t *testing.T) {
	t.Parallel()
	page := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_incident_investigating.json"}}
	srv := httptest.NewServer(page)
	defer srv.Close()
	p := NewPoller([]catalog.Vendor{{ID: "acme", Name: "Acme", Sources: []catalog.SourceSpec{{URL: srv.URL}}}}, testFetcher())
	v, _ := p.Check(context.Background()).Vendor("acme")
	src := v.Status.Sources[0]
	if !src.OK || !src.Detected || src.Format != string(statuspage.Statuspage) || src.URL != srv.URL+"/api/v2/summary.json" {
		t.Errorf("source = %+v", src)
	}
	if v.Status.State != observe.Degraded {
		t.Errorf("state = %s", v.Status.State)
	}
}

// One vendor that never answers must not hold back the others: their
// results arrive while it is still hanging.
func TestPollerRunSlowVendorDoesNotDelayOthers(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	fast := httptest.NewServer(&vendortest.Site{Routes: map[string]string{"/s.json": "github__statuspage_status_none.json"}})
	defer fast.Close()

	vendors := []catalog.Vendor{
		{ID: "slow", Name: "Slow", Sources: []catalog.SourceSpec{{URL: slow.URL + "/s.json", Format: statuspage.Statuspage}}},
		{ID: "fast1", Name: "Fast 1", Sources: []catalog.SourceSpec{{URL: fast.URL + "/s.json", Format: statuspage.Statuspage}}},
		{ID: "fast2", Name: "Fast 2", Sources: []catalog.SourceSpec{{URL: fast.URL + "/s.json", Format: statuspage.Statuspage}}},
	}
	p := NewPoller(vendors, fetch.New(fetch.Options{Timeout: time.Minute}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan string, 10)
	go p.Run(ctx, func(e observe.Event) {
		if e.Done {
			done <- e.Vendor
		}
	})
	got := map[string]bool{}
	for len(got) < 2 {
		select {
		case id := <-done:
			if id == "slow" {
				t.Fatal("the slow vendor finished first; the test server should still be holding it")
			}
			got[id] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("fast vendors did not report while the slow one hung; got %v", got)
		}
	}
	snap := p.Snapshot()
	if v, _ := snap.Vendor("fast1"); v.Status.State != observe.Operational {
		t.Errorf("fast1 = %s", v.Status.State)
	}
	if p.InFlight() != 1 {
		t.Errorf("in flight = %d, want the slow vendor only", p.InFlight())
	}
}

func TestPollerCheckNow(t *testing.T) {
	t.Parallel()
	page := &vendortest.Site{Routes: map[string]string{"/s.json": "github__statuspage_status_none.json"}}
	srv := httptest.NewServer(page)
	defer srv.Close()
	v := catalog.Vendor{ID: "gh", Name: "GitHub", Interval: time.Hour, ProbeInterval: time.Hour,
		Sources: []catalog.SourceSpec{{URL: srv.URL + "/s.json", Format: statuspage.Statuspage}}}
	p := NewPoller([]catalog.Vendor{v}, testFetcher())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{}, 10)
	go p.Run(ctx, func(e observe.Event) {
		if e.Done {
			done <- struct{}{}
		}
	})
	<-done
	p.CheckNow()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("CheckNow did not trigger a check")
	}
	if n := page.Count("/s.json"); n < 2 {
		t.Errorf("status fetched %d times, want 2", n)
	}
}

// BenchmarkCheck200Vendors measures a check of 200 vendors spread over 50
// hosts (a Fetcher allows DefaultPerHost requests at one host at a time),
// every page answering after 200 ms: about one page's time, not 40 s.
// "revalidated" keeps the validators in a state dir, as separate --once
// runs do, so every page after the first check answers 304.
func BenchmarkCheck200Vendors(b *testing.B) {
	body, _ := os.ReadFile("testdata/anthropic__statuspage_summary_incident_investigating.json")
	page := &vendortest.Page{Body: body, ETag: `"v1"`}
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		page.ServeHTTP(w, r)
	})
	var hosts []string
	for range 50 {
		srv := httptest.NewServer(slow)
		defer srv.Close()
		hosts = append(hosts, srv.URL)
	}
	var vendors []catalog.Vendor
	for i := range 200 {
		vendors = append(vendors, catalog.Vendor{ID: fmt.Sprintf("v%03d", i), Name: "V",
			Sources: []catalog.SourceSpec{{URL: fmt.Sprintf("%s/v%03d/api/v2/summary.json", hosts[i%len(hosts)], i), Format: statuspage.Statuspage}}})
	}
	for _, state := range []string{"", b.TempDir()} {
		name := "fresh"
		if state != "" {
			name = "revalidated"
		}
		b.Run(name, func(b *testing.B) {
			f := fetch.New(fetch.Options{Timeout: 10 * time.Second, Concurrency: 256})
			check := func() observe.Snapshot {
				p := NewPoller(vendors, f)
				p.SetStateDir(state)
				return p.Check(context.Background())
			}
			check() // connections open, validators stored
			b.ReportAllocs()
			for b.Loop() {
				if v, _ := check().Vendor("v199"); !v.Status.Sources[0].OK || v.Status.Sources[0].NotModified != (state != "") {
					b.Fatalf("source = %+v", v.Status.Sources[0])
				}
			}
		})
	}
}

func TestPollerSetClock(t *testing.T) {
	t.Parallel()
	page := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_incident_investigating.json"}}
	srv := httptest.NewServer(page)
	defer srv.Close()
	v := catalog.Vendor{ID: "anthropic", Name: "Anthropic",
		Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage}},
		API:     catalog.APISpec{BaseURL: srv.URL, Reach: "/v1/models"}}
	p := NewPoller([]catalog.Vendor{v}, testFetcher())
	scenario := time.Date(2026, 5, 21, 12, 35, 0, 0, time.UTC)
	p.SetClock(func() time.Time { return scenario })
	snap := p.Check(context.Background())
	r, _ := snap.Vendor("anthropic")
	if !snap.GeneratedAt.Equal(scenario) || !r.Status.CheckedAt.Equal(scenario) ||
		r.Reachability == nil || !r.Reachability.CheckedAt.Equal(scenario) {
		t.Errorf("times do not follow the clock: generated %s, status %s, reach %+v", snap.GeneratedAt, r.Status.CheckedAt, r.Reachability)
	}
}

func TestPollerSetRetryWait(t *testing.T) {
	t.Parallel()
	p := NewPoller(nil, testFetcher())
	if p.probes.RetryWait() != probe.DefaultRetryWait {
		t.Fatalf("default retry wait %s", p.probes.RetryWait())
	}
	p.SetRetryWait(0)
	if p.probes.RetryWait() != probe.DefaultRetryWait {
		t.Error("a zero wait replaced the default")
	}
	p.SetRetryWait(250 * time.Millisecond)
	if p.probes.RetryWait() != 250*time.Millisecond {
		t.Errorf("retry wait %s", p.probes.RetryWait())
	}
}

// testPoller polls vendors with no real waiting between retries; the waits
// asked for are recorded. env holds the variables secret references see.
// A request times out after vendortest.HangTimeout when hang is set, else
// after 5s.
func testPoller(vendors []catalog.Vendor, env map[string]string, hang ...bool) (*Poller, *[]time.Duration) {
	timeout := 5 * time.Second
	if len(hang) > 0 && hang[0] {
		timeout = vendortest.HangTimeout
	}
	p := NewPoller(vendors, fetch.New(fetch.Options{Timeout: timeout}))
	var mu sync.Mutex
	waits := &[]time.Duration{}
	p.useProber(probe.New(p.fetch, probe.Options{
		Now:      p.clock,
		Resolver: &config.Resolver{LookupEnv: vendortest.Env(env)},
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			*waits = append(*waits, d)
			mu.Unlock()
			return ctx.Err()
		},
	}))
	return p, waits
}

// Only status documents are stored: nothing a key probe fetched.
func TestCacheNeverStoresCredentials(t *testing.T) {
	const key = "sk-proj-cachetestKEY0123456789abcdefMxYA"
	t.Setenv("VW_CACHE_TEST_KEY", key)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"models"`)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[]}`))
	}))
	defer api.Close()
	page := &vendortest.Page{}
	page.Set("github__statuspage_status_none.json", `"v1"`, time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC))
	status := httptest.NewServer(page)
	defer status.Close()

	cat := catalog.Builtin()
	e, _ := cat.Get("openai")
	state := t.TempDir()
	v := catalog.Vendor{ID: "openai", Name: "OpenAI", Probe: e.Probe, API: catalog.APISpec{BaseURL: api.URL, Reach: "/v1/models"},
		Sources: []catalog.SourceSpec{{URL: status.URL + "/s.json", Format: statuspage.Statuspage}}}
	v.Keys = append(v.Keys, config.Key{Name: "prod", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_CACHE_TEST_KEY"}})
	p := NewPoller([]catalog.Vendor{v}, testFetcher())
	p.SetStateDir(state)
	p.useProber(probe.New(p.fetch, probe.Options{Now: p.clock}))
	p.Check(context.Background())
	ents, err := os.ReadDir(filepath.Join(state, fetch.CacheDir))
	ents = slices.DeleteFunc(ents, func(e os.DirEntry) bool { return e.Name() == fetch.IndexFile })
	if err != nil || len(ents) != 1 {
		t.Fatalf("store holds %d entries besides its index (%v), want the status document only", len(ents), err)
	}
	filepath.WalkDir(state, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), key) || strings.Contains(string(b), "/v1/models") {
			t.Errorf("%s holds the key or the probe's answer", path)
		}
		return nil
	})
}

// The status reader keeps what it parsed in memory until every vendor's
// keys were probed once (each key then resolved and known to the
// redactor): a status round that runs before the probes, as serve's
// loops may, writes no model, and the first probes of the last vendor
// let it write.
func TestPollerSettlesAfterEveryVendorProbed(t *testing.T) {
	page := &vendortest.Page{}
	page.Set("github__statuspage_status_none.json", `"v1"`, time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC))
	status := httptest.NewServer(page)
	defer status.Close()
	var vs []catalog.Vendor
	for _, id := range []string{"a", "b"} {
		vs = append(vs, catalog.Vendor{ID: id, Name: id, Sources: []catalog.SourceSpec{{URL: status.URL + "/" + id + ".json", Format: statuspage.Statuspage}}})
	}
	state := t.TempDir()
	p := NewPoller(vs, testFetcher())
	p.SetStateDir(state)
	models := filepath.Join(state, statusread.ModelsFile)
	written := func() bool { _, err := os.Stat(models); return err == nil }
	ctx := context.Background()
	for _, v := range vs {
		p.checkVendor(ctx, v, PartStatus)
	}
	if written() {
		t.Fatal("the models were written before any key was probed")
	}
	p.checkVendor(ctx, vs[0], PartProbes)
	if written() {
		t.Fatal("the models were written before the second vendor's keys were probed")
	}
	p.checkVendor(ctx, vs[1], PartProbes)
	if !written() {
		t.Fatal("every vendor was probed, and the models are still not written")
	}
}

// What the config says of a vendor is the config's, not the last run's:
// --once and a restarted dashboard seed their results from the stored
// report, and a vendor renamed, or its link to OpenAI removed, since
// that report was written must not keep its old name and its old link
// (the verdict follows links) from one run to the next, forever.
func TestSeedTakesWhatTheConfigSaysOfAVendor(t *testing.T) {
	t.Parallel()
	site := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_incident_investigating.json"}}
	srv := httptest.NewServer(site)
	defer srv.Close()
	now := catalog.Vendor{ID: "acme", Name: "Acme Two", Components: []string{"API"},
		Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}}
	stored := observe.VendorResult{ID: "acme", Name: "Acme One", DependsOn: []string{"openai"}, Watched: []string{"Console"},
		Links: observe.Links{Keys: "https://old.example/keys"}, Keys: []observe.KeyResult{}}
	stored.Status.State = observe.MajorOutage
	p := NewPoller([]catalog.Vendor{now}, testFetcher())
	p.Seed(observe.Snapshot{Vendors: []observe.VendorResult{stored}})
	check := func(when string, r observe.VendorResult) {
		t.Helper()
		if r.Name != "Acme Two" || len(r.DependsOn) != 0 || !slices.Equal(r.Watched, []string{"API"}) || r.Links.Keys != "" {
			t.Errorf("%s: name %q, depends on %v, watches %v, links %+v; want the config's", when, r.Name, r.DependsOn, r.Watched, r.Links)
		}
	}
	seeded, _ := p.Snapshot().Vendor("acme")
	if seeded.Status.State != observe.MajorOutage {
		t.Errorf("seeded status %s, want the stored one until the first check", seeded.Status.State)
	}
	check("seeded", seeded)
	checked, _ := p.Check(context.Background()).Vendor("acme")
	check("checked", checked)
}

// Only an admin API read uses the last results (it keeps the last key
// list when the next read fails): a fleet without one is not seeded by
// --once, which then reads nothing from the history before its check.
func TestNeedsSeedOnlyWithAnAdminAPI(t *testing.T) {
	t.Parallel()
	status := catalog.Vendor{ID: "github", Name: "GitHub", Sources: []catalog.SourceSpec{{URL: "https://www.githubstatus.com/api/v2/summary.json", Format: statuspage.Statuspage}}}
	e, _ := catalog.Builtin().Get("vapi")
	admin := catalog.Vendor{ID: "vapi", Name: "VAPI", API: catalog.APISpec{BaseURL: "https://api.test"}, AdminAPI: e.Admin, Admin: &config.Admin{},
		Keys: []config.Key{{Name: "prod", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VAPI_KEY"}}}}
	if NewPoller([]catalog.Vendor{status}, testFetcher()).NeedsSeed() {
		t.Error("a status-only fleet needs a seed")
	}
	if !NewPoller([]catalog.Vendor{status, admin}, testFetcher()).NeedsSeed() {
		t.Error("a fleet that reads VAPI's admin API needs no seed")
	}
}
