package statusread

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/internal/redact"
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

// storedFile is the model store's file: its bytes and time, and how many
// models it holds for this build.
type storedFile struct {
	bytes  []byte
	mod    time.Time
	models int
}

func modelFile(t *testing.T, state string) storedFile {
	t.Helper()
	path := filepath.Join(state, ModelsFile)
	var f storedFile
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	f.bytes = b
	if fi, err := os.Stat(path); err == nil {
		f.mod = fi.ModTime()
	}
	s := settledStore(path)
	s.open()
	f.models = len(s.records)
	return f
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
			stored := modelFile(t, state)
			if stored.models != 1 {
				t.Fatalf("the cold run stored %d models, want 1", stored.models)
			}

			warm := runOn(t, state, v, may21)
			if warm.parses != 0 || warm.loads != 1 {
				t.Errorf("warm run: %d parses, %d loads; want 0 and 1: the document was parsed again", warm.parses, warm.loads)
			}
			if tt.etag != "" && !warm.status.Sources[0].NotModified {
				t.Errorf("warm run was not a 304: %+v", warm.status.Sources[0])
			}
			sameModel(t, warm.status, cold.status)
			if now := modelFile(t, state); !reflect.DeepEqual(now, stored) {
				t.Errorf("an unchanged run wrote to the model store: %d bytes at %s, was %d at %s", len(now.bytes), now.mod, len(stored.bytes), stored.mod)
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

// A damaged store, a record another build wrote, or one of another
// document, is never used and never fails the check: the document is
// parsed, as with an empty store, and its model stored again.
func TestModelStoreFallsBackToParsing(t *testing.T) {
	t.Parallel()
	other := func(build [8]byte, key string) func([]byte, storeFixture) []byte {
		return func(b []byte, f storeFixture) []byte {
			s := settledStore(f.path)
			s.build = build
			if key == "" {
				key = f.key
			}
			s.store(f.source, key, &observe.Status{State: observe.MajorOutage, Description: "not this document's", Claims: true})
			return appendFrame(b, s.pending[0].body)
		}
	}
	for _, tt := range []struct {
		name   string
		damage func(b []byte, f storeFixture) []byte
		// intact says the document's own record is still whole and is
		// read; else the document is parsed.
		intact bool
	}{
		{"empty", func([]byte, storeFixture) []byte { return nil }, false},
		{"cut short", func(b []byte, _ storeFixture) []byte { return b[:len(b)/2] }, false},
		{"a byte flipped", func(b []byte, _ storeFixture) []byte { b[len(b)/2] ^= 0x40; return b }, false},
		{"a byte flipped in the length", func(b []byte, _ storeFixture) []byte { b[2] ^= 0x7f; return b }, false},
		{"not a store", func([]byte, storeFixture) []byte { return []byte(`{"state":"major_outage"}`) }, false},
		{"a newer record of another document", other(settledStore("x").build, "another key"), false},
		{"a torn record after it", func(b []byte, _ storeFixture) []byte { return append(b, b[:len(b)-3]...) }, true},
		{"a newer record of another build", other([8]byte{1}, ""), true},
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

			f := fixtureOf(t, state, v)
			b, err := os.ReadFile(f.path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f.path, tt.damage(b, f), 0o600); err != nil {
				t.Fatal(err)
			}

			r := runOn(t, state, v, may21)
			if want := map[bool]int64{true: 0, false: 1}[tt.intact]; r.parses != want || r.loads != 1-want {
				t.Errorf("%d parses, %d loads; want %d parses", r.parses, r.loads, want)
			}
			sameModel(t, r.status, cold.status)
			if after := runOn(t, state, v, may21); after.loads != 1 || after.parses != 0 {
				t.Errorf("the model was not stored again: the next run made %d parses, %d loads", after.parses, after.loads)
			}
		})
	}
}

// storeFixture names the one source of a test vendor in the store.
type storeFixture struct {
	path, source, key string
}

func fixtureOf(t *testing.T, state string, v catalog.Vendor) storeFixture {
	t.Helper()
	f := storeFixture{path: filepath.Join(state, ModelsFile), source: sourceKey(v.Sources[0], limitsFor(&v))}
	s := settledStore(f.path)
	s.open()
	r, ok := s.records[sourceID(f.source)]
	if !ok {
		t.Fatal("the source has no model stored")
	}
	d := &modelDecoder{b: r.body[8+16:]}
	d.int()
	f.key = d.str()
	return f
}

// The store keeps models as parsed, before the clock is applied: a
// process a month later drops the feed's stale items from what it loaded,
// one back at the first time has them all again, a maintenance stored
// as scheduled reads as in progress to a process inside its window, and a
// resolved incident read months after its end keeps only its newest update.
func TestModelStoreIsTimeless(t *testing.T) {
	t.Parallel()
	t.Run("stale feed items", func(t *testing.T) {
		t.Parallel()
		v, state := servedVendor(t, "vapi__betterstack_feed_outage_synthetic.rss", "/feed.rss", statuspage.Feed)
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
		v, state := servedVendor(t, "vapi__betterstack_index_maintenance_tomorrow_derived.json", "/index.json", statuspage.BetterStack)
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
	t.Run("resolved incident detail", func(t *testing.T) {
		t.Parallel()
		v, state := servedVendor(t, "google-cloud__incidents.json", "/incidents.json", statuspage.Google)
		// The newest incident ended 2026-09-01 18:52 UTC.
		end := time.Date(2026, 9, 1, 18, 52, 0, 0, time.UTC)
		fresh := runOn(t, state, v, end.Add(time.Hour))
		later := runOn(t, state, v, end.AddDate(0, 3, 0))
		again := runOn(t, state, v, end.Add(time.Hour))
		if later.loads != 1 || again.loads != 1 {
			t.Fatalf("loads %d and %d, want the stored model read both times", later.loads, again.loads)
		}
		newest := func(r storeRun) observe.Incident {
			i := slices.IndexFunc(r.status.Incidents, func(in observe.Incident) bool { return in.ResolvedAt.Equal(end) })
			if i < 0 {
				t.Fatalf("the incident that ended at %v is missing: %+v", end, r.status.Incidents)
			}
			return r.status.Incidents[i]
		}
		if in := newest(fresh); len(in.Updates) < 2 || in.UpdatesOmitted != 0 {
			t.Fatalf("an hour after its end: %d updates, %d omitted; want every update", len(in.Updates), in.UpdatesOmitted)
		}
		all := len(newest(fresh).Updates)
		if in := newest(later); len(in.Updates) != 1 || in.UpdatesOmitted != all-1 || in.Updates[0] != newest(fresh).Updates[0] {
			t.Errorf("three months later: %d updates, %d omitted; want the newest of %d", len(in.Updates), in.UpdatesOmitted, all)
		}
		sameModel(t, again.status, fresh.status)
	})
}

// servedVendor is a vendor whose one source, fixture served at path in
// format, answers from a test server, and an empty state dir for it.
func servedVendor(t *testing.T, fixture, path string, format statuspage.Format) (catalog.Vendor, string) {
	t.Helper()
	page := &vendortest.Page{}
	page.Set(fixture, `"v1"`, time.Time{})
	srv := httptest.NewServer(page)
	t.Cleanup(srv.Close)
	return catalog.Vendor{ID: "v", Name: "V", Sources: []catalog.SourceSpec{{URL: srv.URL + path, Format: format}}}, t.TempDir()
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
	if n := modelFile(t, state).models; n != 0 {
		t.Errorf("%d models stored, want none", n)
	}
}

// Records replaced by newer ones are dropped when they outweigh the live
// ones, and models no process has read for a month when the file is
// rewritten: the file stays about the size of what it holds.
func TestModelStoreCompacts(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ModelsFile)
	big := &observe.Status{Description: strings.Repeat("x", 64<<10)}
	t0 := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	for i := range 20 { // twenty checks in which source a changed
		s := settledStore(path)
		s.now = func() time.Time { return t0.Add(time.Duration(i) * time.Minute) }
		s.store("a", "key "+strconv.Itoa(i), big)
		if i == 0 {
			s.store("b", "key", &observe.Status{Description: "b"})
		}
		s.flush()
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if max := int64(2*len(big.Description) + modelSlack + 4096); fi.Size() > max {
		t.Errorf("the file is %d bytes after 20 changes of one model, want at most %d", fi.Size(), max)
	}
	s := settledStore(path)
	if st := s.load("a", "key 19"); st == nil || st.Description != big.Description {
		t.Error("the newest model of a was lost")
	}
	if s.load("b", "key") == nil {
		t.Error("b was lost")
	}

	// A month on, a process that reads b and stores c rewrites the file
	// (forced here): a, read by nobody since, is dropped.
	s = settledStore(path)
	s.now = func() time.Time { return t0.Add(modelMaxAge + time.Hour) }
	if s.load("b", "key") == nil {
		t.Fatal("b was lost")
	}
	s.rewrite = true
	s.store("c", "key", &observe.Status{Description: "c"})
	s.flush()
	s = settledStore(path)
	if s.load("a", "key 19") != nil || s.load("b", "key") == nil || s.load("c", "key") == nil {
		t.Errorf("after a month: want a dropped, b and c kept")
	}
}

// Two processes on one state dir each add their models to the file,
// whichever read it first; a third reads both.
func TestModelStoreSharedByProcesses(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ModelsFile)
	a, b := settledStore(path), settledStore(path)
	a.load("x", "key") // a has read the (empty) file
	b.store("b", "key", &observe.Status{Description: "from b"})
	b.flush()
	a.store("a", "key", &observe.Status{Description: "from a"})
	a.flush()
	c := settledStore(path)
	if st := c.load("a", "key"); st == nil || st.Description != "from a" {
		t.Errorf("a's model: %+v", st)
	}
	if st := c.load("b", "key"); st == nil || st.Description != "from b" {
		t.Errorf("b's model: %+v", st)
	}
}

// A vendor that echoes a key in its status page does not put it in the
// state dir: every text of a stored model passes the redactor, and the
// record still reads back.
func TestModelStoreRedacts(t *testing.T) {
	t.Parallel()
	key := fixture.OpenAIKey
	redact.Register(key)
	// Split by invisible characters, as vendors' pages have done.
	disguised := key[:20] + "\u200b" + key[20:40] + "\u00ad" + key[40:]
	path := filepath.Join(t.TempDir(), ModelsFile)
	s := settledStore(path)
	s.store("src", "key", &observe.Status{
		Description: "keys like " + key + " fail",
		Incidents:   []observe.Incident{{Title: "API keys such as " + disguised + " are rejected", Components: []string{key}}},
	})
	s.flush()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	noKeyIn(t, b, key)
	st := settledStore(path).load("src", "key")
	if st == nil || !strings.Contains(st.Description, redact.Placeholder) {
		t.Errorf("the redacted model does not read back: %+v", st)
	}
}

// A process resolves its keys while its first status pages are read (the
// probes run beside them): a page that echoes a key the redactor does not
// know yet is kept in memory, not written, until the reader is settled,
// and what is written then has the key blanked. Without the wait the key
// reaches the file.
func TestModelStoreWaitsForTheKeys(t *testing.T) {
	t.Parallel()
	key := fixture.GroqKey // registered by no other test of this package
	path := filepath.Join(t.TempDir(), ModelsFile)
	s := newModelStore(path)
	s.store("src", "key", &observe.Status{Description: "keys like " + key + " fail"})
	s.flush() // the reads of the first round ended
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the store wrote before the keys were resolved (%v)", err)
	}
	redact.Register(key) // the probe resolved it
	s.settle()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	noKeyIn(t, b, key)
	st := newModelStore(path).load("src", "key")
	if st == nil || !strings.Contains(st.Description, redact.Placeholder) {
		t.Errorf("the settled model does not read back: %+v", st)
	}
}

// A store whose reads never pause (a long-running process with reads
// always under way) still writes what it parsed, once a minute's worth is
// pending.
func TestModelStoreWritesWithoutPause(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ModelsFile)
	s := settledStore(path)
	now := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	s.store("a", "key", &observe.Status{Description: "a"})
	if settledStore(path).load("a", "key") != nil {
		t.Fatal("written before the round ended")
	}
	now = now.Add(maxPendingFor)
	s.store("b", "key", &observe.Status{Description: "b"})
	r := settledStore(path)
	if r.load("a", "key") == nil || r.load("b", "key") == nil {
		t.Error("a minute of models is still pending")
	}
}

// settledStore is the store at path of a process whose keys are resolved:
// one that writes.
func settledStore(path string) *modelStore {
	s := newModelStore(path)
	if s != nil {
		s.settled = true
	}
	return s
}

// noKeyIn fails when b, a models file, holds 12 characters in a row of
// key's secret part: as it is, or in its segments decompressed, where the
// raw bytes cannot show a key.
func noKeyIn(t *testing.T, b []byte, key string) {
	t.Helper()
	secret := key[len(redact.PublicPrefix(key)):]
	texts := [][]byte{b}
	for rest := b; isSegment(rest); {
		framed, n, err := nextSegment(rest)
		if err != nil {
			t.Fatalf("a damaged segment in the file: %v", err)
		}
		texts, rest = append(texts, framed), rest[n:]
	}
	if len(texts) == 1 {
		t.Fatal("the file holds no segment")
	}
	for _, text := range texts {
		for i := 0; i+12 <= len(secret); i++ {
			if bytes.Contains(text, []byte(secret[i:i+12])) {
				t.Fatalf("the store holds %q of the key", secret[i:i+12])
			}
		}
	}
}

// The file is written in segments, compressed: a cold check's models of
// repetitive pages take a fraction of their size, and read back whole.
func TestModelStoreWritesSegments(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ModelsFile)
	s := settledStore(path)
	incidents := make([]observe.Incident, 50)
	for i := range incidents {
		incidents[i] = observe.Incident{ID: strconv.Itoa(i), Title: "Elevated error rates on the API", Status: "resolved",
			Updates: []observe.Update{{Status: "resolved", Body: "This incident has been resolved. We will publish a review."}}}
	}
	for i := range 40 {
		s.store("src "+strconv.Itoa(i), "key", &observe.Status{State: observe.Operational, Description: "All Systems Operational", Incidents: incidents})
	}
	models := framedSize(s.pending)
	s.flush()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !isSegment(b) || len(b)*6 > models {
		t.Errorf("the file is %d bytes for %d of models (a segment: %v), want a sixth or less", len(b), models, isSegment(b))
	}
	r := settledStore(path)
	for i := range 40 {
		if st := r.load("src "+strconv.Itoa(i), "key"); st == nil || len(st.Incidents) != 50 || st.Incidents[49].Updates[0].Body != incidents[49].Updates[0].Body {
			t.Fatalf("model %d does not read back whole", i)
		}
	}
}

// Storing a model allocates about its size: it is encoded into a pooled
// buffer and copied out, where a buffer grown by doubling allocated three
// times the model (64 MB for the 11 MB a cold check of 5,000 vendors
// stores). Not parallel: it counts the bytes the whole process allocates.
func TestModelStoreAllocatesTheModelsSize(t *testing.T) {
	if fixture.RaceEnabled {
		t.Skip("the race detector allocates beside the code measured and drops pooled buffers")
	}
	data, err := os.ReadFile(filepath.Join("testdata", "google-cloud__incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := statuspage.Parse(statuspage.Google, data)
	if err != nil {
		t.Fatal(err)
	}
	size := len(encodeModel(nil, st))
	s := newModelStore(filepath.Join(t.TempDir(), ModelsFile))
	s.store("warm", "key", st) // the pool's first buffer
	const n = 50
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range n {
		s.store("src"+strconv.Itoa(i), "key", st)
	}
	runtime.ReadMemStats(&after)
	if per := float64(after.TotalAlloc-before.TotalAlloc) / n; per > 1.5*float64(size) {
		t.Errorf("storing a model of %d bytes allocated %.0f bytes, want at most 1.5 times its size", size, per)
	}
}
