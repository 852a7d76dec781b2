package ui

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// viewNames name the views in the help screen's heading.
var viewNames = map[view]string{
	viewMain: "dashboard", viewDetail: "vendor detail", viewTimeline: "timeline",
	viewMaintenances: "maintenances", viewHelp: "help",
}

// helpLines is the help screen: the keys of the view it was opened from
// (exactly those that work there), what the glyphs and columns mean, and
// where the clipboard goes.
func (m *Model) helpLines(w int) []string {
	th := m.th
	h := m.help
	h.ShowAll = true
	h.SetWidth(w)
	var out []string
	if src := termtext.Line(m.opts.Source); src != "" {
		out = append(out, th.heading.Render("VENDORS FROM")+"  "+th.text.Render(src), "")
	}
	out = append(out, th.heading.Render("KEYS")+th.muted.Render(" in the "+viewNames[m.back]))
	out = append(out, strings.Split(h.View(m.keys.inView(m.back)), "\n")...)
	out = append(out, th.muted.Render("The mouse wheel scrolls too."))

	var levels []string
	for _, l := range []correlate.Level{correlate.LevelCritical, correlate.LevelWarning, correlate.LevelUnknown, correlate.LevelOK} {
		st, glyph := th.level(l)
		levels = append(levels, st.Render(glyph+" "+string(l)))
	}
	out = append(out, "", th.heading.Render("LEVELS")+"  "+strings.Join(levels, "  ")+"  "+th.info.Render("• info"))

	out = append(out, "", th.heading.Render("COLUMNS"))
	for _, c := range [][2]string{
		{"STATUS", "what the vendor's status page says"},
		{"INC", "incidents open on the status page"},
		{"REACH", "a keyless request to the vendor's API: does it answer at all?"},
		{"KEYS", "live probes of our own keys (free, read-only endpoints)"},
		{"TRAFFIC", "our own requests that failed, with the last hour (from Prometheus)"},
		{"LATENCY", "the API's answer time (else the status page's)"},
		{"SINCE", "how long the vendor has been at its level"},
	} {
		out = append(out, "  "+th.bold.Render(pad(c[0], 8))+" "+th.text.Render(c[1]))
	}
	out = append(out, "", th.heading.Render("CLIPBOARD")+"  "+th.text.Render("c copies the Markdown incident report with OSC 52;"),
		"  "+th.text.Render("in tmux, enable it with: ")+th.accent.UnsetBold().Render("tmux set -g set-clipboard on"))
	return out
}
