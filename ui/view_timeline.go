package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// timelineBar is the line above the timeline: whose events, how many, and
// how to switch.
func (m *Model) timelineBar() string {
	th := m.th
	whose := "all vendors"
	if m.tlVendor != "" {
		whose = termtext.Line(m.vendorName(m.tlVendor))
	}
	left := th.heading.Render("TIMELINE") + th.muted.Render(" · ") + th.bold.Render(whose)
	switch {
	case m.tlLoading:
		left += th.muted.Render(" · loading…")
	default:
		left += th.muted.Render(fmt.Sprintf(" · %d events, newest first", len(m.tlEntries)))
	}
	right := ""
	if m.selected != "" {
		if m.tlVendor == "" {
			right = th.key.Render("v") + th.muted.Render(" only "+termtext.Line(m.vendorName(m.selected)))
		} else {
			right = th.key.Render("v") + th.muted.Render(" all vendors")
		}
	}
	return spread(left, right, m.width)
}

// timelineLines is the timeline: one entry per event, newest first, its
// text wrapped under the time and vendor.
func (m *Model) timelineLines(w int) []string {
	th := m.th
	switch {
	case m.tlErr != "":
		return []string{th.warning.Render(glyph(correlate.LevelWarning) + " The timeline could not be read: " + m.tlErr)}
	case m.tlLoading && len(m.tlEntries) == 0:
		return []string{th.muted.Render("Loading…")}
	case len(m.tlEntries) == 0:
		return []string{
			th.muted.Render("No events yet."),
			th.muted.Render("State changes, incident updates, key results and findings appear here as they happen."),
		}
	}
	now, loc := m.opts.Now(), m.opts.Location
	// The time and "ago" columns are as wide as their widest entry: they
	// are never cut ("23h05m ago"). The vendor column gives way first on
	// a narrow screen.
	timeW, agoW, nameW := 5, 8, 10
	for _, e := range m.tlEntries {
		timeW = max(timeW, ansi.StringWidth(clockAt(e.At, now, loc)))
		agoW = max(agoW, ansi.StringWidth(ago(now, e.At)))
		nameW = max(nameW, min(ansi.StringWidth(termtext.Line(m.vendorName(e.Vendor))), 16))
	}
	nameW = max(min(nameW, w-(timeW+1+agoW+1+2+1)-20), 6)
	lead := timeW + 1 + agoW + 1 + 2 + nameW + 1
	var out []string
	for _, e := range m.tlEntries {
		st, glyph := m.entryMark(e)
		head := th.bold.Render(pad(clockAt(e.At, now, loc), timeW)) + " " +
			th.muted.Render(pad(ago(now, e.At), agoW)) + " " +
			st.Render(glyph) + " " + th.text.Render(pad(termtext.Line(m.vendorName(e.Vendor)), nameW)) + " "
		text := wrap(termtext.Line(e.Text), max(w-lead, 12))
		for i, l := range text {
			if i == 0 {
				out = append(out, head+l)
			} else {
				out = append(out, strings.Repeat(" ", lead)+l)
			}
		}
		if u := termtext.Line(e.URL); u != "" {
			out = append(out, strings.Repeat(" ", lead)+th.link.Render(termtext.Truncate(u, w-lead)))
		}
	}
	return out
}

// entryMark is the style and glyph of a timeline entry: its severity's,
// but a closed finding is a recovery and is drawn as the ok level (the
// one table of level glyphs, theme.level), and an event without a
// severity is a muted dot.
func (m *Model) entryMark(e TimelineEntry) (lipgloss.Style, string) {
	switch {
	case e.Kind == correlate.EventFindingClosed:
		return m.th.level(correlate.LevelOK)
	case e.Severity == "":
		return m.th.muted, "·"
	}
	return m.th.severity(e.Severity)
}
