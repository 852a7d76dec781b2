package ui

import (
	"fmt"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// maintenancesBar is the line above the maintenance calendar: how many
// windows are running and coming.
func (m *Model) maintenancesBar() string {
	th := m.th
	list := m.report.UpcomingMaintenances(m.opts.Now())
	running := 0
	for _, mt := range list {
		if mt.InProgress {
			running++
		}
	}
	left := th.heading.Render("MAINTENANCES") + th.muted.Render(fmt.Sprintf(" · %d in progress, %d scheduled", running, len(list)-running))
	return spread(left, th.key.Render("esc")+th.muted.Render(" back"), m.width)
}

// maintenancesLines is the calendar of the latest report: each running or
// coming window with its time, vendor, title, the components it touches
// and the vendor's link, running ones first.
func (m *Model) maintenancesLines(w int) []string {
	th := m.th
	now, loc := m.opts.Now(), m.opts.Location
	list := m.report.UpcomingMaintenances(now)
	if len(list) == 0 {
		return []string{
			th.muted.Render("No maintenance in progress or scheduled on the vendors' status pages."),
			th.muted.Render("Windows the pages announce appear here, with the components they touch."),
		}
	}
	const lead = 4
	indent := strings.Repeat(" ", lead)
	var out []string
	for i, mt := range list {
		if i > 0 {
			out = append(out, "")
		}
		var when string
		switch {
		case mt.InProgress && !mt.EndsAt.IsZero():
			when = th.warning.Render("now") + th.muted.Render(", until "+clockAt(mt.EndsAt, now, loc))
		case mt.InProgress:
			when = th.warning.Render("now")
		case mt.StartsAt.IsZero():
			when = th.muted.Render("not yet scheduled")
		default:
			when = th.bold.Render(clockAt(mt.StartsAt, now, loc)) + th.muted.Render(" ("+ago(now, mt.StartsAt)+")")
			if !mt.EndsAt.IsZero() {
				when += th.muted.Render(" to " + clockAt(mt.EndsAt, now, loc))
			}
		}
		out = append(out, th.bold.Render(termtext.Line(m.vendorName(mt.VendorID)))+"  "+when)
		for _, l := range wrap(termtext.Line(mt.Title), max(w-lead, 20)) {
			out = append(out, indent+th.text.Render(l))
		}
		comps := make([]string, 0, len(mt.Components))
		for _, c := range mt.Components {
			comps = append(comps, termtext.Line(c))
		}
		touched := "components not named"
		if len(comps) > 0 {
			touched = "touches " + strings.Join(comps, ", ")
		}
		if mt.ComponentsOmitted > 0 {
			touched += fmt.Sprintf(" and %d more", mt.ComponentsOmitted)
		}
		for _, l := range wrap(touched, max(w-lead, 20)) {
			out = append(out, indent+th.muted.Render(l))
		}
		if u := termtext.Line(mt.URL); u != "" {
			out = append(out, indent+th.link.Render(termtext.Truncate(u, w-lead)))
		}
	}
	return out
}
