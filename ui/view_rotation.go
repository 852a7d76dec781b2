package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// rotationNotes are the main view's lines about open rotation
// checklists, under the findings: "↻ openai/prod rotation: waiting for
// vendor:langsmith". A rotation is no finding (it raises no level), but
// while a holder may still have the old key it must stay in sight.
func (m *Model) rotationNotes(w int) []string {
	th := m.th
	var out []string
	for _, r := range m.report.Rotations {
		if !r.Open() {
			continue
		}
		var waiting []string
		for _, h := range r.Pending() {
			waiting = append(waiting, correlate.HolderSpec(h.Holder))
		}
		text := fmt.Sprintf("rotation of %s: waiting for %s (%d of %d holders)", r.Subject(), strings.Join(waiting, ", "), len(waiting), len(r.Holders))
		out = append(out, th.accent.Render("↻")+" "+th.text.Render(termtext.Truncate(termtext.Line(text), w-2)))
	}
	return out
}

// rotationLines is the detail view's ROTATION section for a vendor: the
// checklists of its keys, and those it is a holder on.
func (m *Model) rotationLines(id string, w int) []string {
	th := m.th
	var out []string
	for _, r := range m.report.Rotations {
		if r.Vendor != id && !slices.ContainsFunc(r.Holders, func(h correlate.RotationHolder) bool { return h.Kind == "vendor" && h.Name == id }) {
			continue
		}
		head := th.text
		if r.Open() {
			head = th.warning
		}
		out = append(out, indentStyled(head, r.Headline(), 2, w)...)
		for _, h := range r.Holders {
			st, mark := th.warning, "○"
			if h.State == correlate.HolderDone {
				st, mark = th.ok, "✓"
			}
			out = append(out, "  "+st.Render(mark)+" "+th.text.Render(termtext.Line(correlate.HolderSpec(h.Holder))))
			for _, l := range indent(termtext.Line(h.Line()), 6, w) {
				out = append(out, th.muted.Render(l))
			}
		}
	}
	return out
}

// indentStyled is indent with every line in st.
func indentStyled(st interface{ Render(...string) string }, s string, n, w int) []string {
	lines := indent(termtext.Line(s), n, w)
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}
