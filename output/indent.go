package output

// indentJSON appends src, compact JSON as encoding/json writes it, to dst
// indented exactly as json.Indent(dst, src, "", "  ") would indent it. It
// is a single pass that only tracks strings and nesting: json.Indent
// validates every byte with its scanner on the way, which makes indenting
// several times slower than encoding. src must be valid JSON without
// insignificant white space (the encoder's output); the differential test
// and FuzzIndentJSON hold it to json.Indent.
func indentJSON(dst, src []byte) []byte {
	var in indenter
	return in.append(dst, src)
}

// indenter is indentJSON over a document given in parts: it keeps where
// the last part ended (the nesting, whether in a string) for the next.
type indenter struct {
	depth             int
	open              bool // a { or [ was just written: its first member is due
	inString, escaped bool
}

// append appends src, the next part of the document, indented, to dst.
func (in *indenter) append(dst, src []byte) []byte {
	for _, c := range src {
		if in.inString {
			dst = append(dst, c)
			switch {
			case in.escaped:
				in.escaped = false
			case c == '\\':
				in.escaped = true
			case c == '"':
				in.inString = false
			}
			continue
		}
		if in.open && c != '}' && c != ']' {
			dst = in.newline(dst)
			in.open = false
		}
		switch c {
		case '"':
			in.inString = true
			dst = append(dst, c)
		case '{', '[':
			dst = append(dst, c)
			in.depth++
			in.open = true
		case '}', ']':
			in.depth--
			if in.open {
				in.open = false // an empty object or array stays {} or []
			} else {
				dst = in.newline(dst)
			}
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = in.newline(dst)
		case ':':
			dst = append(dst, c, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// newline appends a newline and the indentation of the current depth.
func (in *indenter) newline(dst []byte) []byte {
	dst = append(dst, '\n')
	for range in.depth {
		dst = append(dst, ' ', ' ')
	}
	return dst
}
