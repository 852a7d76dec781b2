package correlate

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/vendorwatch/vendorwatch/internal/jsonarrays"
)

// MarshalJSON encodes the report with every list as a JSON array, never
// null: "vendors", "findings", a finding's "vendors", "keys" and "advice",
// a vendor's "keys", and every other slice inside. Scripts can then
// iterate without a guard (jq '.vendors[]' on a report with no vendors
// prints nothing instead of failing). The report itself is not changed.
//
// Text is not HTML-escaped here: the encoder that called this escapes it
// or not, as it was told (vendorwatch's own encoders do not, so an
// incident titled "A & B" reads as such in the snapshot).
//
// The document is built in one buffer, which becomes the result: no copy
// of it is kept (a process that checks once and exits would carry a kept
// one, megabytes at 5,000 vendors, into its peak memory).
func (r Report) MarshalJSON() ([]byte, error) {
	p := newJSONParts(nil)
	if err := r.writeParts(p); err != nil {
		return nil, err
	}
	return p.buf.Bytes(), nil
}

// WriteJSON writes to w what MarshalJSON returns, compact and without a
// trailing newline, in parts: the head up to the first vendor, then each
// vendor, each finding and each rotation with the punctuation before it,
// then the end, one Write each. A writer can then pass the document on
// while holding one vendor's JSON, never the whole report's (5,000
// vendors make megabytes), and no JSON string is ever split between two
// writes, so a redacting writer still sees each one whole.
func (r Report) WriteJSON(w io.Writer) error {
	return r.writeParts(newJSONParts(w))
}

// writeParts is WriteJSON into p.
func (r Report) writeParts(p *jsonParts) error {
	p.raw(`{"schema_version":`)
	p.value(r.SchemaVersion)
	p.raw(`,"generated_at":`)
	p.value(r.GeneratedAt)
	p.raw(`,"overall":`)
	p.value(r.Overall)
	p.raw(`,"verdict":`)
	p.value(jsonarrays.Of(r.Verdict))
	p.raw(`,"vendors":`)
	writeList(p, r.Vendors)
	p.raw(`,"findings":`)
	writeList(p, r.Findings)
	if len(r.Rotations) > 0 { // omitempty
		p.raw(`,"rotations":`)
		writeList(p, r.Rotations)
	}
	p.raw("}")
	p.flush()
	return p.err
}

// jsonParts collects a part of a document in buf and writes it to w when
// flushed (with no w, it collects the whole document); the first error
// stops the rest.
type jsonParts struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func newJSONParts(w io.Writer) *jsonParts {
	p := &jsonParts{w: w}
	p.enc = json.NewEncoder(&p.buf)
	p.enc.SetEscapeHTML(false)
	return p
}

// writeList writes items as a JSON array, an item a part, each with its
// lists filled.
func writeList[T any](p *jsonParts, items []T) {
	p.raw("[")
	for i := range items {
		p.flush()
		if i > 0 {
			p.raw(",")
		}
		// By pointer: an item is hundreds of bytes, and Of would copy it
		// once more, and value once again to box it.
		p.value(jsonarrays.Ptr(&items[i]))
	}
	p.raw("]")
}

// raw appends JSON punctuation and names.
func (p *jsonParts) raw(s string) {
	if p.err == nil {
		p.buf.WriteString(s)
	}
}

// value appends the JSON of v, as encoding/json writes a field holding it.
func (p *jsonParts) value(v any) {
	if p.err != nil {
		return
	}
	if p.err = p.enc.Encode(v); p.err == nil {
		p.buf.Truncate(p.buf.Len() - 1) // the newline Encode ends with
	}
}

// flush writes the part collected so far.
func (p *jsonParts) flush() {
	if p.w == nil || p.err != nil || p.buf.Len() == 0 {
		return
	}
	_, p.err = p.w.Write(p.buf.Bytes())
	p.buf.Reset()
}
