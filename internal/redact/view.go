package redact

// view is text read from the original, with a way back: the span of the
// original that any part of it came from, so that a match in the view
// blanks the original span, the junk between the pieces included.
type view struct {
	b []byte
	// m maps b back to the original; nil means b is the original.
	m mapper
}

// mapper finds the original span of part of a view.
type mapper interface {
	source(i, j int) (int, int)
}

// source is the span of the original that v.b[i:j] came from.
func (v view) source(i, j int) (int, int) {
	if v.m == nil {
		return i, j
	}
	return v.m.source(i, j)
}

// slice is the part [i, j) of v as a view of its own.
func (v view) slice(i, j int) view { return view{b: v.b[i:j], m: offsetMap{parent: v, off: i}} }

// offsetMap maps a slice of a view to the view.
type offsetMap struct {
	parent view
	off    int
}

func (o offsetMap) source(i, j int) (int, int) { return o.parent.source(o.off+i, o.off+j) }

// base64Map maps bytes decoded from base64 characters parent.b[start:] to
// the characters that hold their bits: byte k has bits in characters
// 8k/6 to (8k+7)/6.
type base64Map struct {
	parent view
	start  int
}

func (m base64Map) source(i, j int) (int, int) {
	return m.parent.source(m.start+i*8/6, m.start+((j-1)*8+7)/6+1)
}

// hexMap maps bytes decoded from hex digits parent.b[start:] to their two
// digits.
type hexMap struct {
	parent view
	start  int
}

func (m hexMap) source(i, j int) (int, int) { return m.parent.source(m.start+2*i, m.start+2*j) }
