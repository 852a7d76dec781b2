package statusread

import (
	"fmt"
	"sync"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// parseMemo keeps, for each status source, what its last document read to,
// so a long-running process (the dashboard, serve) that gets the same
// document again — a 304 answered from the validator store, or the same
// bytes from a server that sends no validators — reuses the parsed model
// instead of parsing a year of Google incidents or an HTML page every
// minute. The key is the source's settings, the URL that answered and the
// document's checksum, so a changed document is always read afresh. The
// model is copied in and out: callers change what they get (feeds drop
// stale items, filters keep some components).
type parseMemo struct {
	mu sync.Mutex
	m  map[string]memoEntry // by source URL
}

type memoEntry struct {
	key string
	st  *observe.Status
}

// sourceKey names a source as read with spec's settings, cut to lim: the
// components kept depend on the ones a vendor names, and two vendors may
// read one page for different components.
func sourceKey(spec catalog.SourceSpec, lim statuspage.Limits) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%d %d %d %d %d %q", spec.Format, spec.Selector, spec.Healthy, spec.URL,
		lim.Components, lim.Incidents, lim.Maintenances, lim.Updates, lim.Affected, lim.Keep)
}

// memoKey identifies a document as read with spec's settings, cut to lim:
// the source, the URL that answered (final) and the document's
// fetch.Digest d (its length and two checksums). A 304 answered from the
// store names its document from the stored header without reading the
// body, with the same key as the same bytes in a 200.
func memoKey(spec catalog.SourceSpec, final string, d fetch.Digest, lim statuspage.Limits) string {
	return fmt.Sprintf("%s\x00%s\x00%08x%08x\x00%d", sourceKey(spec, lim), final, d.IEEE, d.Castagnoli, d.Len)
}

// get returns a copy of the model read from the same document, or nil.
func (m *parseMemo) get(url, key string) *observe.Status {
	if key == "" {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.m[url]; ok && e.key == key {
		return e.st.Clone()
	}
	return nil
}

// has reports whether get would return a model.
func (m *parseMemo) has(url, key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[url]
	return ok && key != "" && e.key == key
}

// put remembers a copy of st as what the document identified by key reads
// to.
func (m *parseMemo) put(url, key string, st *observe.Status) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]memoEntry{}
	}
	m.m[url] = memoEntry{key: key, st: st.Clone()}
}
