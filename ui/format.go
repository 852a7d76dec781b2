package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// pad truncates s to w cells and fills it up to w with spaces.
func pad(s string, w int) string {
	s = termtext.Truncate(s, w)
	if n := w - ansi.StringWidth(s); n > 0 {
		s += strings.Repeat(" ", n)
	}
	return s
}

// padLeft truncates s to w cells and right-aligns it.
func padLeft(s string, w int) string {
	s = termtext.Truncate(s, w)
	if n := w - ansi.StringWidth(s); n > 0 {
		s = strings.Repeat(" ", n) + s
	}
	return s
}

// wrap breaks plain text into lines of at most w cells.
func wrap(s string, w int) []string {
	if w < 10 {
		w = 10
	}
	var out []string
	for para := range strings.SplitSeq(s, "\n") {
		out = append(out, strings.Split(ansi.Wrap(para, w, "-"), "\n")...)
	}
	return out
}

// indent wraps s to w cells and prefixes each line with n spaces.
func indent(s string, n, w int) []string {
	lines := wrap(s, w-n)
	p := strings.Repeat(" ", n)
	for i, l := range lines {
		lines[i] = p + l
	}
	return lines
}

// words replaces underscores: "major_outage" reads "major outage".
func words[T ~string](s T) string { return strings.ReplaceAll(string(s), "_", " ") }

// ago is a short relative time: "just now", "12m ago", "2h05m ago",
// "3d ago", or "in 5m" for the future.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	if d < 0 {
		return "in " + correlate.Span(-d)
	}
	if d < time.Minute {
		return "just now"
	}
	return correlate.Span(d) + " ago"
}

// clockAt formats t in loc: "12:45" today, "Tue 12:45" this week,
// "2026-05-14 12:45" before.
func clockAt(t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	t, now = t.In(loc), now.In(loc)
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return t.Format("15:04")
	case now.Sub(t) < 6*24*time.Hour && now.Sub(t) > 0:
		return t.Format("Mon 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// when is a local time with its relative age: "12:45 (12m ago)".
func when(t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return clockAt(t, now, loc) + " (" + ago(now, t) + ")"
}

// silencedNote is the line under a silenced finding: "silenced by alice
// until 12:56 (in 1h55m): known, far-away region".
func silencedNote(s correlate.Silenced, now time.Time, loc *time.Location) string {
	text := "silenced by " + termtext.Line(s.By) + " until " + when(s.Until, now, loc)
	if s.Comment != "" {
		text += ": " + termtext.Line(s.Comment)
	}
	return text
}
