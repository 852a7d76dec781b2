package statusread

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// storeRun is one --once process on a state dir: a fresh reader, one
// check, and what it cost.
type storeRun struct {
	status        observe.Status
	parses, loads int64
}

func runOn(t *testing.T, state string, v catalog.Vendor, now time.Time) storeRun {
	t.Helper()
	p := newTestPoller([]catalog.Vendor{v}, testFetcher())
	p.now = func() time.Time { return now }
	p.SetStateDir(state)
	r, ok := p.Check(context.Background()).Vendor(v.ID)
	if !ok {
		t.Fatal("vendor missing from the snapshot")
	}
	for _, s := range r.Status.Sources {
		if !s.OK {
			t.Fatalf("source %+v", s)
		}
	}
	return storeRun{status: r.Status, parses: p.status.parses.Load(), loads: p.status.loads.Load()}
}

// sameModel requires two checks to have read the same model, field for
// field, leaving out only how the documents were fetched.
func sameModel(t *testing.T, got, want observe.Status) {
	t.Helper()
	got.Sources, want.Sources = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("model differs:\n got %+v\nwant %+v", got, want)
	}
}

// modelFiles lists the model store's files with their times.
func modelFiles(t *testing.T, state string) map[string]time.Time {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(state, ModelsDir))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	m := map[string]time.Time{}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = info.ModTime()
	}
	return m
}

// A new process on the same state dir does not parse a document that
// came back unchanged: it reads the model the last process stored, which
// is the parsed model exactly, and writes nothing. A changed document is
// parsed and its model replaced.
func TestModelStoreAcrossProcesses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		file   string
		etag   string
		format statuspage.Format
		sel    string
		path   string
	}{
		{"statuspage summary", "anthropic__statuspage_summary_incident_investigating.json", `"s1"`, statuspage.Statuspage, "", "/api/v2/summary.json"},
		{"incident.io summary", "openai__incidentio_v2_summary_operational_2026-09-24.json", `"i1"`, statuspage.Statuspage, "", "/api/v2/summary.json"},
		{"html", "textexpander__statuspage_page_operational.html", `"h1"`, statuspage.HTML, ".page-status .status", "/"},
		{"feed without validators", "vapi__betterstack_feed_outage_synthetic.rss", "", statuspage.Feed, "", "/feed.rss"},
		{"google", "google-cloud__incidents.json", `"g1"`, statuspage.Google, "", "/incidents.json"},
		{"better stack", "vapi__betterstack_index_outage_2026-05-21_reconstructed.json", `"b1"`, statuspage.BetterStack, "", "/index.json"},
		{"status.io", "gitlab__statusio_status_operational_2023-06-29.json", `"o1"`, statuspage.StatusIO, "", "/1.0/status/x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page := &vendortest.Page{}
			page.Set(tt.file, tt.etag, time.Time{})
			srv := httptest.NewServer(page)
			defer srv.Close()
			state := t.TempDir()
			v := catalog.Vendor{ID: "acme", Name: "Acme", Sources: []catalog.SourceSpec{{URL: srv.URL + tt.path, Format: tt.format, Selector: tt.sel}}}

			cold := runOn(t, state, v, may21)
			if cold.parses != 1 || cold.loads != 0 {
				t.Fatalf("cold run: %d parses, %d loads; want 1 and 0", cold.parses, cold.loads)
			}
			stored := modelFiles(t, state)
			if len(stored) != 1 {
				t.Fatalf("the cold run stored %d models, want 1", len(stored))
			}

			warm := runOn(t, state, v, may21)
			if warm.parses != 0 || warm.loads != 1 {
				t.Errorf("warm run: %d parses, %d loads; want 0 and 1: the document was parsed again", warm.parses, warm.loads)
			}
			if tt.etag != "" && !warm.status.Sources[0].NotModified {
				t.Errorf("warm run was not a 304: %+v", warm.status.Sources[0])
			}
			sameModel(t, warm.status, cold.status)
			if now := modelFiles(t, state); !reflect.DeepEqual(now, stored) {
				t.Errorf("an unchanged run wrote to the model store: %v, was %v", now, stored)
			}

			// One byte more is another document.
			page.Lock()
			page.Body = append(page.Body[:len(page.Body):len(page.Body)], '\n')
			if tt.etag != "" {
				page.ETag = `"changed"`
			}
			page.Unlock()
			changed := runOn(t, state, v, may21)
			if changed.parses != 1 || changed.loads != 0 {
				t.Errorf("changed document: %d parses, %d loads; want 1 and 0", changed.parses, changed.loads)
			}
			again := runOn(t, state, v, may21)
			if again.parses != 0 || again.loads != 1 {
				t.Errorf("after the change: %d parses, %d loads; want the new model stored", again.parses, again.loads)
			}
			sameModel(t, again.status, changed.status)
		})
	}
}

// A damaged model file, one another build wrote, or one of another
// document, is never used and never fails the check: the document is
// parsed, as with an empty store, and the file replaced.
func TestModelStoreFallsBackToParsing(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		damage func(b []byte) []byte
	}{
		{"empty", func([]byte) []byte { return nil }},
		{"cut short", func(b []byte) []byte { return b[:len(b)/2] }},
		{"a byte flipped", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }},
		{"not a model", func([]byte) []byte { return []byte(`{"state":"major_outage"}`) }},
		{"another build", func(b []byte) []byte {
			s := &modelStore{build: "vendorwatch 0.0.1"}
			st := &observe.Status{State: observe.MajorOutage, Description: "from another build", Claims: true}
			d := &modelDecoder{b: b[len(modelMagic):]}
			d.str()
			return s.encode(d.str(), st)
		}},
		{"another document", func([]byte) []byte {
			s := newModelStore("unused")
			return s.encode("another key", &observe.Status{State: observe.MajorOutage, Description: "another document", Claims: true})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page := &vendortest.Page{}
			page.Set("anthropic__statuspage_summary_incident_investigating.json", `"v1"`, time.Time{})
			srv := httptest.NewServer(page)
			defer srv.Close()
			state := t.TempDir()
			v := catalog.Vendor{ID: "anthropic", Name: "Anthropic", Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}}
			cold := runOn(t, state, v, may21)

			files := modelFiles(t, state)
			if len(files) != 1 {
				t.Fatalf("%d model files, want 1", len(files))
			}
			for name := range files {
				path := filepath.Join(state, ModelsDir, name)
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, tt.damage(b), 0o600); err != nil {
					t.Fatal(err)
				}
			}

			r := runOn(t, state, v, may21)
			if r.parses != 1 || r.loads != 0 {
				t.Errorf("%d parses, %d loads; want the document parsed", r.parses, r.loads)
			}
			sameModel(t, r.status, cold.status)
			if after := runOn(t, state, v, may21); after.loads != 1 || after.parses != 0 {
				t.Errorf("the damaged file was not replaced: the next run made %d parses, %d loads", after.parses, after.loads)
			}
		})
	}
}

// The store keeps models as parsed, before the clock is applied: a
// process a month later drops the feed's stale items from what it loaded,
// one back at the first time has them all again, and a maintenance stored
// as scheduled reads as in progress to a process inside its window.
func TestModelStoreIsTimeless(t *testing.T) {
	t.Parallel()
	t.Run("stale feed items", func(t *testing.T) {
		t.Parallel()
		page := &vendortest.Page{}
		page.Set("vapi__betterstack_feed_outage_synthetic.rss", `"f1"`, time.Time{})
		srv := httptest.NewServer(page)
		defer srv.Close()
		state := t.TempDir()
		v := catalog.Vendor{ID: "vapi", Name: "VAPI", Sources: []catalog.SourceSpec{{URL: srv.URL + "/feed.rss", Format: statuspage.Feed}}}
		at := time.Date(2026, 5, 21, 15, 0, 0, 0, time.UTC)
		fresh := runOn(t, state, v, at)
		later := runOn(t, state, v, at.AddDate(0, 1, 0))
		again := runOn(t, state, v, at)
		if later.loads != 1 || again.loads != 1 {
			t.Fatalf("loads %d and %d, want the stored model read both times", later.loads, again.loads)
		}
		if len(fresh.status.Incidents) == 0 || len(later.status.Incidents) >= len(fresh.status.Incidents) {
			t.Errorf("a month later %d incidents, fresh %d: the stale ones were not dropped", len(later.status.Incidents), len(fresh.status.Incidents))
		}
		sameModel(t, again.status, fresh.status)
	})
	t.Run("maintenance window", func(t *testing.T) {
		t.Parallel()
		page := &vendortest.Page{}
		page.Set("vapi__betterstack_index_maintenance_tomorrow_derived.json", `"m1"`, time.Time{})
		srv := httptest.NewServer(page)
		defer srv.Close()
		state := t.TempDir()
		v := catalog.Vendor{ID: "vapi", Name: "VAPI", Sources: []catalog.SourceSpec{{URL: srv.URL + "/index.json", Format: statuspage.BetterStack}}}
		before := runOn(t, state, v, time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC))
		during := runOn(t, state, v, time.Date(2026, 5, 22, 7, 0, 0, 0, time.UTC))
		if during.loads != 1 {
			t.Fatalf("%d loads, want the stored model read", during.loads)
		}
		if len(before.status.Maintenances) != 1 || len(during.status.Maintenances) != 1 {
			t.Fatalf("maintenances: %+v then %+v", before.status.Maintenances, during.status.Maintenances)
		}
		if b, d := before.status.Maintenances[0].Status, during.status.Maintenances[0].Status; b != "scheduled" || d != "in_progress" {
			t.Errorf("maintenance read %q the day before and %q during its window; want scheduled, then in_progress", b, d)
		}
	})
}

// A Statuspage summary that had to be completed from its sibling documents
// (incidents, maintenances) depends on more than its own bytes: it is
// neither remembered nor stored, and each process reads it afresh.
func TestModelStoreSkipsSummariesWithSiblings(t *testing.T) {
	t.Parallel()
	summary := &vendortest.Page{}
	summary.Set("github__statuspage_status_none.json", `"p1"`, time.Time{})
	incidents := &vendortest.Page{}
	incidents.Set("github__statuspage_incidents_unresolved_empty.json", `"u1"`, time.Time{})
	mux := http.NewServeMux()
	mux.Handle("/api/v2/summary.json", summary)
	mux.Handle("/api/v2/incidents/unresolved.json", incidents)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	state := t.TempDir()
	v := catalog.Vendor{ID: "gh", Name: "GitHub", Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}}
	runOn(t, state, v, may21)
	r := runOn(t, state, v, may21)
	if r.parses != 1 || r.loads != 0 {
		t.Errorf("%d parses, %d loads; a summary read with its siblings must be read afresh", r.parses, r.loads)
	}
	if n := len(modelFiles(t, state)); n != 0 {
		t.Errorf("%d models stored, want none", n)
	}
}

// The store stays within its limits: models unused for a month and
// temporary files a crash left go, then the oldest until it is within
// its budget; and it is listed at most hourly, whichever process writes.
func TestModelStorePrunes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	put := func(name string, age time.Duration) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, make([]byte, 100), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	put("month-old", modelMaxAge+time.Hour)
	put(".m9.123.tmp", 2*time.Hour)
	put(".m8.456.tmp", time.Minute) // being written by another process
	for i := range 6 {
		put("m"+string(rune('0'+i)), time.Duration(6-i)*time.Hour) // m0 the oldest
	}
	s := newModelStore(dir)
	s.maxEntries = 4 // of the 7 left: down to 3
	s.prune()
	want := []string{".m8.456.tmp", ".pruned", "m4", "m5"}
	got := []string{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after pruning: %v, want %v", got, want)
	}

	// Another process within the hour does not list the store again.
	put("month-old", modelMaxAge+time.Hour)
	newModelStore(dir).prune()
	if _, err := os.Stat(filepath.Join(dir, "month-old")); err != nil {
		t.Errorf("the store was pruned again within the hour: %v", err)
	}
}
