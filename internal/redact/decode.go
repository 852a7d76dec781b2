package redact

import (
	"bytes"
	"unicode/utf8"
)

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

// decodeRuns reads the base64 and hex runs of v decoded. A key encoded
// as it is needs no decoding: the index knows every secret's base64 and
// hex spellings, so the scan of v finds it. Decoding is for what those
// spellings miss: a key disguised inside the encoded text (base64 of a
// message where a zero-width space splits the key), or encoded twice.
// So a decoded run is read only when it reads as text; it is then
// scanned, normalized when it holds anything to normalize, and decoded
// again, down to maxDepth. The run's start need not be aligned (a word
// may be glued to it once white space is gone), so every alignment is
// tried.
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
		j, upper := i, 0
		for j < len(b) && b64[b[j]] != 0xff {
			if b[j] >= 'A' && b[j] <= 'Z' {
				upper++
			}
			j++
		}
		// Base64 of text is about half capital letters; words glued
		// together once white space is gone are a few percent. A long run
		// with fewer than a quarter is not read as base64.
		if j-i >= minB64 && (j-i < 24 || upper*4 >= j-i) {
			for a := range 4 {
				if j-i-a < minB64 {
					break
				}
				f.scratch = decodeBase64(f.scratch[:0], b[i+a:j])
				f.decoded(v, i+a, false, at)
			}
		}
		if j-i >= minHex {
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
				f.scratch = decodeHex(f.scratch[:0], b[i+a:k])
				f.decoded(v, i+a, true, at)
			}
		}
		i = k
	}
}

// decoded reads the bytes just decoded into f.scratch from
// parent.b[start:] (hex digits or base64), when they read as text. Most
// decoded runs are noise (a word read as base64), so they are decoded
// into one scratch buffer and copied only when they are kept.
func (f *finder) decoded(parent view, start int, isHex bool, at level) {
	if !textLike(f.scratch) {
		return
	}
	var m mapper = base64Map{parent: parent, start: start}
	if isHex {
		m = hexMap{parent: parent, start: start}
	}
	d := view{b: bytes.Clone(f.scratch), m: m}
	f.scan(d)
	at.depth++
	if n, changed := normalize(d, at, &f.subs); changed {
		f.scan(n)
		d = n
	}
	f.decodeRuns(d, at)
}

// decodeBase64 appends to out the decoding of base64 characters of either
// alphabet, without padding; a last character that completes no byte is
// left out.
func decodeBase64(out, s []byte) []byte {
	var acc uint32
	bits := 0
	for _, c := range s {
		acc = acc<<6 | uint32(b64[c])
		bits += 6
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	return out
}

// decodeHex appends to out the decoding of hex digits, two to a byte.
func decodeHex(out, s []byte) []byte {
	for k := 0; k+1 < len(s); k += 2 {
		out = append(out, unhex(s[k])<<4|unhex(s[k+1]))
	}
	return out
}

// textLike reports whether decoded bytes read as text rather than the
// noise a misaligned or non-base64 run decodes to: at most a quarter of
// them are not valid UTF-8.
func textLike(b []byte) bool {
	bad := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
			if bad*4 > len(b) {
				return false
			}
		}
		i += size
	}
	return true
}
