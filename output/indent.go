package output

// indentJSON appends src, compact JSON as encoding/json writes it, to dst
// indented exactly as json.Indent(dst, src, "", "  ") would indent it. It
// is a single pass that only tracks strings and nesting: json.Indent
// validates every byte with its scanner on the way, which makes indenting
// several times slower than encoding. src must be valid JSON without
// insignificant white space (the encoder's output); the differential test
// and FuzzIndentJSON hold it to json.Indent.
func indentJSON(dst, src []byte) []byte {
	depth := 0
	open := false // a { or [ was just written: its first member is due
	inString, escaped := false, false
	newline := func() {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, ' ', ' ')
		}
	}
	for _, c := range src {
		if inString {
			dst = append(dst, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if open && c != '}' && c != ']' {
			newline()
			open = false
		}
		switch c {
		case '"':
			inString = true
			dst = append(dst, c)
		case '{', '[':
			dst = append(dst, c)
			depth++
			open = true
		case '}', ']':
			depth--
			if open {
				open = false // an empty object or array stays {} or []
			} else {
				newline()
			}
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
