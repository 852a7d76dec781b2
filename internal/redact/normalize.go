package redact

import (
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi/parser"
)

// maxPasses bounds the normalizing passes over one text: each pass
// decodes one layer ("%5Cu200b" is a JSON escape once the %XX is gone).
const maxPasses = 4

// normalize reads v the way a terminal or a decoder would, pass after
// pass until a pass changes nothing: see pass. The payloads of escape
// strings it drops are added to subs (when not nil), to be read on their
// own. It reports whether anything changed.
func normalize(v view, where level, subs *subs) (view, bool) {
	changed := false
	for range maxPasses {
		if !special(v.b) {
			break
		}
		n, ok, again := pass(v, where, subs, true)
		if !ok {
			break
		}
		v, changed = n, true
		if !again {
			break
		}
	}
	return v, changed
}

// plain marks the ASCII bytes a pass copies as they are: printable,
// neither space nor the start of an escape, an entity or a tag.
var plain = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = true
	}
	for _, c := range `\%&<` {
		t[c] = false
	}
	return t
}()

// special reports whether a pass could change b.
func special(b []byte) bool {
	for _, c := range b {
		if !plain[c] {
			return true
		}
	}
	return false
}

// builder accumulates a pass's output and, when it tracks, the source of
// each byte. A pass runs without tracking; the sources are worked out by
// running it again (passMap) only when a match needs them, which most
// texts never do.
type builder struct {
	src    view
	track  bool
	b      []byte
	lo, hi []int32
}

// emitRun appends src.b[i:j] as it is.
func (w *builder) emitRun(i, j int) {
	w.b = append(w.b, w.src.b[i:j]...)
	if !w.track {
		return
	}
	lo, hi := w.lo, w.hi // appended locally, stored once: no write barrier a byte
	for k := i; k < j; k++ {
		l, h := w.src.source(k, k+1)
		lo, hi = append(lo, int32(l)), append(hi, int32(h))
	}
	w.lo, w.hi = lo, hi
}

// emit appends bytes read from src.b[i:j].
func (w *builder) emit(i, j int, bs ...byte) {
	w.b = append(w.b, bs...)
	if !w.track {
		return
	}
	l, h := w.src.source(i, j)
	lo, hi := w.lo, w.hi
	for range bs {
		lo, hi = append(lo, int32(l)), append(hi, int32(h))
	}
	w.lo, w.hi = lo, hi
}

// passMap is the source of a pass's output: the pass run again over its
// input, tracking, the first time a span is asked for.
type passMap struct {
	in     view
	decode bool
	lo, hi []int32
}

func (p *passMap) source(i, j int) (int, int) {
	if p.lo == nil {
		w := builder{src: p.in, track: true, b: make([]byte, 0, len(p.in.b)),
			lo: make([]int32, 0, len(p.in.b)), hi: make([]int32, 0, len(p.in.b))}
		run(&w, p.in, level{}, nil, p.decode)
		p.lo, p.hi = w.lo, w.hi
	}
	return int(p.lo[i]), int(p.hi[j-1])
}

// emitRune appends r, read from src.b[i:j], unless it is invisible. A
// decoded control character is kept for the next pass, which reads it as
// a terminal would: "\u001b[0m" is one sequence, and a BEL ends an OSC.
func (w *builder) emitRune(i, j int, r rune) {
	if junk(r) && !unicode.IsControl(r) {
		return
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	w.emit(i, j, buf[:n]...)
}

// pass makes one layer of v plain: it drops escape sequences (as
// charmbracelet/x/ansi's Strip, which termtext uses, reads them), control,
// format, zero-width and white-space characters, soft hyphens, NULs and
// bare HTML tags, and decodes JSON and C escapes (\uXXXX, \/, \xHH), URL
// encoding (%XX) and HTML character references (&#NN;, &#xHH;, &amp;).
// It reports whether anything changed.
//
// It also reports whether another pass may change the output: when it
// decoded something, or dropped something right after the start of an
// escape ("%2", a zero-width space, "0").
func pass(v view, where level, subs *subs, decode bool) (out view, changed, again bool) {
	w := builder{src: v, b: make([]byte, 0, len(v.b))}
	changed, again = run(&w, v, where, subs, decode)
	if !changed {
		return v, false, false
	}
	return view{b: w.b, m: &passMap{in: v, decode: decode}}, true, again
}

// run is pass's loop, writing to w; it reports whether anything changed
// and whether another pass may change more.
func run(w *builder, v view, where level, subs *subs, decode bool) (changed, again bool) {
	in := v.b
	for i := 0; i < len(in); {
		c := in[i]
		if plain[c] {
			j := i + 1
			for j < len(in) && plain[in[j]] {
				j++
			}
			w.emitRun(i, j)
			i = j
			continue
		}
		n := 0
		switch {
		case c == 0x1b:
			n = escape(in, i, v, where, subs)
		case !decode && (c == '\\' || c == '%' || c == '&'):
		case c == '\\':
			if r, m, isByte := backslash(in[i:]); m > 0 {
				if isByte {
					emitByte(w, i, i+m, byte(r))
				} else {
					w.emitRune(i, i+m, r)
				}
				n, again = m, true
			}
		case c == '%':
			if i+2 < len(in) && isHex(in[i+1]) && isHex(in[i+2]) {
				emitByte(w, i, i+3, unhex(in[i+1])<<4|unhex(in[i+2]))
				n, again = 3, true
			}
		case c == '&':
			if r, m := entity(in[i:]); m > 0 {
				w.emitRune(i, i+m, r)
				n, again = m, true
			}
		case c == '<':
			n = tag(in[i:])
		case c < 0x80:
			n = 1 // a control character or white space
		default:
			r, size := utf8.DecodeRune(in[i:])
			switch {
			case r == utf8.RuneError && size == 1 && c >= 0xc2 && c <= 0xf4:
				n = badLead(w, in, i) // as a terminal's parser takes it
			case r == utf8.RuneError && size == 1 && c <= 0x9f:
				n = escape(in, i, v, where, subs) // an 8-bit C1 control
			case junk(r):
				n = size
			default:
				w.emit(i, i+size, in[i:i+size]...)
				i += size
				continue
			}
		}
		if n == 0 { // not an escape after all: the byte as it is
			w.emit(i, i+1, c)
			i++
			continue
		}
		changed = true
		again = again || escapeEnds(w.b)
		i += n
	}
	return changed, again
}

// escapeEnds reports whether the end of b may be the start of an escape
// that what follows completes.
func escapeEnds(b []byte) bool {
	for i := max(0, len(b)-6); i < len(b); i++ {
		switch b[i] {
		case '\\', '%', '&', '<', 0x1b:
			return true
		}
	}
	return false
}

// badLead reads an invalid UTF-8 sequence at in[i] the way termtext's
// Strip and strings.Map do: the parser takes the lead byte and the bytes
// its length promises, whatever they are, as one character, so no escape
// starts among them; the invalid character is then dropped, but an ASCII
// byte among them is still shown. It returns the length read.
func badLead(w *builder, in []byte, i int) int {
	n := 2
	switch {
	case in[i] >= 0xf0:
		n = 4
	case in[i] >= 0xe0:
		n = 3
	}
	n = min(n, len(in)-i)
	for k := i + 1; k < i+n; k++ {
		if c := in[k]; c > ' ' && c < 0x7f {
			w.emit(k, k+1, c)
		}
	}
	return n
}

// strip is one pass over v that drops what a terminal does not show
// and decodes nothing: a terminal shows "\u0007" as six characters, and
// their last may continue a key.
func strip(v view) view {
	s, _, _ := pass(v, level{}, nil, false)
	return s
}

// emitByte appends a decoded byte, dropping a space at once; a control
// character or a byte of a multi-byte character waits for the next pass.
func emitByte(w *builder, i, j int, c byte) {
	if c == ' ' {
		return
	}
	w.emit(i, j, c)
}

// junk reports whether r is invisible or spacing: white space, control
// and format characters (zero-width space and joiners, U+2060, U+FEFF,
// soft hyphen, bidi controls), variation selectors, other default-ignorable
// characters and U+FFFD.
func junk(r rune) bool {
	if r < 0x80 {
		return r <= 0x20 || r == 0x7f
	}
	return r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) ||
		unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// escape returns the length of the escape sequence at in[i] (ESC or an
// 8-bit C1 control), read with the state table of the parser behind
// termtext's Strip, so a sequence ends exactly where the terminal text
// resumes. The payload of an escape string (OSC, DCS, SOS, PM, APC) is
// added to subs.
func escape(in []byte, i int, v view, where level, subs *subs) int {
	state := parser.GroundState
	str := false
	for j := i; j < len(in); j++ {
		next, _ := parser.Table.Transition(state, in[j])
		switch next {
		case parser.Utf8State:
			// Strip prints a character that interrupts a sequence.
			return addPayload(i, j, str, v, where, subs)
		case parser.GroundState:
			return addPayload(i, j+1, str, v, where, subs)
		case parser.OscStringState, parser.DcsStringState, parser.SosStringState, parser.PmStringState, parser.ApcStringState:
			str = true
		}
		state = next
	}
	return addPayload(i, len(in), str, v, where, subs)
}

func addPayload(i, j int, str bool, v view, where level, subs *subs) int {
	if j <= i {
		j = i + 1
	}
	if str && subs != nil && j-i-1 >= minRun {
		subs.add(v.slice(i+1, j), level{depth: where.depth, nest: where.nest + 1})
	}
	return j - i
}

// backslash decodes a JSON or C escape at the start of b: \uXXXX (with a
// surrogate pair), \xHH (a byte), \/ \" \\ \' and the control letters. It
// returns the rune or byte, the length read (0: not an escape) and
// whether it is a byte.
func backslash(b []byte) (r rune, n int, isByte bool) {
	if len(b) < 2 {
		return 0, 0, false
	}
	switch b[1] {
	case 'u':
		r, ok := hexRune(b[2:], 4)
		if !ok {
			return 0, 0, false
		}
		if utf16IsHigh(r) && len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
			if lo, ok := hexRune(b[8:], 4); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 12, false
			}
		}
		if r >= 0xD800 && r <= 0xDFFF {
			return utf8.RuneError, 6, false
		}
		return r, 6, false
	case 'x':
		r, ok := hexRune(b[2:], 2)
		if !ok {
			return 0, 0, false
		}
		return r, 4, true
	case '/', '"', '\\', '\'':
		return rune(b[1]), 2, false
	case 'n', 't', 'r', 'b', 'f', 'v', '0':
		return '\n', 2, false
	}
	return 0, 0, false
}

func utf16IsHigh(r rune) bool { return r >= 0xD800 && r <= 0xDBFF }

func hexRune(b []byte, digits int) (rune, bool) {
	if len(b) < digits {
		return 0, false
	}
	var r rune
	for _, c := range b[:digits] {
		if !isHex(c) {
			return 0, false
		}
		r = r<<4 | rune(unhex(c))
	}
	return r, true
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// entities are the named HTML character references worth decoding: the
// escapes of markup, and the invisible ones a key could be split with.
var entities = map[string]rune{
	"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\'', "sol": '/', "colon": ':',
	"nbsp": 0xA0, "shy": 0xAD, "zwj": 0x200D, "zwnj": 0x200C, "lrm": 0x200E, "rlm": 0x200F,
	"ZeroWidthSpace": 0x200B, "NoBreak": 0x2060, "InvisibleTimes": 0x2062, "hyphen": 0x2010,
}

// entity decodes an HTML character reference at the start of b (&#65;,
// &#x41;, &amp;); the semicolon of a numeric one may be missing.
func entity(b []byte) (rune, int) {
	if len(b) < 3 {
		return 0, 0
	}
	if b[1] == '#' {
		i, base := 2, rune(10)
		if len(b) > 2 && (b[2] == 'x' || b[2] == 'X') {
			i, base = 3, 16
		}
		var r rune
		start := i
		for i < len(b) && i-start < 8 {
			c := b[i]
			switch {
			case c >= '0' && c <= '9':
			case base == 16 && isHex(c):
			default:
				goto done
			}
			r = r*base + rune(unhex(c))
			i++
		}
	done:
		if i == start || r > unicode.MaxRune {
			return 0, 0
		}
		if i < len(b) && b[i] == ';' {
			i++
		}
		return r, i
	}
	for i := 1; i < len(b) && i <= 16; i++ {
		if b[i] == ';' {
			if r, ok := entities[string(b[1:i])]; ok {
				return r, i + 1
			}
			return 0, 0
		}
	}
	return 0, 0
}

// tag returns the length of a bare HTML tag at the start of b (<b>,
// </span>, <br/>), or 0. A tag with attributes is left alone: an
// attribute may hold the very key (<a href="...?key=...">), and what is
// dropped is never read.
func tag(b []byte) int {
	i := 1
	if i < len(b) && b[i] == '/' {
		i++
	}
	start := i
	for i < len(b) && i-start <= 16 && ((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z') || (i > start && b[i] >= '0' && b[i] <= '9')) {
		i++
	}
	if i == start || i-start > 16 {
		return 0
	}
	if i < len(b) && b[i] == '/' {
		i++
	}
	if i < len(b) && b[i] == '>' {
		return i + 1
	}
	return 0
}
