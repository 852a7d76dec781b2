package statuspage

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// CleanLine makes remote text safe for one line of a terminal: escape
// sequences and control characters are removed and runs of white space,
// including newlines, become one space.
func CleanLine(s string) string {
	s = stripControls(s)
	return strings.Join(strings.Fields(s), " ")
}

// CleanText makes remote multi-line text safe for a terminal: escape
// sequences and control characters other than newline are removed, lines are
// trimmed and runs of blank lines collapse to one.
func CleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\t", " ")
	s = stripControls(s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			if blank || len(out) == 0 {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// stripControls removes ANSI escape sequences and every control or
// format character except newline. Unicode bidi overrides are format
// characters and go too, so remote text cannot reorder what is shown.
func stripControls(s string) string {
	if printableASCII(s) {
		return s // nothing to strip: most text, and far cheaper to tell
	}
	s = ansi.Strip(s)
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
}

// printableASCII reports whether s holds only printable ASCII and
// newlines: no escape, no control and no non-ASCII (bidi) character.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n') || c > 0x7e {
			return false
		}
	}
	return true
}
