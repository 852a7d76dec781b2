package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// column is one column of the vendor table. Columns with a lower keep
// value are dropped first when the terminal is too narrow.
type column struct {
	title string
	width int
	right bool
	keep  int
}

var columns = []column{
	{title: "VENDOR", keep: 10},
	{title: "STATUS", width: 14, keep: 9},
	{title: "INC", width: 3, right: true, keep: 6},
	{title: "REACH", width: 13, keep: 7},
	{title: "KEYS", width: 11, keep: 8},
	{title: "TRAFFIC", width: 11, keep: 5},
	{title: "LATENCY", width: 7, right: true, keep: 3},
	{title: "SINCE", width: 6, right: true, keep: 4},
}

const (
	colGap   = "  "
	nameMin  = 8
	nameMax  = 22
	rowFront = 3 // selection mark, level glyph, space
)

// mainLines is the main view below the header: the vendor table and the
// findings, with the selected vendor's detail beside them when the
// terminal is wide.
func (m *Model) mainLines() []string {
	h := m.bodyHeight()
	if m.width < wideAt {
		return m.mainColumn(m.width, h)
	}
	leftW := min(max(m.width*3/5, 74), 100)
	rightW := m.width - leftW - 3
	left := fit(m.mainColumn(leftW, h), leftW, h)
	var right []string
	if v, ok := m.current(); ok {
		right = m.detailLines(v, rightW, true)
		if len(right) > h {
			right = append(right[:h-1], m.th.muted.Render("… enter shows all"))
		}
	}
	sep := m.th.subtle.Render(" │ ")
	out := make([]string, h)
	for i := range out {
		r := ""
		if i < len(right) {
			r = right[i]
		}
		out[i] = pad(left[i], leftW) + sep + r
	}
	return out
}

// mainColumn is the table above the findings, in w x h cells.
func (m *Model) mainColumn(w, h int) []string {
	if !m.seen {
		return []string{"", m.th.muted.Render("  Checking every vendor: status pages, reachability and keys…")}
	}
	findings := m.findingLines(w)
	// The findings keep at least their title and three findings; the table
	// gets the rest, scrolled to keep the selection in sight.
	room := h - min(len(findings), 8)
	table := m.tableLines(w, room)
	out := append(table, findings...)
	if len(out) > h && h > 0 {
		more := len(out) - h + 1
		out = append(out[:h-1], m.th.muted.Render(fmt.Sprintf("  … %d more lines: enter a vendor for its findings", more)))
	}
	return out
}

// tableWindow is the rows of the table that fit in room lines with its
// header: all of them, or a window around the selection.
func (m *Model) tableWindow(room int) []int {
	if len(m.rows)+1 <= room {
		return m.rows
	}
	n := max(room, 3) - 1
	first := min(max(m.cursor()-n/2, 0), max(len(m.rows)-n, 0))
	return m.rows[first:min(first+n, len(m.rows))]
}

// widths fits the columns into w cells: the name column takes what is
// left, and the least important columns go when there is no room. The
// traffic column is there only when some vendor has a traffic signal.
func widths(w int, traffic bool) []column {
	var cols []column
	for _, c := range columns {
		if c.title != "TRAFFIC" || traffic {
			cols = append(cols, c)
		}
	}
	for {
		used := rowFront
		for _, c := range cols[1:] {
			used += len(colGap) + c.width
		}
		name := w - used
		if name >= nameMin || len(cols) <= 2 {
			cols[0].width = min(max(name, nameMin), nameMax)
			return cols
		}
		drop := 1
		for i, c := range cols[1:] {
			if c.keep < cols[drop].keep {
				drop = i + 1
			}
		}
		cols = append(cols[:drop], cols[drop+1:]...)
	}
}

// tableLines is the vendor table in room lines: a header and a row per
// vendor, scrolled to keep the selection in sight. Only the rows shown are
// rendered, so a key press costs the same with 20 vendors or 500.
func (m *Model) tableLines(w, room int) []string {
	th := m.th
	cols := widths(w, hasTraffic(&m.report))
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = cell(c, c.title)
	}
	out := []string{th.muted.Bold(true).Render(strings.Repeat(" ", rowFront) + strings.Join(head, colGap))}
	if len(m.rows) == 0 {
		msg := "  No vendors are configured."
		if m.filter.Value() != "" {
			msg = "  No vendor matches /" + termtext.Line(m.filter.Value()) + " (esc clears the filter)."
		}
		return append(out, th.muted.Render(msg))
	}
	for _, i := range m.tableWindow(room) {
		out = append(out, m.tableRow(m.report.Vendors[i], cols))
	}
	return out
}

// tableRow renders one vendor: each cell coloured by its own meaning, the
// glyph by the vendor's level, the selected row highlighted.
func (m *Model) tableRow(v correlate.VendorReport, cols []column) string {
	th := m.th
	selected := v.ID == m.selected
	paint := func(s lipgloss.Style, text string) string {
		if selected {
			if th.sel != nil {
				s = s.Background(th.sel)
			} else {
				s = s.Reverse(true)
			}
		}
		return s.Render(text)
	}
	lst, glyph := m.vendorMark(v)
	mark := " "
	if selected {
		mark = "▸"
	}
	parts := []string{paint(th.accent, mark) + paint(lst, glyph) + paint(th.text, " ")}
	gap := paint(th.text, colGap)
	for i, c := range cols {
		st, text := m.cellText(v, c.title)
		if i > 0 {
			parts = append(parts, gap)
		}
		parts = append(parts, paint(st, cell(c, text)))
	}
	return strings.Join(parts, "")
}

// cellText is a cell's text and style.
func (m *Model) cellText(v correlate.VendorReport, col string) (lipgloss.Style, string) {
	th := m.th
	switch col {
	case "VENDOR":
		if v.ID == m.selected {
			return th.text.Bold(true), termtext.Line(v.Name)
		}
		return th.text, termtext.Line(v.Name)
	case "STATUS":
		if m.checking[v.ID] && v.Status.CheckedAt.IsZero() {
			return th.muted, "checking…"
		}
		st, _ := th.state(v.Status.State)
		return st, correlate.StateWords(v.Status.State)
	case "INC":
		if n := len(v.Status.Open()); n > 0 {
			return th.warning, strconv.Itoa(n)
		}
		return th.muted, "-"
	case "REACH":
		text, level := correlate.ReachCell(v.Reachability)
		if v.Reachability == nil {
			return th.muted, text
		}
		st, _ := th.level(level)
		return st, text
	case "KEYS":
		text, level := correlate.KeysCell(v.Keys, m.report.NetworkDown())
		if len(v.Keys) == 0 {
			return th.muted, text
		}
		st, _ := th.level(level)
		return st, text
	case "LATENCY":
		if r := v.Reachability; r != nil && r.LatencyMS > 0 {
			return th.text, correlate.Latency(r.LatencyMS)
		}
		for _, s := range v.Status.Sources {
			if s.OK {
				return th.text, correlate.Latency(s.LatencyMS)
			}
		}
		return th.muted, "-"
	case "TRAFFIC":
		return m.trafficCell(v)
	case "SINCE":
		if t := vendorSince(&m.report, v); !t.IsZero() {
			return th.muted, correlate.Span(m.opts.Now().Sub(t))
		}
		return th.muted, "-"
	}
	return th.text, ""
}

func cell(c column, text string) string {
	if c.right {
		return padLeft(text, c.width)
	}
	return pad(text, c.width)
}

// findingLines is the findings panel: every finding, worst first, with
// its first piece of advice.
func (m *Model) findingLines(w int) []string {
	th := m.th
	fs := m.report.Findings
	title := th.heading.Render("FINDINGS")
	var counts []string
	for _, s := range []correlate.Severity{correlate.SeverityCritical, correlate.SeverityWarning, correlate.SeverityInfo} {
		n := 0
		for _, f := range fs {
			if f.Severity == s && f.Counts() {
				n++
			}
		}
		if n > 0 {
			st, _ := th.severity(s)
			counts = append(counts, st.Render(fmt.Sprintf("%d %s", n, s)))
		}
	}
	for _, p := range []correlate.State{correlate.StatePending, correlate.StateClosing} {
		n := 0
		for _, f := range fs {
			if f.State == p {
				n++
			}
		}
		if n > 0 {
			st, _, _ := th.phase(p)
			counts = append(counts, st.Render(fmt.Sprintf("%d %s", n, p.Word())))
		}
	}
	if len(counts) > 0 {
		title += "  " + strings.Join(counts, th.subtle.Render(" · "))
	}
	out := []string{"", title}
	out = append(out, m.rotationNotes(w)...)
	if len(fs) == 0 {
		if m.inFlight > 0 && lastCheck(m.report).IsZero() {
			return append(out, th.muted.Render("  None yet: the first checks are still running."))
		}
		if len(m.report.Vendors) == 0 {
			return append(out, th.muted.Render("  None: no vendor was checked."))
		}
		if m.report.Overall != correlate.LevelOK {
			return append(out, th.muted.Render("  None, but not every vendor could be checked."))
		}
		return append(out, th.ok.Render("  "+glyph(correlate.LevelOK)+" No findings: every vendor looks healthy."))
	}
	// With the focus (tab), the list scrolls to keep the cursor in sight,
	// two findings above it, and the cursor's finding is marked.
	first := 0
	if m.findFocus {
		first = max(m.findCursor-2, 0)
		if first > 0 {
			out = append(out, th.muted.Render(fmt.Sprintf("  ↑ %d more", first)))
		}
	}
	for i, f := range fs {
		if i < first {
			continue
		}
		mark := ""
		if m.findFocus {
			mark = "  "
			if i == m.findCursor {
				mark = th.accent.Render("▸ ")
			}
		}
		if f.Silenced != nil {
			// Dimmed, with who and until: it counts toward nothing.
			out = append(out, mark+th.muted.Render("◌ "+termtext.Truncate(termtext.Line(f.Title), w-2-ansi.StringWidth(mark))))
			out = append(out, th.muted.Render("  "+termtext.Truncate(silencedNote(*f.Silenced, m.opts.Now(), m.opts.Location), w-2)))
			continue
		}
		st, glyph := th.severity(f.Severity)
		title := termtext.Line(f.Title)
		if pst, pg, ok := th.phase(f.State); ok {
			st, glyph, title = pst, pg, f.State.Word()+": "+title
		}
		out = append(out, mark+st.Render(glyph)+" "+th.text.Render(termtext.Truncate(title, w-2-ansi.StringWidth(mark))))
		if len(f.Advice) > 0 {
			out = append(out, th.muted.Render("  → "+termtext.Truncate(termtext.Line(f.Advice[0]), w-4)))
		}
	}
	return out
}

// vendorMark is the style and glyph of a vendor: its level's, or, while
// its trouble is confirming or recovering, the phase's (neither healthy
// nor counted).
func (m *Model) vendorMark(v correlate.VendorReport) (lipgloss.Style, string) {
	if st, g, ok := m.th.phase(m.report.Phase(v)); ok {
		return st, g
	}
	return m.th.level(v.Level)
}
