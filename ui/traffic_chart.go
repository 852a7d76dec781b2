package ui

import (
	"math"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	tslc "github.com/NimbleMarkets/ntcharts/v2/linechart/timeserieslinechart"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// chartSpan is how far back the detail view's traffic chart reaches.
const chartSpan = time.Hour

// chartHeight is the chart's height in lines, its time axis included.
const chartHeight = 8

// trafficChart is the last hour of our error rate as a line chart
// (ntcharts), with two strips under it on the same time axis: when our
// key probes were failing, and when the status page spoke. Each strip
// marks with a glyph, not only a colour, so it reads without colour.
func (m *Model) trafficChart(v correlate.VendorReport, w int, now time.Time) []string {
	th := m.th
	t := v.Traffic
	if len(t.Points) < 2 {
		return []string{th.muted.Render("  The chart needs two points of the last hour; Prometheus has given fewer.")}
	}
	cw := min(w, 72) - 8 // room for the strips' labels
	if cw < 24 {
		return nil
	}
	// The hour ends at the last point, so the line does not fall to
	// zero in the minute the next query has not yet covered.
	to := t.Points[len(t.Points)-1].At
	if to.IsZero() || to.After(now) {
		to = now
	}
	from := to.Add(-chartSpan)
	top := math.Ceil(sparkTop(t)*100/5) * 5 // the y axis in whole 5% steps
	loc := m.opts.Location
	chart := tslc.New(cw, chartHeight,
		tslc.WithTimeRange(from, to),
		tslc.WithYRange(0, top),
		tslc.WithXYSteps(14, 2),
		tslc.WithAxesStyles(th.subtle, th.muted),
		tslc.WithXLabelFormatter(func(_ int, x float64) string {
			return time.Unix(int64(x), 0).In(loc).Format("15:04")
		}),
		tslc.WithYLabelFormatter(func(_ int, y float64) string { return correlate.Percent(y / 100) }),
		tslc.WithStyle(m.trafficStyle(v)),
	)
	for _, p := range t.Points {
		if !p.At.Before(from) && !p.At.After(to) {
			chart.Push(tslc.TimePoint{Time: p.At, Value: p.Errors * 100})
		}
	}
	chart.Draw()
	out := strings.Split(chart.View(), "\n")

	// The strips start where the chart's plotting area does.
	left := strings.Repeat(" ", chart.Origin().X+1)
	gw := chart.GraphWidth()
	col := func(at time.Time) int {
		c := int(float64(gw) * at.Sub(from).Seconds() / chartSpan.Seconds())
		return min(max(c, 0), gw-1)
	}
	probes := probeStrip(v.Keys, gw, from, to, col)
	page := pageStrip(v.Status, gw, from, to, col)
	out = append(out,
		left+th.critical.UnsetBold().Render(probes)+th.muted.Render(" probes"),
		left+th.warning.Render(page)+th.muted.Render(" page"),
	)
	for _, l := range indent("─ our error %   probes: ✖ failing · passing   page: ▼ update ━ incident open", 2, w) {
		out = append(out, th.muted.Render(l))
	}
	return out
}

// trafficStyle is the chart line's colour: the traffic findings' own,
// else plain text.
func (m *Model) trafficStyle(v correlate.VendorReport) (st lipgloss.Style) {
	if s, ok := m.report.TrafficSeverity(v.ID); ok {
		st, _ = m.th.severity(s)
		return st
	}
	return m.th.text
}

// probeStrip marks, for each column of the last hour, whether any of our
// key probes was failing then: a failing key has failed since its Since
// (the start of its current streak). A key that passes now is taken to
// have passed all along, since only its current streak is known.
func probeStrip(keys []observe.KeyResult, gw int, from, now time.Time, col func(time.Time) int) string {
	if len(keys) == 0 {
		return strings.Repeat(" ", gw)
	}
	cells := []rune(strings.Repeat("·", gw))
	for _, k := range keys {
		if k.Result == observe.ResultOK || k.CheckedAt.IsZero() {
			continue
		}
		start := k.Since
		if start.IsZero() || start.Before(from) {
			start = from
		}
		for c := col(start); c <= col(now); c++ {
			cells[c] = '✖'
		}
	}
	return string(cells)
}

// pageStrip marks, for each column of the last hour, whether the status
// page had an incident open (━) and when it posted (▼): the incident's
// start and each update.
func pageStrip(s observe.Status, gw int, from, now time.Time, col func(time.Time) int) string {
	cells := []rune(strings.Repeat(" ", gw))
	for _, in := range s.Incidents {
		end := now
		if in.Resolved() && !in.ResolvedAt.IsZero() {
			end = in.ResolvedAt
		}
		if end.Before(from) || in.StartedAt.After(now) {
			continue
		}
		start := in.StartedAt
		if start.Before(from) {
			start = from
		}
		for c := col(start); c <= col(end); c++ {
			cells[c] = '━'
		}
	}
	for _, in := range s.Incidents {
		marks := []time.Time{in.StartedAt}
		for _, u := range in.Updates {
			marks = append(marks, u.At)
		}
		for _, at := range marks {
			if !at.IsZero() && !at.Before(from) && !at.After(now) {
				cells[col(at)] = '▼'
			}
		}
	}
	return string(cells)
}
