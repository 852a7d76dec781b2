package history

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"hash"
)

// volatileKeys are the JSON members that change at every check without
// saying anything new: when the checks ran, their latencies, request ids,
// how many checks in a row gave the same answer, and whether a status
// document came again or as a 304 (the same document either way: the
// first check after a cold one would otherwise rewrite every vendor's
// state only to say its page now answers 304).
var volatileKeys = map[string]bool{
	"at": true, "generated_at": true, "checked_at": true, "probe_at": true, "probe_gap": true,
	"streak": true, "consecutive": true, "latency_ms": true, "request_id": true, "request_id_from": true,
	"not_modified": true,
	// An open finding: when it was last observed and seen.
	"observed": true, "seen": true,
}

// maxSumDepth bounds how deeply stableSum follows nested JSON: the state
// rows nest a few levels; anything deeper is summed whole.
const maxSumDepth = 256

// stableSum is SHA-256 over a JSON document with the members named in
// volatileKeys cut out, at any depth: two documents with the same sum say
// the same but for when they were observed. It reads the document's bytes
// in one pass, without decoding it (a 1,000-vendor report is megabytes,
// summed twice a commit); the rows it compares come from the same encoder,
// so the same content is the same bytes. A document that is not JSON is
// summed whole.
func stableSum(doc []byte) [32]byte {
	h := sha256.New()
	s := sumScanner{doc: doc, h: h}
	s.space()
	ok := s.value(0, true)
	s.space()
	if !ok || s.i != len(doc) {
		h.Reset()
		h.Write([]byte("invalid:"))
		h.Write(doc)
	} else {
		h.Write(doc[s.from:])
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// sumScanner walks a JSON document, hashing it up to each volatile member
// and resuming after it.
type sumScanner struct {
	doc  []byte
	i    int
	from int // the first byte not yet hashed
	h    hash.Hash
}

func (s *sumScanner) space() {
	for s.i < len(s.doc) {
		switch s.doc[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value passes one value. cut says volatile members inside it are cut
// out (not inside a member that is itself cut).
func (s *sumScanner) value(depth int, cut bool) bool {
	if s.i >= len(s.doc) || depth > maxSumDepth {
		return false
	}
	switch s.doc[s.i] {
	case '"':
		_, ok := s.str()
		return ok
	case '{':
		return s.object(depth, cut)
	case '[':
		s.i++
		s.space()
		if s.i < len(s.doc) && s.doc[s.i] == ']' {
			s.i++
			return true
		}
		for {
			s.space()
			if !s.value(depth+1, cut) {
				return false
			}
			s.space()
			if s.i >= len(s.doc) {
				return false
			}
			switch s.doc[s.i] {
			case ',':
				s.i++
			case ']':
				s.i++
				return true
			default:
				return false
			}
		}
	default: // a number, true, false or null
		start := s.i
		for s.i < len(s.doc) {
			c := s.doc[s.i]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '{' || c == '[' || c == ':' {
				break
			}
			s.i++
		}
		return s.i > start
	}
}

// object passes an object, cutting out its volatile members when cut.
// A member is cut with the comma that joined it to the others, so what is
// hashed is the object as if the member had never been there.
func (s *sumScanner) object(depth int, cut bool) bool {
	s.i++ // {
	s.space()
	if s.i < len(s.doc) && s.doc[s.i] == '}' {
		s.i++
		return true
	}
	kept, comma := 0, -1 // members kept so far; where the comma before this member is
	for {
		s.space()
		start := s.i
		if s.i >= len(s.doc) || s.doc[s.i] != '"' {
			return false
		}
		escaped, ok := s.str()
		if !ok {
			return false
		}
		volatile := cut && isVolatile(s.doc[start:s.i], escaped)
		s.space()
		if s.i >= len(s.doc) || s.doc[s.i] != ':' {
			return false
		}
		s.i++
		s.space()
		if !s.value(depth+1, cut && !volatile) {
			return false
		}
		s.space()
		if s.i >= len(s.doc) {
			return false
		}
		end := s.doc[s.i]
		switch {
		case !volatile:
			kept++
		case kept > 0: // cut from the comma before it
			s.h.Write(s.doc[s.from:comma])
			s.from = s.i
		default: // the first member left: cut through the comma after it
			s.h.Write(s.doc[s.from:start])
			s.from = s.i
			if end == ',' {
				s.from = s.i + 1
			}
		}
		switch end {
		case ',':
			comma = s.i
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// str passes a string and tells whether it holds escapes.
func (s *sumScanner) str() (escaped, ok bool) {
	s.i++ // "
	for {
		q := bytes.IndexByte(s.doc[s.i:], '"')
		if q < 0 {
			return false, false
		}
		bs := bytes.IndexByte(s.doc[s.i:s.i+q], '\\')
		if bs < 0 {
			s.i += q + 1
			return escaped, true
		}
		escaped = true
		s.i += bs + 2 // the backslash and the byte it escapes
		if s.i > len(s.doc) {
			return false, false
		}
	}
}

// isVolatile tells whether a member name, quoted as in the document, is
// one of volatileKeys.
func isVolatile(quoted []byte, escaped bool) bool {
	if !escaped {
		return volatileKeys[string(quoted[1:len(quoted)-1])]
	}
	var name string
	return json.Unmarshal(quoted, &name) == nil && volatileKeys[name]
}
