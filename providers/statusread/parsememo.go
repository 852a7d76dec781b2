package statusread

import (
	"strconv"
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
// minute. A model read back from the state dir's store (modelStore) is
// not kept here too: the store holds it for the process's life. The key
// is the source's settings, the URL that answered and the
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
// read one page for different components. It is built by hand, not with
// fmt: a check asks for it several times per source, and at 5,000 sources
// fmt.Sprintf was 5 % of a warm check's CPU.
func sourceKey(spec catalog.SourceSpec, lim statuspage.Limits) string {
	b := make([]byte, 0, 64+len(spec.URL)+len(spec.Selector)+len(spec.Healthy))
	for _, f := range []string{string(spec.Format), spec.Selector, spec.Healthy, spec.URL} {
		b = append(b, f...)
		b = append(b, 0)
	}
	for i, n := range []int{lim.Components, lim.Incidents, lim.Maintenances, lim.Updates, lim.Affected} {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	b = append(b, " ["...)
	for i, k := range lim.Keep {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendQuote(b, k)
	}
	return string(append(b, ']'))
}

// memoKey identifies a document as read with the settings source names
// (sourceKey): the URL that answered (final) and the document's
// fetch.Digest d (its length and two checksums). A 304 answered from the
// store names its document from the stored header without reading the
// body, with the same key as the same bytes in a 200.
func memoKey(source, final string, d fetch.Digest) string {
	b := make([]byte, 0, len(source)+len(final)+40)
	b = append(append(append(b, source...), 0), final...)
	b = append(b, 0)
	b = appendHex8(b, d.IEEE)
	b = appendHex8(b, d.Castagnoli)
	b = append(b, 0)
	return string(strconv.AppendInt(b, int64(d.Len), 10))
}

// appendHex8 appends v as eight lower-case hexadecimal digits.
func appendHex8(b []byte, v uint32) []byte {
	const digits = "0123456789abcdef"
	for shift := 28; shift >= 0; shift -= 4 {
		b = append(b, digits[v>>uint(shift)&0xf])
	}
	return b
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
