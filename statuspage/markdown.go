package statuspage

import (
	"regexp"
	"strings"
)

var (
	mdImage      = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink       = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)[^)]*\)`)
	mdHeading    = regexp.MustCompile(`^\s{0,3}#{1,6}\s+`)
	mdQuote      = regexp.MustCompile(`^\s{0,3}>\s?`)
	mdBullet     = regexp.MustCompile(`^(\s*)[*+-]\s+`)
	mdTableRule  = regexp.MustCompile(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$`)
	mdStrong     = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdEmphasis   = regexp.MustCompile(`(^|[\s(])\*(\S(?:[^*]*?\S)?)\*`)
	mdStrike     = regexp.MustCompile(`~~(\S(?:.*?\S)?)~~`)
	mdEscape     = regexp.MustCompile(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|>~])`)
	mdRule       = regexp.MustCompile(`^\s*([-*_])(\s*([-*_])){2,}\s*$`)
	mdCodeFence  = regexp.MustCompile("^\\s*(```|~~~)")
	mdInlineCode = regexp.MustCompile("`([^`]*)`")
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
		if mdCodeFence.MatchString(l) || mdTableRule.MatchString(l) || mdRule.MatchString(l) {
			continue
		}
		l = mdHeading.ReplaceAllString(l, "")
		l = mdQuote.ReplaceAllString(l, "")
		l = mdBullet.ReplaceAllString(l, "$1- ")
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") && len(t) > 1 {
			cells := strings.Split(strings.Trim(t, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			l = strings.Join(cells, " | ")
		}
		l = mdImage.ReplaceAllString(l, "$1")
		l = mdLink.ReplaceAllStringFunc(l, func(m string) string {
			sub := mdLink.FindStringSubmatch(m)
			if sub[1] == sub[2] {
				return sub[1]
			}
			return sub[1] + " (" + sub[2] + ")"
		})
		l = mdInlineCode.ReplaceAllString(l, "$1")
		l = mdStrong.ReplaceAllString(l, "$2")
		l = mdStrike.ReplaceAllString(l, "$1")
		l = mdEmphasis.ReplaceAllString(l, "$1$2")
		l = mdEscape.ReplaceAllString(l, "$1")
		out = append(out, l)
	}
	return CleanText(strings.Join(out, "\n"))
}
