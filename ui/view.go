package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// wideAt is the width from which the main view shows the selected
// vendor's detail beside the table.
const wideAt = 120

// View renders the current screen. It is pure: everything it shows was
// computed in Update.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "vendorwatch"
	if m.seen {
		v.WindowTitle = "vendorwatch: " + termtext.Line(m.report.Verdict.String())
	}
	return v
}

// render is the screen's text, exactly width x height cells.
func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var body []string
	switch m.view {
	case viewDetail:
		body = append([]string{m.detailBar()}, strings.Split(m.detail.View(), "\n")...)
	case viewTimeline:
		body = append([]string{m.timelineBar()}, strings.Split(m.tl.View(), "\n")...)
	case viewMaintenances:
		body = append([]string{m.maintenancesBar()}, strings.Split(m.mt.View(), "\n")...)
	case viewHelp:
		body = strings.Split(m.hp.View(), "\n")
	default:
		body = m.mainLines()
	}
	top := []string{m.header()}
	if m.banner != "" {
		top = append(top, termtext.Truncate(m.th.accent.Render(m.banner), m.width))
	}
	lines := append(top, fit(body, m.width, m.bodyHeight())...)
	lines = append(lines, m.footer())
	return strings.Join(lines, "\n")
}

// bodyHeight is the height of the view between the header (and the
// banner, when there is one) and the footer.
func (m *Model) bodyHeight() int {
	h := m.height - 2
	if m.banner != "" {
		h--
	}
	return h
}

// layout sizes the scrollable views for the window and refreshes their
// contents.
func (m *Model) layout() {
	if m.width <= 0 || m.height <= 0 {
		return
	}
	h := max(m.bodyHeight()-1, 1) // header, banner, view bar, footer
	m.detail.SetWidth(m.width)
	m.detail.SetHeight(h)
	m.tl.SetWidth(m.width)
	m.tl.SetHeight(h)
	m.mt.SetWidth(m.width)
	m.mt.SetHeight(h)
	m.hp.SetWidth(m.width)
	m.hp.SetHeight(max(m.bodyHeight(), 1)) // the help screen has no view bar
	m.filter.SetWidth(min(max(m.width-30, 10), 32))
	switch m.view {
	case viewDetail:
		if v, ok := m.current(); ok {
			m.detail.SetContentLines(m.detailLines(v, m.width-1, false))
		}
	case viewTimeline:
		m.tl.SetContentLines(m.timelineLines(m.width - 1))
	case viewMaintenances:
		m.mt.SetContentLines(m.maintenancesLines(m.width - 1))
	case viewHelp:
		m.hp.SetContentLines(m.helpLines(m.width))
	}
}

// fit makes lines exactly h lines of at most w cells.
func fit(lines []string, w, h int) []string {
	if h < 0 {
		h = 0
	}
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = ansi.Truncate(lines[i], w, "…")
		}
	}
	return out
}

// header is the top line: the verdict in words, then, as room allows,
// the vendors per level, what is being checked, the last check and the
// clock.
func (m *Model) header() string {
	th := m.th
	left := th.heading.Render("vendorwatch") + "  "
	var counts string
	var right []string
	first := !m.seen || lastCheck(m.report).IsZero()
	if !first {
		counts = m.levelCounts()
	}
	now := m.opts.Now()
	if m.inFlight > 0 {
		right = append(right, m.spin.View()+" "+th.accent.Render(fmt.Sprintf("checking %d", m.inFlight)))
	}
	if t := lastCheck(m.report); !t.IsZero() {
		right = append(right, th.muted.Render("checked "+ago(now, t)))
	}
	right = append(right, th.bold.Render(now.In(m.opts.Location).Format("15:04")))
	if first {
		// Before any result the level would read "unknown": say what is
		// going on instead.
		return spread(left+th.muted.Render("first check of every vendor…"), strings.Join(right, "  "), m.width)
	}
	// The verdict comes first. The counts repeat it and give way as soon
	// as it does not fit whole; "checking" and "checked" give way only to
	// keep verdictRoom cells for it; the clock stays.
	const verdictRoom = 64
	full := ansi.StringWidth(left) + ansi.StringWidth(m.verdict(m.width))
	if counts != "" && full+2+ansi.StringWidth(counts)+2+width(right) <= m.width {
		right = append([]string{counts}, right...)
	}
	for len(right) > 1 && min(full, verdictRoom)+2+width(right) > m.width {
		right = right[1:]
	}
	return spread(left+m.verdict(m.width-ansi.StringWidth(left)-2-width(right)), strings.Join(right, "  "), m.width)
}

// width is the width of items joined by two spaces.
func width(items []string) int { return ansi.StringWidth(strings.Join(items, "  ")) }

// verdict is the answer in words, as the report decided it, in w cells:
// the word in the level's colour ("✖ KEY"), the finding behind it (cut
// to fit), and whether it is still confirming or recovering.
func (m *Model) verdict(w int) string {
	th := m.th
	v := m.report.Verdict
	st, g := th.level(m.report.Overall)
	if pst, pg, ok := th.phase(v.State); ok && v.State == correlate.StatePending {
		st, g = pst, pg
	}
	word := st.Bold(true).Render(g + " " + string(v.Word))
	var notes []string
	if v.State == correlate.StatePending {
		notes = append(notes, v.State.Word())
	}
	if v.More > 0 {
		notes = append(notes, fmt.Sprintf("+%d more", v.More))
	}
	if v.Silenced > 0 {
		notes = append(notes, fmt.Sprintf("%d silenced", v.Silenced))
	}
	note := ""
	if len(notes) > 0 {
		note = " " + th.muted.Render("("+strings.Join(notes, ", ")+")")
	}
	if v.Title == "" {
		return word + note
	}
	room := w - ansi.StringWidth(word) - ansi.StringWidth(note) - 2
	if room < 8 {
		return word + note
	}
	sep := ": "
	if v.State == correlate.StateClosing {
		sep = ", recovering from: "
		room -= len(sep) - 2
	}
	return word + th.text.Render(sep+termtext.Truncate(termtext.Line(v.Title), room)) + note
}

// levelCounts is "1 critical · 3 ok": the vendors per level.
func (m *Model) levelCounts() string {
	th := m.th
	counts := map[correlate.Level]int{}
	phases := map[correlate.State]int{}
	for _, v := range m.report.Vendors {
		if p := m.report.Phase(v); p != "" {
			phases[p]++
			continue
		}
		counts[v.Level]++
	}
	var parts []string
	for _, p := range []correlate.State{correlate.StatePending, correlate.StateClosing} {
		if phases[p] > 0 {
			st, _, _ := th.phase(p)
			parts = append(parts, st.Render(fmt.Sprintf("%d %s", phases[p], p.Word())))
		}
	}
	for _, l := range []correlate.Level{correlate.LevelCritical, correlate.LevelWarning, correlate.LevelUnknown, correlate.LevelOK} {
		if counts[l] > 0 {
			st, _ := th.level(l)
			parts = append(parts, st.Render(fmt.Sprintf("%d %s", counts[l], l)))
		}
	}
	return strings.Join(parts, th.subtle.Render(" · "))
}

// footer is the bottom line: the filter being typed, a flash message, or
// the keys of the view.
func (m *Model) footer() string {
	th := m.th
	if m.filtering {
		return m.filter.View() + "  " + th.muted.Render("enter keep · esc clear")
	}
	if m.silencing {
		if m.promptErr != "" {
			return termtext.Truncate(m.prompt.View()+"  "+th.warning.Render(m.promptErr), m.width)
		}
		return termtext.Truncate(m.prompt.View()+"  "+th.muted.Render("enter silence "+termtext.Truncate(termtext.Line(m.silenceTarget.Title), 40)+" · esc cancel"), m.width)
	}
	if m.flash != "" {
		st := th.info
		if m.flashStyle == flashError {
			st = th.warning
		}
		return termtext.Truncate(st.Render(m.flash), m.width)
	}
	prefix := ""
	if q := m.filter.Value(); q != "" && m.view == viewMain {
		prefix = th.accent.Render("/"+termtext.Line(q)) + th.muted.Render(" (esc clears)") + "  "
	}
	w := m.width - ansi.StringWidth(prefix)
	src := ""
	if m.view == viewMain {
		src = m.sourceLabel(max(w/3, 18))
	}
	if src == "" {
		return prefix + m.hintBar(w)
	}
	return spread(prefix+m.hintBar(w-ansi.StringWidth(src)-2), src, m.width)
}

// sourceLabel is where the vendors come from (Options.Source) in at most
// w cells: a long path loses its start, so its file name stays; other
// text loses its end.
func (m *Model) sourceLabel(w int) string {
	src := termtext.Line(m.opts.Source)
	if src == "" || w < 8 {
		return ""
	}
	switch {
	case ansi.StringWidth(src) <= w:
	case strings.Contains(src, "/"):
		src = ansi.TruncateLeft(src, ansi.StringWidth(src)-w+1, "")
		if i := strings.Index(src, "/"); i > 0 {
			src = src[i:] // cut at a directory, not inside a name
		}
		src = "…" + src
	default:
		src = ansi.Truncate(src, w, "…")
	}
	return m.th.muted.Render(src)
}

// hintBar renders the view's key hints in w cells: as many as fit, then
// help and quit, which always show.
func (m *Model) hintBar(w int) string {
	th := m.th
	render := func(h hint) string { return th.key.Render(h.key) + " " + th.muted.Render(h.desc) }
	tail := render(hint{"?", "help"}) + "  " + render(hint{"q", "quit"})
	room := w - ansi.StringWidth(tail)
	var parts []string
	for _, h := range hints(m.view) {
		r := render(h)
		if ansi.StringWidth(r)+2 > room {
			break
		}
		parts = append(parts, r)
		room -= ansi.StringWidth(r) + 2
	}
	return strings.Join(append(parts, tail), "  ")
}

// filterStyles styles the filter input from the theme. The cursor does not
// blink: a blinking cursor is a timer, and it is not needed.
func filterStyles(th theme) textinput.Styles {
	var s textinput.Styles
	s.Focused = textinput.StyleState{Text: th.text, Placeholder: th.muted, Suggestion: th.muted, Prompt: th.accent}
	s.Blurred = s.Focused
	s.Cursor = textinput.CursorStyle{Color: th.accent.GetForeground(), Shape: tea.CursorBlock}
	return s
}
