package statuspage

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

var (
	mdImage      = lazyregexp.New(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink       = lazyregexp.New(`\[([^\]]+)\]\(([^)\s]+)[^)]*\)`)
	mdHeading    = lazyregexp.New(`^\s{0,3}#{1,6}\s+`)
	mdQuote      = lazyregexp.New(`^\s{0,3}>\s?`)
	mdBullet     = lazyregexp.New(`^(\s*)[*+-]\s+`)
	mdTableRule  = lazyregexp.New(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$`)
	mdEmphasis   = lazyregexp.New(`(^|[\s(])\*(\S(?:[^*]*?\S)?)\*`)
	mdStrike     = lazyregexp.New(`~~(\S(?:.*?\S)?)~~`)
	mdEscape     = lazyregexp.New(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|>~])`)
	mdRule       = lazyregexp.New(`^\s*([-*_])(\s*([-*_])){2,}\s*$`)
	mdCodeFence  = lazyregexp.New("^\\s*(```|~~~)")
	mdInlineCode = lazyregexp.New("`([^`]*)`")
)

// MarkdownText turns a Markdown body (incident.io, Better Stack and Google
// updates are written in it) into safe plain text: headings, emphasis,
// code marks, table rules and escapes go, links keep their text and
// target, and the result is cleaned like CleanText. HTML inside the
// Markdown is removed too.
func MarkdownText(s string) string {
	if strings.ContainsAny(s, "<&") {
		s = HTMLText(s)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		// Each pattern runs only on a line holding the characters it needs
		// to match: most lines of an update are prose, and regexps are the
		// bulk of reading Google's and incident.io's documents.
		if (strings.Contains(l, "```") || strings.Contains(l, "~~~")) && mdCodeFence().MatchString(l) ||
			strings.Contains(l, "--") && mdTableRule().MatchString(l) ||
			strings.ContainsAny(l, "-*_") && mdRule().MatchString(l) {
			continue
		}
		if strings.IndexByte(l, '#') >= 0 {
			l = mdHeading().ReplaceAllString(l, "")
		}
		if strings.IndexByte(l, '>') >= 0 {
			l = mdQuote().ReplaceAllString(l, "")
		}
		if strings.ContainsAny(l, "*+-") {
			l = mdBullet().ReplaceAllString(l, "$1- ")
		}
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") && len(t) > 1 {
			cells := strings.Split(strings.Trim(t, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			l = strings.Join(cells, " | ")
		}
		if strings.Contains(l, "](") {
			l = mdImage().ReplaceAllString(l, "$1")
			l = mdLink().ReplaceAllStringFunc(l, func(m string) string {
				sub := mdLink().FindStringSubmatch(m)
				if sub[1] == sub[2] {
					return sub[1]
				}
				return sub[1] + " (" + sub[2] + ")"
			})
		}
		if strings.IndexByte(l, '`') >= 0 {
			l = mdInlineCode().ReplaceAllString(l, "$1")
		}
		if strings.Contains(l, "**") || strings.Contains(l, "__") {
			l = unStrong(l)
		}
		if strings.Contains(l, "~~") {
			l = mdStrike().ReplaceAllString(l, "$1")
		}
		if strings.IndexByte(l, '*') >= 0 {
			l = mdEmphasis().ReplaceAllString(l, "$1$2")
		}
		if strings.IndexByte(l, '\\') >= 0 {
			l = mdEscape().ReplaceAllString(l, "$1")
		}
		out = append(out, l)
	}
	return termtext.Text(strings.Join(out, "\n"))
}
