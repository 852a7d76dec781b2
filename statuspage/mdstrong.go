package statuspage

import (
	"strings"
	"unicode/utf8"
)

// unStrong removes Markdown's strong marks from one line, keeping what is
// between them: what the pattern (\*\*|__)(\S(?:.*?\S)?)(\*\*|__)
// replaced with its second group, match for match, without the regexp. A
// pair opens with ** or __ before a character that is not a space. It
// closes at the nearest ** or __ that follows a second character that is
// not a space; failing that, around the single character. Google's
// incident reports mark dozens of headings so, and the regexp was a fifth
// of reading them. It reads the line once, however many marks are left
// open.
func unStrong(l string) string {
	var b strings.Builder
	c := closings{l: l, next: -1}
	done := 0 // l[:done] is written or passed over
	for p := 0; p+1 < len(l); {
		start, n, ok := c.pairAt(p)
		if !ok {
			p++
			continue
		}
		b.Grow(len(l))
		b.WriteString(l[done:p])
		b.WriteString(l[start : start+n])
		done = start + n + 2
		p = done
	}
	if done == 0 {
		return l
	}
	b.WriteString(l[done:])
	return b.String()
}

// closings finds, in one line, the marks that can close a pair: ** or __
// after a character that is not a space. The positions asked about only
// grow, so the line is scanned once.
type closings struct {
	l    string
	from int // the position last asked about
	next int // the nearest closing mark at or after from; len(l) for none, -1 before the first ask
}

// after returns the nearest closing mark at or after i, or len(l).
func (c *closings) after(i int) int {
	if c.next >= i && i >= c.from {
		c.from = i
		return c.next
	}
	c.from, c.next = i, len(c.l)
	for e := max(i, 1); e+1 < len(c.l); e++ {
		if strongMark(c.l, e) && !reSpace(c.l[e-1]) {
			c.next = e
			break
		}
	}
	return c.next
}

// pairAt tells whether a pair opens at p: its text's start and length
// when so.
func (c *closings) pairAt(p int) (start, n int, ok bool) {
	l := c.l
	if !strongMark(l, p) {
		return 0, 0, false
	}
	start = p + 2
	if start >= len(l) || reSpace(l[start]) {
		return 0, 0, false
	}
	_, first := utf8.DecodeRuneInString(l[start:])
	// The longer text is preferred, as the pattern's greedy group is.
	if e := c.after(start + first + 1); e < len(l) {
		return start, e - start, true
	}
	if strongMark(l, start+first) {
		return start, first, true
	}
	return 0, 0, false
}

// strongMark tells whether ** or __ starts at i.
func strongMark(l string, i int) bool {
	return i+1 < len(l) && (l[i] == '*' && l[i+1] == '*' || l[i] == '_' && l[i+1] == '_')
}

// reSpace is the regexp class \s: ASCII white space without \v.
func reSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}
