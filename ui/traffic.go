package ui

import (
	"fmt"
	"math"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// sparkWidth is how many cells the traffic column's sparkline takes.
const sparkWidth = 6

// sparkRunes are the eight heights of a sparkline cell, lowest first.
var sparkRunes = []rune("▁▂▃▄▅▆▇█")

// hasTraffic reports whether any vendor of the report has a traffic
// signal: without one, the dashboard keeps its table as it was.
func hasTraffic(r *correlate.Report) bool {
	for _, v := range r.Vendors {
		if v.Traffic != nil {
			return true
		}
	}
	return false
}

// sparkTop is the value a sparkline's highest cell stands for: the
// series' peak, but never less than the threshold ratio, so a quiet
// 0.2% does not look like an outage.
func sparkTop(t *observe.Traffic) float64 {
	top := t.Thresholds.MinRatio
	if top <= 0 {
		top = 0.05
	}
	for _, p := range t.Points {
		top = math.Max(top, p.Errors)
	}
	return top
}

// sparkline draws a traffic series' error ratios in w cells: the points
// are spread over the cells (the worst point of each cell is drawn, so a
// short spike stays visible) and an empty cell is a space.
func sparkline(t *observe.Traffic, w int) string {
	if len(t.Points) == 0 || w <= 0 {
		return strings.Repeat(" ", max(w, 0))
	}
	top := sparkTop(t)
	cells := make([]float64, w)
	filled := make([]bool, w)
	n := len(t.Points)
	for i, p := range t.Points {
		c := i * w / n
		if n < w {
			// Fewer points than cells: the newest stay at the right.
			c = w - n + i
		}
		cells[c] = math.Max(cells[c], p.Errors)
		filled[c] = true
	}
	var b strings.Builder
	for i, v := range cells {
		if !filled[i] {
			b.WriteByte(' ')
			continue
		}
		h := int(math.Round(v / top * float64(len(sparkRunes)-1)))
		b.WriteRune(sparkRunes[min(max(h, 0), len(sparkRunes)-1)])
	}
	return b.String()
}

// trafficCell is the traffic column's text and style: our error % and
// the last hour's sparkline, "-" without a traffic source, and why the
// signal is missing when Prometheus did not answer. The colour follows
// the vendor's traffic findings, so the table and the findings agree.
func (m *Model) trafficCell(v correlate.VendorReport) (lipgloss.Style, string) {
	th := m.th
	t := v.Traffic
	text, ok := correlate.TrafficCell(t)
	switch {
	case t != nil && t.Result != observe.ResultOK:
		return th.unknown, text
	case !ok:
		return th.muted, text
	}
	text = pad(text, 5) + sparkline(t, sparkWidth)
	if s, ok := m.report.TrafficSeverity(v.ID); ok {
		st, _ := th.severity(s)
		return st, text
	}
	if t.Rate < t.Thresholds.MinRate {
		return th.muted, text
	}
	return th.text, text
}

// trafficLines is the detail view's TRAFFIC section: the rate, the error
// ratios by class against the baseline, and the last hour's chart.
func (m *Model) trafficLines(v correlate.VendorReport, w int) []string {
	th := m.th
	t := v.Traffic
	now, loc := m.opts.Now(), m.opts.Location
	if t.Result != observe.ResultOK {
		st, glyph := th.result(t.Result)
		line := st.Render(glyph+" "+correlate.ResultWord(t.Result)) + th.muted.Render(": our own traffic could not be read from Prometheus; the other signals are unaffected.")
		out := []string{line}
		if e := termtext.Line(t.Error); e != "" {
			out = append(out, indent(e, 2, w)...)
		}
		return out
	}
	if t.Series == 0 {
		return wrap("Prometheus holds no series of our requests to this vendor: check the metric names and hosts with vendorwatch check-config.", w)
	}
	window := ""
	if t.Window > 0 {
		window = " over " + correlate.Span(t.Window)
	}
	rate := fmt.Sprintf("%.2f req/s", t.Rate)
	rest := fmt.Sprintf("%s · %s failed · checked %s", window, correlate.Percent(t.Errors.Total()), when(t.CheckedAt, now, loc))
	var out []string
	if ansi.StringWidth(rate+rest) <= w {
		out = append(out, th.bold.Render(rate)+th.muted.Render(rest))
	} else {
		out = append(out, wrap(rate+rest, w)...)
	}
	classes := []struct {
		name      string
		now, base float64
	}{
		{"auth", t.Errors.Auth, 0}, {"throttled", t.Errors.Throttled, 0}, {"vendor", t.Errors.Vendor, 0},
		{"network", t.Errors.Network, 0}, {"client", t.Errors.Client, 0},
	}
	if b := t.Baseline; b != nil {
		for i, x := range []float64{b.Auth, b.Throttled, b.Vendor, b.Network, b.Client} {
			classes[i].base = x
		}
	}
	var parts []string
	for _, c := range classes {
		if c.now == 0 && c.base == 0 {
			continue
		}
		s := c.name + " " + correlate.Percent(c.now)
		if t.Baseline != nil {
			s += " (a day ago " + correlate.Percent(c.base) + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		parts = []string{"no errors in any class"}
	}
	for _, l := range wrap(strings.Join(parts, " · "), w-2) {
		out = append(out, "  "+th.text.Render(l))
	}
	if t.Baseline == nil {
		out = append(out, th.muted.Render("  no baseline yet: Prometheus holds nothing from a day earlier"))
	}
	return append(out, m.trafficChart(v, w, now)...)
}
