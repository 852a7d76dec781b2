package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"
)

// index holds the 8-grams (runs of minRun bytes) of every registered
// secret, packed into uint64s, with a bit filter in front of the map so
// that the common byte, which starts no 8-gram of any secret, costs a
// multiply and a bit test.
type index struct {
	// grams maps an 8-gram to true when it holds a secret character, and
	// to false when it lies wholly inside a vendor's public key prefix
	// (sk-proj-): such a run is blanked only as part of a secret run.
	grams  map[uint64]bool
	filter []uint64
}

// filterBits is log2 of the filter's size in bits: 2^18 bits (32 KiB)
// keep false hits near 2% with a hundred keys.
const filterBits = 18

func buildIndex(secrets map[string]struct{}) *index {
	ix := &index{grams: map[uint64]bool{}, filter: make([]uint64, 1<<filterBits/64)}
	for s := range secrets {
		for _, form := range forms(s) {
			public := len(PublicPrefix(form))
			for i := 0; i+minRun <= len(form); i++ {
				ix.put(gram(form, i), i+minRun > public)
			}
		}
		ix.putEncoded(s, len(PublicPrefix(s)))
	}
	return ix
}

// put adds an 8-gram; secret says it holds a secret character.
func (ix *index) put(g uint64, secret bool) {
	ix.grams[g] = ix.grams[g] || secret
	h := hash(g)
	ix.filter[h/64] |= 1 << (h % 64)
}

// putEncoded adds the 8-grams of the secret's base64 (both alphabets, each
// of the three ways its bytes can fall into base64's 3-byte groups) and
// hex (both cases) spellings, so that an encoded key is found by the scan
// itself. Only the characters that the secret's bytes alone decide are
// used: the first and last of a spelling also hold bits of what is
// around the key. An 8-gram whose bytes lie wholly in the public prefix
// is public, as for the key itself.
func (ix *index) putEncoded(s string, public int) {
	raw := []byte(s)
	for off := 0; off < 3 && off < len(raw); off++ {
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			e := enc.EncodeToString(raw[off:])
			if (len(raw)-off)%3 != 0 {
				e = e[:len(e)-1] // its last bits are the next byte's
			}
			for c := 0; c+minRun <= len(e); c++ {
				last := off + (6*(c+minRun-1)+5)/8 // the last byte the 8-gram holds bits of
				ix.put(gram(e, c), last >= public)
			}
		}
	}
	for _, h := range []string{hex.EncodeToString(raw), strings.ToUpper(hex.EncodeToString(raw))} {
		for c := 0; c+minRun <= len(h); c++ {
			ix.put(gram(h, c), (c+minRun-1)/2 >= public)
		}
	}
}

// forms are the spellings of a secret the index must know: as given, and
// as normalize reads it (a secret holding "%41" or a space is found
// decoded in the normalized text).
func forms(s string) []string {
	out := []string{s}
	v, _ := normalize(view{b: []byte(s)}, level{}, nil)
	if n := string(v.b); n != s && len(n) >= minRun {
		out = append(out, n)
	}
	return out
}

func gram[T string | []byte](b T, i int) uint64 {
	return uint64(b[i]) | uint64(b[i+1])<<8 | uint64(b[i+2])<<16 | uint64(b[i+3])<<24 |
		uint64(b[i+4])<<32 | uint64(b[i+5])<<40 | uint64(b[i+6])<<48 | uint64(b[i+7])<<56
}

func hash(g uint64) uint64 { return (g * 0x9E3779B97F4A7C15) >> (64 - filterBits) }

func (ix *index) maybe(g uint64) bool {
	h := hash(g)
	return ix.filter[h/64]&(1<<(h%64)) != 0
}

// span is a range of the original text, [lo, hi).
type span struct{ lo, hi int }

// find returns the spans of b to blank, sorted and merged.
func (ix *index) find(b []byte) []span {
	f := finder{ix: ix, subs: subs{room: 4*len(b) + 4096}}
	orig := view{b: b}
	f.scan(orig)
	clean, changed := normalize(orig, level{}, &f.subs)
	if changed {
		f.scan(clean)
		if bytes.ContainsAny(b, `\%&`) {
			f.scan(strip(orig))
		}
	}
	f.decodeRuns(clean, level{})
	// Escape-string payloads (an OSC title, a hyperlink) are dropped from
	// the clean text, as a terminal drops them; they are read on their
	// own, like decoded runs, for the text that is not a terminal's.
	for i := 0; i < len(f.subs.list); i++ {
		s := f.subs.list[i]
		f.scan(s.v)
		if n, changed := normalize(s.v, s.at, &f.subs); changed {
			f.scan(n)
			f.decodeRuns(n, s.at)
		} else {
			f.decodeRuns(s.v, s.at)
		}
	}
	return merge(f.spans)
}

// level says how far a view lies from the original: how many decodings
// (base64, hex) and how many escape strings down.
type level struct{ depth, nest int }

// Bounds on how far the views go: base64 inside base64 is read, and
// escape strings nested four deep.
const (
	maxDepth = 2
	maxNest  = 4
)

// finder collects the spans to blank over the views of one text.
type finder struct {
	ix      *index
	spans   []span
	subs    subs
	scratch []byte // decoded bytes, until they are kept
}

// subs are the parts of the text to be read on their own (escape-string
// payloads), within a budget of bytes so that nested introducers cannot
// make the work quadratic.
type subs struct {
	list []sub
	room int
}

type sub struct {
	v  view
	at level
}

func (s *subs) add(v view, at level) {
	if at.nest > maxNest || len(v.b) > s.room {
		return
	}
	s.room -= len(v.b)
	s.list = append(s.list, sub{v: v, at: at})
}

// scan finds the runs of v made of secret 8-grams. Overlapping and
// touching 8-grams form one run; a run made only of public-prefix
// 8-grams (the start of a fingerprint) is left alone.
func (f *finder) scan(v view) {
	b := v.b
	start, end, secret := 0, -1, false
	flush := func() {
		if end > start && secret {
			lo, hi := v.source(start, end)
			f.spans = append(f.spans, span{lo, hi})
		}
	}
	for i := 0; i+minRun <= len(b); i++ {
		g := binary.LittleEndian.Uint64(b[i:])
		if !f.ix.maybe(g) {
			continue
		}
		s, ok := f.ix.grams[g]
		if !ok {
			continue
		}
		if i <= end {
			end, secret = i+minRun, secret || s
			continue
		}
		flush()
		start, end, secret = i, i+minRun, s
	}
	flush()
}

// merge sorts spans and joins those that overlap or touch.
func merge(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	slices.SortFunc(spans, func(a, b span) int { return a.lo - b.lo })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.lo <= last.hi {
			last.hi = max(last.hi, s.hi)
			continue
		}
		out = append(out, s)
	}
	return out
}
