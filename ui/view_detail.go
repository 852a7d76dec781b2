package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// detailBar is the line above the detail view: which vendor, how bad, and
// how far down the page is scrolled.
func (m *Model) detailBar() string {
	v, ok := m.current()
	if !ok {
		return ""
	}
	st, glyph := m.vendorMark(v)
	level := string(v.Level)
	if w := m.report.Phase(v).Word(); w != "" {
		level = w
	}
	left := st.Render(glyph) + " " + m.th.bold.Render(termtext.Line(v.Name)) + m.th.muted.Render(" · "+level+" · "+correlate.StateWords(v.Status.State))
	right := ""
	switch {
	case m.detail.TotalLineCount() <= m.detail.Height():
	case m.detail.AtTop():
		right = m.th.muted.Render("more below ↓")
	default:
		right = m.th.muted.Render(fmt.Sprintf("%3.0f%%", m.detail.ScrollPercent()*100))
	}
	return spread(left, right, m.width)
}

// spread puts left and right on one line of w cells. When they do not
// fit, left is cut to keep right, unless that leaves too little of left;
// then right goes.
func spread(left, right string, w int) string {
	gap := w - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		room := w - ansi.StringWidth(right) - 2
		if room < 12 {
			return termtext.Truncate(left, w)
		}
		left = termtext.Truncate(left, room)
		gap = w - ansi.StringWidth(left) - ansi.StringWidth(right)
	}
	return left + strings.Repeat(" ", gap) + right
}

// detailLines is everything known about one vendor, most useful first:
// what it means (findings), what the vendor says (incidents), what our
// keys see, then the supporting evidence. Lines are at most w cells. The
// title line is left out when the view shows it in its own bar.
func (m *Model) detailLines(v correlate.VendorReport, w int, title bool) []string {
	th := m.th
	var out []string
	section := func(title string) {
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, th.heading.Render(title))
	}
	if title {
		st, glyph := m.vendorMark(v)
		out = append(out, st.Render(glyph+" "+termtext.Line(v.Name))+th.muted.Render(" · "+correlate.StateWords(v.Status.State)))
	}
	if d := termtext.Line(v.Status.Description); d != "" {
		out = append(out, indent(d, 2, w)...)
	}
	if u := termtext.Line(v.Status.PageURL); u != "" {
		out = append(out, "  "+th.link.Render(termtext.Truncate(u, w-2)))
	}
	if note := v.Status.OmittedNote(); note != "" {
		for _, l := range indent(note, 2, w) {
			out = append(out, th.muted.Render(l))
		}
	}

	section("FINDINGS")
	out = append(out, m.findingDetail(v, w)...)
	if rot := m.rotationLines(v.ID, w); len(rot) > 0 {
		section("ROTATION")
		out = append(out, rot...)
	}
	if v.Traffic != nil {
		section("TRAFFIC (our requests, from Prometheus)")
		out = append(out, m.trafficLines(v, w)...)
	}
	section("INCIDENTS")
	out = append(out, m.incidentLines(v, w)...)
	section("KEYS")
	out = append(out, m.keyLines(v, w)...)
	section("REACHABILITY")
	out = append(out, m.reachLines(v, w)...)
	if len(v.Status.Maintenances) > 0 {
		section("MAINTENANCE")
		out = append(out, m.maintenanceLines(v, w)...)
	}
	components := fmt.Sprintf("COMPONENTS (%d)", len(v.Status.Components))
	if n := v.Status.ComponentsOmitted; n > 0 {
		components = fmt.Sprintf("COMPONENTS (%d of %d)", len(v.Status.Components), len(v.Status.Components)+n)
	}
	section(components)
	out = append(out, m.componentLines(v, w)...)
	section("SOURCES")
	out = append(out, m.sourceLines(v, w)...)
	for i, l := range out {
		out[i] = ansi.Truncate(l, w, "…")
	}
	return out
}

func (m *Model) findingDetail(v correlate.VendorReport, w int) []string {
	th := m.th
	fs := m.report.FindingsFor(v.ID)
	if len(fs) == 0 {
		st, text := th.ok, glyph(correlate.LevelOK)+" Nothing wrong seen."
		switch {
		case m.report.NetworkDown() && !v.Status.State.Known():
			st, text = th.muted, "Nothing is known: our own network is down, so neither its status page nor its API could be reached."
		case m.report.NetworkDown() && v.Reachability != nil && v.Reachability.Result == observe.ResultNetworkError:
			st, text = th.muted, "Its status page reads fine, but our own network is down: its API could not be reached, so nothing is known of our requests."
		case v.Level == correlate.LevelUnknown:
			st, text = th.unknown, glyph(correlate.LevelUnknown)+" Nothing could be checked: the status page could not be read and no request got an answer."
		case correlate.Unread(v.Status):
			st, text = th.muted, "Nothing wrong seen in our own requests; the status page could not be read."
		}
		var out []string
		for _, l := range wrap(text, w) {
			out = append(out, st.Render(l))
		}
		return out
	}
	now := m.opts.Now()
	var out []string
	for i, f := range fs {
		if i > 0 {
			out = append(out, "")
		}
		st, glyph := th.severity(f.Severity)
		title := termtext.Line(f.Title)
		if pst, pg, ok := th.phase(f.State); ok {
			st, glyph, title = pst, pg, f.State.Word()+": "+title
		}
		if f.Silenced != nil {
			st, glyph = th.muted, "◌"
		}
		for j, l := range wrap(title, w-2) {
			if j == 0 {
				out = append(out, st.Render(glyph)+" "+th.bold.Render(l))
			} else {
				out = append(out, "  "+th.bold.Render(l))
			}
		}
		if !f.Since.IsZero() {
			out = append(out, th.muted.Render("  since "+when(f.Since, now, m.opts.Location)))
		}
		if f.Silenced != nil {
			out = append(out, th.muted.Render("  "+silencedNote(*f.Silenced, now, m.opts.Location)))
		}
		for _, l := range indent(termtext.Line(f.Detail), 2, w) {
			out = append(out, th.text.Render(l))
		}
		for _, a := range f.Advice {
			for j, l := range wrap(termtext.Line(a), w-4) {
				p := "    "
				if j == 0 {
					p = "  → "
				}
				out = append(out, th.accent.UnsetBold().Render(p)+l)
			}
		}
	}
	return out
}

func (m *Model) incidentLines(v correlate.VendorReport, w int) []string {
	th := m.th
	if len(v.Status.Incidents) == 0 {
		if correlate.Unread(v.Status) {
			return []string{th.warning.Render("Unknown: the status page could not be read.")}
		}
		return []string{th.muted.Render("None reported on the status page.")}
	}
	now, loc := m.opts.Now(), m.opts.Location
	incs := slices.Clone(v.Status.Incidents)
	slices.SortStableFunc(incs, func(a, b observe.Incident) int {
		if a.Resolved() != b.Resolved() {
			if a.Resolved() {
				return 1
			}
			return -1
		}
		return b.StartedAt.Compare(a.StartedAt)
	})
	var out []string
	for i, in := range incs {
		if i > 0 {
			out = append(out, "")
		}
		st, glyph := th.state(observe.ImpactState(in.Impact))
		if in.Resolved() {
			st, glyph = th.ok, "✓"
		}
		head := termtext.Line(in.Title)
		meta := words(termtext.Line(in.Status))
		if in.Impact != "" && in.Impact != "none" {
			meta += " · impact " + termtext.Line(in.Impact)
		}
		for j, l := range wrap(head, w-2) {
			if j == 0 {
				out = append(out, st.Render(glyph)+" "+th.bold.Render(l))
			} else {
				out = append(out, "  "+th.bold.Render(l))
			}
		}
		out = append(out, "  "+st.UnsetBold().Render(meta))
		times := "started " + when(in.StartedAt, now, loc)
		if !in.UpdatedAt.IsZero() {
			times += " · updated " + when(in.UpdatedAt, now, loc)
		}
		if !in.ResolvedAt.IsZero() {
			times += " · resolved " + when(in.ResolvedAt, now, loc)
		}
		for _, l := range indent(times, 2, w) {
			out = append(out, th.muted.Render(l))
		}
		if len(in.Components) > 0 {
			var cs []string
			for _, c := range in.Components {
				cs = append(cs, termtext.Line(c))
			}
			out = append(out, indent("affects "+strings.Join(cs, ", "), 2, w)...)
		}
		if u := termtext.Line(in.URL); u != "" {
			out = append(out, "  "+th.link.Render(termtext.Truncate(u, w-2)))
		}
		updates := in.Updates
		if len(updates) == 0 && in.LatestUpdate != "" {
			updates = []observe.Update{{Status: in.Status, Body: in.LatestUpdate, At: in.UpdatedAt}}
		}
		for _, u := range updates {
			out = append(out, "  "+th.text.Bold(true).Render(when(u.At, now, loc))+"  "+th.accent.UnsetBold().Render(words(termtext.Line(u.Status))))
			for _, l := range indent(termtext.Text(u.Body), 4, w) {
				out = append(out, th.text.Render(l))
			}
		}
		if n := in.UpdatesOmitted; n > 0 {
			out = append(out, th.muted.Render(fmt.Sprintf("  … %d earlier updates not kept", n)))
		}
	}
	return out
}

func (m *Model) keyLines(v correlate.VendorReport, w int) []string {
	th := m.th
	if len(v.Keys) == 0 {
		return []string{th.muted.Render("No keys are probed for this vendor: add keys: to it in the config.")}
	}
	now, loc := m.opts.Now(), m.opts.Location
	var out []string
	for _, k := range v.Keys {
		st, glyph := th.result(k.Result)
		name := termtext.Line(k.Name)
		if k.Canary {
			name += " (canary)"
		}
		line := st.Render(glyph) + " " + th.bold.Render(name) + "  " + th.muted.Render(termtext.Line(k.Fingerprint)) + "  " + st.Render(correlate.ResultWord(k.Result))
		var ev []string
		if k.HTTPStatus != 0 {
			ev = append(ev, fmt.Sprintf("HTTP %d", k.HTTPStatus))
		}
		if k.Code != "" {
			ev = append(ev, termtext.Line(k.Code))
		}
		if k.LatencyMS > 0 {
			ev = append(ev, correlate.Latency(k.LatencyMS))
		}
		if len(ev) > 0 {
			line += "  " + th.muted.Render(strings.Join(ev, " · "))
		}
		out = append(out, line)
		var streak []string
		if !k.Since.IsZero() {
			streak = append(streak, "since "+when(k.Since, now, loc))
		}
		if k.Consecutive > 1 {
			streak = append(streak, fmt.Sprintf("%d checks in a row", k.Consecutive))
		}
		if !k.CheckedAt.IsZero() {
			streak = append(streak, "checked "+clockAt(k.CheckedAt, now, loc))
		}
		for _, l := range indent(strings.Join(streak, " · "), 2, w) {
			out = append(out, th.muted.Render(l))
		}
		if msg := termtext.Line(k.Message); msg != "" {
			out = append(out, indent("“"+msg+"”", 2, w)...)
		}
		if hint := termtext.Line(k.Hint); hint != "" {
			for _, l := range indent("→ "+hint, 2, w) {
				out = append(out, th.accent.UnsetBold().Render(l))
			}
		}
	}
	return out
}

func (m *Model) reachLines(v correlate.VendorReport, w int) []string {
	var out []string
	if r := v.Reachability; r == nil {
		out = append(out, m.th.muted.Render("Not checked: no keyless API request is defined for this vendor."))
	} else {
		out = m.reachLine("", *r, w)
	}
	if d := v.Dashboard; d != nil {
		out = append(out, m.reachLine("dashboard page "+termtext.Line(d.Origin), d.Page, w)...)
		out = append(out, m.reachLine("dashboard's calls to the API (CORS preflight)", d.Preflight, w)...)
	}
	return out
}

// reachLine is one keyless request's outcome, with its error below it.
func (m *Model) reachLine(label string, r observe.Reachability, w int) []string {
	th := m.th
	st, glyph := th.result(r.Result)
	var parts []string
	if label != "" {
		parts = append(parts, label)
	}
	parts = append(parts, correlate.ResultWord(r.Result))
	if r.HTTPStatus != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", r.HTTPStatus))
	}
	if r.LatencyMS > 0 {
		parts = append(parts, correlate.Latency(r.LatencyMS))
	}
	if !r.CheckedAt.IsZero() {
		parts = append(parts, "checked "+clockAt(r.CheckedAt, m.opts.Now(), m.opts.Location))
	}
	out := []string{st.Render(glyph) + " " + strings.Join(parts, " · ")}
	if e := termtext.Line(r.Error); e != "" {
		for _, l := range indent(e, 2, w) {
			out = append(out, th.warning.Render(l))
		}
	}
	return out
}

func (m *Model) maintenanceLines(v correlate.VendorReport, w int) []string {
	th := m.th
	now, loc := m.opts.Now(), m.opts.Location
	var out []string
	for _, mt := range v.Status.Maintenances {
		out = append(out, th.info.Render("◆")+" "+termtext.Line(mt.Title)+th.muted.Render(" · "+words(termtext.Line(mt.Status))))
		span := clockAt(mt.StartsAt, now, loc)
		if !mt.EndsAt.IsZero() {
			span += " – " + clockAt(mt.EndsAt, now, loc)
		}
		out = append(out, th.muted.Render("  "+span))
		if u := termtext.Line(mt.URL); u != "" {
			out = append(out, "  "+th.link.Render(termtext.Truncate(u, w-2)))
		}
	}
	return out
}

// componentLines lists the components worst first. A long list of
// operational components is folded into one line: on a page with 25
// components the one that is down must not scroll away.
func (m *Model) componentLines(v correlate.VendorReport, w int) []string {
	th := m.th
	if len(v.Status.Components) == 0 {
		return []string{th.muted.Render("None listed.")}
	}
	cs := slices.Clone(v.Status.Components)
	slices.SortStableFunc(cs, func(a, b observe.Component) int { return b.State.Severity() - a.State.Severity() })
	nameW := 0
	for _, c := range cs {
		n := ansi.StringWidth(termtext.Line(c.Name))
		if c.Group != "" {
			n += ansi.StringWidth(termtext.Line(c.Group)) + 3 // "Group › Name"
		}
		nameW = max(nameW, n+1)
	}
	nameW = min(nameW, max(w/2, 12), 40)
	var out, calm []string
	for _, c := range cs {
		name := termtext.Line(c.Name)
		if c.Group != "" {
			name = termtext.Line(c.Group) + " › " + name
		}
		if c.State == observe.Operational && len(cs) > foldComponents {
			calm = append(calm, name)
			continue
		}
		st, glyph := th.state(c.State)
		out = append(out, st.Render(glyph)+" "+pad(name, nameW)+" "+st.Render(correlate.StateWords(c.State)))
	}
	if len(calm) > 0 {
		label := fmt.Sprintf("%d operational: ", len(calm))
		if len(calm) == len(cs) {
			label = fmt.Sprintf("all %d operational: ", len(calm))
		}
		lines := wrap(label+strings.Join(calm, ", "), w-2)
		out = append(out, th.ok.Render(glyph(correlate.LevelOK))+" "+th.muted.Render(lines[0]))
		for _, l := range lines[1:] {
			out = append(out, th.muted.Render("  "+l))
		}
	}
	return out
}

// foldComponents is how many components are listed one per line before
// the operational ones are folded.
const foldComponents = 8

func (m *Model) sourceLines(v correlate.VendorReport, w int) []string {
	th := m.th
	if len(v.Status.Sources) == 0 {
		return []string{th.muted.Render("No status source was read.")}
	}
	var out []string
	for _, s := range v.Status.Sources {
		st, glyph := th.level(correlate.LevelOK)
		if !s.OK {
			st, glyph = th.level(correlate.LevelWarning)
		}
		meta := []string{correlate.SourceFormat(s)}
		meta = append(meta, correlate.Latency(s.LatencyMS))
		if s.NotModified {
			meta = append(meta, "not modified")
		}
		out = append(out, st.Render(glyph)+" "+th.text.Render(strings.Join(meta, " · ")))
		out = append(out, "  "+th.link.Render(termtext.Truncate(termtext.Line(s.URL), w-2)))
		if e := termtext.Line(s.Error); e != "" {
			for _, l := range indent(e, 2, w) {
				out = append(out, th.warning.Render(l))
			}
		}
	}
	return out
}
