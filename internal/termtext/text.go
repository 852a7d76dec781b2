// Package termtext makes text safe and short for a terminal, a status
// line or a Markdown table: it strips escape sequences and control and
// format characters (bidi overrides included), collapses white space and
// cuts text to a length with an ellipsis. Every piece of remote text goes
// through it before it is shown; it is the only place that knows how.
package termtext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Line makes remote text safe for one line of a terminal: escape
// sequences and control characters are removed and runs of white space,
// including newlines, become one space.
func Line(s string) string {
	// collapseSpace hands back a line already clean as it is, with no
	// copy: most names, titles and statuses are, and a cold check of
	// 5,000 vendors made 25 MB of garbage splitting and joining them.
	return collapseSpace(stripControls(s))
}

// Text makes remote multi-line text safe for a terminal: escape
// sequences and control characters other than newline are removed, lines are
// trimmed and runs of blank lines collapse to one.
func Text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\t", " ")
	s = stripControls(s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = collapseSpace(l)
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

// collapseSpace trims l and joins its words with single spaces, as
// strings.Join(strings.Fields(l), " ") does, without copying a line that
// is already so: most lines of prose are.
func collapseSpace(l string) string {
	space := true // a leading space is not clean
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(l[i:])
			if unicode.IsSpace(r) {
				return strings.Join(strings.Fields(l), " ") // a Unicode space: the careful way
			}
			space = false
			i += n - 1
			continue
		}
		isSpace := c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
		if isSpace && (space || c != ' ') {
			return strings.Join(strings.Fields(l), " ")
		}
		space = isSpace
	}
	if space && l != "" {
		return strings.Join(strings.Fields(l), " ") // a trailing space
	}
	return l
}

// stripControls removes ANSI escape sequences and every control or
// format character except newline. Unicode bidi overrides are format
// characters and go too, so remote text cannot reorder what is shown.
func stripControls(s string) string {
	if clean(s) {
		return s // nothing to strip: most text, and far cheaper to tell
	}
	return stripEvery(s)
}

// stripEvery is stripControls without the look for clean text first.
func stripEvery(s string) string {
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

// clean reports whether stripControls would leave s as it is: no escape
// (ESC, or a C1 control that opens a sequence), no other control
// character but newline, no format character and no invalid UTF-8. Text
// in any script is clean: an incident report with typographic quotes is
// not copied rune by rune.
func clean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
		i += n
	}
	return true
}

// Strip removes escape sequences and control and format characters from
// s, keeping its newlines and spacing (tabs become spaces), which
// Markdown tables and multi-line messages need.
func Strip(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\t", " ")
	return stripControls(s)
}

// Clip shortens s to at most n characters (runes), the last of them an
// ellipsis when it cuts. n below 1 gives "".
func Clip(s string, n int) string {
	if n < 1 {
		return ""
	}
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	// Cut after the (n-1)th rune without converting the whole string:
	// a status page may hand over megabytes of one field.
	cut, count := len(s), 0
	for i := range s {
		if count == n-1 {
			cut = i
			break
		}
		count++
	}
	return s[:cut] + "…"
}

// Truncate shortens s to at most w terminal cells, ending in an ellipsis
// when it cuts; escape sequences in s cost no cells.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}
