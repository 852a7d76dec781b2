package redact

import "unicode/utf8"

// b64 maps a base64 character of either alphabet (standard + and /, URL
// - and _) to its value, and every other byte to 0xff.
var b64 = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range len(std) {
		t[std[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

// minB64 is the shortest base64 run that decodes to minRun bytes.
const minB64 = (minRun*8 + 5) / 6

// minHex is the shortest hex run that decodes to minRun bytes.
const minHex = 2 * minRun

// decodeRuns reads the base64 and hex runs of v decoded, and scans them:
// a key in base64 (a Basic credential, an encoded body) or hex is found
// whatever its padding or alphabet. The run's start need not be aligned
// (a word may be glued to it once white space is gone), so every
// alignment is tried. Decoded text that reads as text is normalized and
// decoded again, down to maxDepth.
func (f *finder) decodeRuns(v view, at level) {
	if at.depth >= maxDepth {
		return
	}
	b := v.b
	for i := 0; i < len(b); {
		if b64[b[i]] == 0xff {
			i++
			continue
		}
		j := i
		for j < len(b) && b64[b[j]] != 0xff {
			j++
		}
		if j-i >= minB64 {
			for a := range 4 {
				if j-i-a < minB64 {
					break
				}
				f.decoded(base64View(v, i+a, j), at)
			}
			f.hexRuns(v, i, j, at)
		}
		i = j
	}
}

// hexRuns decodes the hex runs inside v.b[i:j].
func (f *finder) hexRuns(v view, i, j int, at level) {
	b := v.b
	for i < j {
		if !isHex(b[i]) {
			i++
			continue
		}
		k := i
		for k < j && isHex(b[k]) {
			k++
		}
		for a := range 2 {
			if k-i-a >= minHex {
				f.decoded(hexView(v, i+a, k), at)
			}
		}
		i = k
	}
}

// decoded scans decoded bytes, and when they read as text, their
// normalized form and its own runs.
func (f *finder) decoded(d view, at level) {
	f.scan(d)
	if !textLike(d.b) {
		return
	}
	at.depth++
	n, changed := normalize(d, at, &f.subs)
	if changed {
		f.scan(n)
	}
	f.decodeRuns(n, at)
}

// base64View decodes v.b[i:j], base64 in either alphabet, without
// padding; decoded byte k comes from the characters that hold its bits.
func base64View(v view, i, j int) view {
	n := (j - i) * 6 / 8
	d := view{b: make([]byte, n), lo: make([]int32, n), hi: make([]int32, n)}
	var acc uint32
	bits, k := 0, 0
	for p := i; p < j && k < n; p++ {
		acc = acc<<6 | uint32(b64[v.b[p]])
		bits += 6
		if bits >= 8 {
			bits -= 8
			d.b[k] = byte(acc >> bits)
			first := i + k*8/6
			lo, _ := v.source(first, first+1)
			_, hi := v.source(p, p+1)
			d.lo[k], d.hi[k] = int32(lo), int32(hi)
			k++
		}
	}
	d.b, d.lo, d.hi = d.b[:k], d.lo[:k], d.hi[:k]
	return d
}

// hexView decodes v.b[i:j], hex digits, two to a byte.
func hexView(v view, i, j int) view {
	n := (j - i) / 2
	d := view{b: make([]byte, n), lo: make([]int32, n), hi: make([]int32, n)}
	for k := range n {
		p := i + 2*k
		d.b[k] = unhex(v.b[p])<<4 | unhex(v.b[p+1])
		lo, hi := v.source(p, p+2)
		d.lo[k], d.hi[k] = int32(lo), int32(hi)
	}
	return d
}

// textLike reports whether decoded bytes read as text rather than the
// noise a misaligned or non-base64 run decodes to: at most a quarter of
// them are not valid UTF-8.
func textLike(b []byte) bool {
	bad := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
		}
		i += size
	}
	return bad*4 <= len(b)
}
