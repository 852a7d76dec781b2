package statusread

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// lazyRun is one --once process on a state dir and what it cost: the
// documents parsed, the models loaded from the store, the stored bodies
// read from the validator store, and the requests the page saw.
type lazyRun struct {
	source                observe.Source
	status                observe.Status
	parses, loads, bodies int64
}

func lazyOnce(t *testing.T, state string, v catalog.Vendor) lazyRun {
	t.Helper()
	r, p := checkOnceWith(t, state, v)
	if !r.Status.Sources[0].OK {
		t.Fatalf("source %+v", r.Status.Sources[0])
	}
	return lazyRun{source: r.Status.Sources[0], status: r.Status, parses: p.status.parses.Load(), loads: p.status.loads.Load(), bodies: p.status.cache.BodyReads()}
}

// A model read from the store is not copied into the process's memo as
// well: the store keeps its record for the process's life, so the copy
// only doubled what a large warm check holds. A long-running process that
// checks again decodes the record again, and reads the same.
func TestStoredModelIsNotCopiedIntoTheMemo(t *testing.T) {
	t.Parallel()
	_, state, v := storedPage(t)
	cold := lazyOnce(t, state, v)
	p := newTestPoller([]catalog.Vendor{v}, testFetcher())
	p.SetStateDir(state)
	for i := 1; i <= 2; i++ {
		r, _ := p.Check(context.Background()).Vendor(v.ID)
		if !r.Status.Sources[0].NotModified || p.status.parses.Load() != 0 || p.status.loads.Load() != int64(i) {
			t.Fatalf("check %d: %+v, %d parses, %d loads; want each 304 read from the model store", i, r.Status.Sources[0], p.status.parses.Load(), p.status.loads.Load())
		}
		sameModel(t, r.Status, cold.status)
	}
	p.status.parsed.mu.Lock()
	defer p.status.parsed.mu.Unlock()
	if n := len(p.status.parsed.m); n != 0 {
		t.Errorf("the memo holds %d models the store already holds", n)
	}
}

// A warm run whose documents answer 304 and whose models are stored
// never reads a stored body: the model is found by the digest the stored
// entry's header gives. The stored body is read only when the model is
// not known, and then parsed.
func TestWarm304ReadsNoBody(t *testing.T) {
	t.Parallel()
	page, state, v := storedPage(t)
	cold := lazyOnce(t, state, v)
	if cold.parses != 1 {
		t.Fatalf("cold run parsed %d documents", cold.parses)
	}
	warm := lazyOnce(t, state, v)
	if !warm.source.NotModified || warm.parses != 0 || warm.loads != 1 {
		t.Fatalf("warm run: %+v, %d parses, %d loads; want a 304 read from the model store", warm.source, warm.parses, warm.loads)
	}
	if warm.bodies != 0 {
		t.Errorf("warm run read %d stored bodies, want none: the model was known", warm.bodies)
	}
	sameModel(t, warm.status, cold.status)

	// A document stored whole (as serve stores one that changed) is read
	// and parsed when its model is not known.
	page.Set("anthropic__statuspage_summary_incident_investigating.json", `"v2"`, may21.Add(time.Hour))
	changed := storedWithBody(t, page, state, v)
	if err := os.Remove(filepath.Join(state, ModelsFile)); err != nil {
		t.Fatal(err)
	}
	reparsed := lazyOnce(t, state, v)
	if !reparsed.source.NotModified || reparsed.parses != 1 || reparsed.bodies != 1 {
		t.Fatalf("without models: %+v, %d parses, %d bodies read; want the stored body read once and parsed", reparsed.source, reparsed.parses, reparsed.bodies)
	}
	sameModel(t, reparsed.status, changed.Status)
}

// A first check keeps the validators of a document whose model it stored,
// not the document: the validator store holds none of its bytes, and the
// next process answers its 304 from the model. When the model is gone
// (models.bin lost, or written by another build) the request goes out
// without validators, since a 304 could not be read, and the document
// is parsed and its model stored again. One round trip either way.
func TestFirstCheckKeepsNoDocument(t *testing.T) {
	t.Parallel()
	page, state, v := storedPage(t)
	cold := lazyOnce(t, state, v)
	doc, err := os.ReadFile(filepath.Join("testdata", "anthropic__statuspage_summary_incident_investigating.json"))
	if err != nil {
		t.Fatal(err)
	}
	if held := storedBytes(t, state); bytes.Contains(held, doc[:64]) || len(held) >= len(doc) {
		t.Fatalf("the validator store holds %d bytes, the document among them; want its validators alone", len(held))
	}
	warm := lazyOnce(t, state, v)
	if !warm.source.NotModified || warm.parses != 0 || warm.loads != 1 || warm.bodies != 0 {
		t.Fatalf("warm run: %+v, %d parses, %d loads, %d bodies read; want the 304 answered from the model", warm.source, warm.parses, warm.loads, warm.bodies)
	}
	if h := page.Last(); h.Get("If-None-Match") != `"v1"` {
		t.Fatalf("the warm request was not conditional: %v", h)
	}

	if err := os.Remove(filepath.Join(state, ModelsFile)); err != nil {
		t.Fatal(err)
	}
	before := len(page.Seen())
	lost := lazyOnce(t, state, v)
	if seen := page.Seen()[before:]; len(seen) != 1 || seen[0].Get("If-None-Match") != "" {
		t.Fatalf("requests %v: want one, without validators, when the model is gone", seen)
	}
	if lost.source.NotModified || lost.parses != 1 {
		t.Fatalf("model gone: %+v, %d parses; want the document downloaded and parsed", lost.source, lost.parses)
	}
	sameModel(t, lost.status, cold.status)
	if again := lazyOnce(t, state, v); !again.source.NotModified || again.parses != 0 || again.bodies != 0 {
		t.Fatalf("after the model was stored again: %+v, %d parses, %d bodies; want a 304 from the model", again.source, again.parses, again.bodies)
	}
}

// storedBytes is everything the validator store's files hold.
func storedBytes(t *testing.T, state string) []byte {
	t.Helper()
	var all []byte
	ents, err := os.ReadDir(filepath.Join(state, "http"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(state, "http", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// A document's memo key is the same whether its bytes came in a 200 or
// from the store behind a 304: a model stored by a run that downloaded
// the document is found by a run that revalidated it, and the other way
// round.
func TestMemoKeySameFrom200And304(t *testing.T) {
	t.Parallel()
	page, state, v := storedPage(t)
	lazyOnce(t, state, v) // a 200: the model is stored
	if warm := lazyOnce(t, state, v); !warm.source.NotModified || warm.parses != 0 || warm.bodies != 0 {
		t.Fatalf("304 after a 200: %+v, %d parses, %d bodies read", warm.source, warm.parses, warm.bodies)
	}
	// The validator store is lost: the same bytes come in a 200, and the
	// model the 304 runs used is found for them.
	if err := os.RemoveAll(filepath.Join(state, "http")); err != nil {
		t.Fatal(err)
	}
	again := lazyOnce(t, state, v)
	if again.source.NotModified || again.parses != 0 || again.loads != 1 {
		t.Fatalf("200 after 304s: %+v, %d parses, %d loads; want the stored model", again.source, again.parses, again.loads)
	}
	if h := page.Last(); h.Get("If-None-Match") != "" {
		t.Fatalf("the request after losing the store was conditional: %v", h)
	}
}

// A stored body damaged in place (same length, a flipped bit) is found
// when it is read and never parsed: while its model is known the body is
// not needed and the answer is the model of the document the server
// confirmed; once the model is not known, the stored body fails its
// checksum, the entry is forgotten and the document downloaded in full,
// in the same check, which reads it and stores it again.
func TestDamagedBodyNeverParsed(t *testing.T) {
	t.Parallel()
	page, state, v := storedPage(t)
	stored := storedWithBody(t, page, state, v)
	damageEntry(t, state, v, func(b []byte) []byte {
		// Inside a string of the document, so a parser would read it.
		b[len(b)-20] ^= 0x01
		return b
	})
	known := lazyOnce(t, state, v)
	if !known.source.NotModified || known.parses != 0 || known.bodies != 0 {
		t.Fatalf("model known: %+v, %d parses, %d bodies read; want the stored model, the body unread", known.source, known.parses, known.bodies)
	}
	sameModel(t, known.status, stored.Status)

	if err := os.Remove(filepath.Join(state, ModelsFile)); err != nil {
		t.Fatal(err)
	}
	before := len(page.Seen())
	repaired := lazyOnce(t, state, v)
	seen := page.Seen()[before:]
	if len(seen) != 2 || seen[0].Get("If-None-Match") != `"v1"` || seen[1].Get("If-None-Match") != "" {
		t.Fatalf("requests %v: want the conditional one, then one in full after the damaged body", seen)
	}
	if repaired.source.NotModified || repaired.parses != 1 || repaired.bodies != 1 {
		t.Fatalf("model unknown: %+v, %d parses, %d bodies read; want the damaged body read, then the download parsed", repaired.source, repaired.parses, repaired.bodies)
	}
	sameModel(t, repaired.status, stored.Status)
	if next := lazyOnce(t, state, v); !next.source.NotModified || next.parses != 0 || next.bodies != 0 {
		t.Errorf("after the repair: %+v, %d parses, %d bodies read; want a 304 from the stored model", next.source, next.parses, next.bodies)
	}
}
