// Package chart draws our own traffic to a vendor as an SVG chart for
// the incident report (vendorwatch report --charts DIR): the error ratio
// over the series, with the status page's posts and our probes' changes
// from the timeline marked on the same time axis. It also draws the
// reliability report's failing minutes per bucket (sla.go).
//
// It draws with the chartdraw package of github.com/go-analyze/charts
// (the maintained fork of the archived wcharczuk/go-chart), which does
// next to no work when the program starts: its embedded fonts are
// unzipped and parsed on the first chart drawn, so `--once`, `serve` and
// the dashboard, which never draw one, pay for this package little but
// its code. (gonum.org/v1/plot, used before, parsed a dozen embedded
// fonts in its package init at every start of every vendorwatch
// process.) chartdraw escapes the text it writes into the SVG; remote
// text is also cleaned for one line (termtext) before it is drawn.
// Files are written through atomicfile, so every registered secret is
// blanked before a byte reaches the disk.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gochart "github.com/go-analyze/charts/chartdraw"
	"github.com/go-analyze/charts/chartdraw/drawing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/output"
)

// The chart's size in pixels: 20 × 9 cm at 96 dots per inch, wide enough
// for an hour of minute points, small enough to sit in a postmortem
// document.
const (
	width  = 756
	height = 340
)

// Colours of the series and the marks: errors in red, the status page in
// amber and our probes in blue, each also told apart by its dash.
var (
	errorColour = drawing.Color{R: 0xCF, G: 0x22, B: 0x2E, A: 0xFF}
	pageColour  = drawing.Color{R: 0x9A, G: 0x67, B: 0x00, A: 0xFF}
	probeColour = drawing.Color{R: 0x09, G: 0x69, B: 0xDA, A: 0xFF}
	gridColour  = drawing.Color{R: 0xD0, G: 0xD7, B: 0xDE, A: 0xFF}
)

// The marks' dashes, in pixels: long dashes for the status page, dots
// for our probes.
var (
	pageDashes  = []float64{6, 3}
	probeDashes = []float64{2, 3}
)

// legendGap ends each legend entry's text: two no-break spaces, which
// the SVG keeps, so that the entry's line clears the text in a viewer
// whose sans-serif is wider than the Roboto the legend was measured in.
const legendGap = "\u00a0\u00a0"

// WriteTraffic writes one SVG chart per vendor with a traffic series to
// dir, named traffic-<vendor>.svg, and returns the paths it wrote. The
// directory is created when missing. A vendor whose series is empty in
// the report's window gets no chart.
func WriteTraffic(dir string, r output.IncidentReport) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("charts: %w", err)
	}
	var paths []string
	for _, s := range r.Traffic {
		if len(s.Points) == 0 {
			continue
		}
		svg, err := TrafficSVG(s, r.Timeline)
		if err != nil {
			return paths, fmt.Errorf("chart of %s: %w", s.Vendor, err)
		}
		path := filepath.Join(dir, "traffic-"+fileName(s.Vendor)+".svg")
		if err := atomicfile.Write(path, atomicfile.Options{Perm: 0o644}, svg); err != nil {
			return paths, fmt.Errorf("chart of %s: %w", s.Vendor, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// unsafeName matches what a file name must not hold.
var unsafeName = lazyregexp.New(`[^A-Za-z0-9._-]+`)

// fileName is a vendor id fit for a file name.
func fileName(id string) string {
	n := strings.Trim(unsafeName().ReplaceAllString(id, "_"), "._")
	if n == "" {
		return "vendor"
	}
	return n
}

// TrafficSVG is the chart of one vendor's series as SVG: our error % as
// a line, and a vertical mark at each status-page post (dashed, amber)
// and each change of our probes (dotted, blue) in the series' span.
func TrafficSVG(s output.TrafficSeries, timeline []correlate.Event) ([]byte, error) {
	if len(s.Points) == 0 {
		return nil, errors.New("no points to draw")
	}
	line := gochart.ContinuousSeries{
		Name:    "our error %" + legendGap,
		Style:   gochart.Style{StrokeColor: errorColour, StrokeWidth: 2},
		XValues: make([]float64, len(s.Points)),
		YValues: make([]float64, len(s.Points)),
	}
	top := 5.0
	for i, pt := range s.Points {
		line.XValues[i] = float64(pt.At.Unix())
		line.YValues[i] = pt.Errors * 100
		top = max(top, line.YValues[i])
	}
	top *= 1.4 // room above the line for the legend
	first, last := s.Points[0].At, s.Points[len(s.Points)-1].At
	// A minute past the last point, so a mark at its time stays in sight.
	lo, hi := float64(first.Unix()), float64(last.Add(time.Minute).Unix())

	page := &marks{name: "status page post" + legendGap, style: gochart.Style{StrokeColor: pageColour, StrokeWidth: 1, StrokeDashArray: pageDashes}}
	probe := &marks{name: "our probes changed" + legendGap, style: gochart.Style{StrokeColor: probeColour, StrokeWidth: 1, StrokeDashArray: probeDashes}}
	for _, e := range timeline {
		if e.Vendor != s.Vendor || e.At.Before(first) || e.At.After(last) {
			continue
		}
		switch e.Kind {
		case correlate.EventIncidentOpened, correlate.EventIncidentUpdated, correlate.EventIncidentResolved, correlate.EventVendorState:
			page.at = append(page.at, float64(e.At.Unix()))
		case correlate.EventKeyChanged, correlate.EventReachabilityChanged:
			probe.at = append(probe.at, float64(e.At.Unix()))
		}
	}
	series := []gochart.Series{line}
	for _, m := range []*marks{page, probe} {
		if len(m.at) > 0 {
			series = append(series, m)
		}
	}

	c := frame(s.VendorName + ": our requests that failed")
	c.XAxis.Ticks = clockTicks(lo, hi)
	c.YAxis.Ticks = valueTicks(top, "%")
	c.Series = series
	c.Elements = []gochart.Renderable{gochart.Legend(&c, gochart.Style{FontStyle: gochart.FontStyle{FontSize: 9}})}
	return encode(c)
}

// frame is a chart's title, axes, grid and margins, without series: the
// time (or bucket) axis below, named UTC, and the value axis on the left,
// its unit said by the title and the ticks' labels.
func frame(title string) gochart.Chart {
	grid := gochart.Style{StrokeColor: gridColour, StrokeWidth: 1}
	return gochart.Chart{
		Title:      termtext.Line(title),
		TitleStyle: gochart.Style{FontStyle: gochart.FontStyle{FontSize: 13}},
		Width:      width,
		Height:     height,
		DPI:        96,
		Background: gochart.Style{Padding: gochart.Box{Top: 40, Left: 10, Right: 20, Bottom: 10}},
		XAxis: gochart.XAxis{
			Name: "UTC", GridMajorStyle: grid, GridMinorStyle: grid,
		},
		YAxis: gochart.YAxis{
			// chartdraw's secondary side is the left one; the series stay on
			// the primary range, and the secondary axis is not drawn.
			AxisType:       gochart.YAxisSecondary,
			GridMajorStyle: grid, GridMinorStyle: grid,
		},
		YAxisSecondary: gochart.YAxis{Style: gochart.Hidden()},
	}
}

// encode draws c as SVG. chartdraw gives the root element a viewBox
// only; encode adds the chart's width and height, so a Markdown viewer
// shows it at its size instead of guessing one.
func encode(c gochart.Chart) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.Render(gochart.SVG, &buf); err != nil {
		return nil, fmt.Errorf("drawing the chart: %w", err)
	}
	root := []byte("<svg ")
	svg := buf.Bytes()
	if !bytes.HasPrefix(svg, root) {
		return nil, errors.New("drawing the chart: the SVG does not start with its root element")
	}
	sized := fmt.Appendf(nil, `<svg width="%d" height="%d" `, c.Width, c.Height)
	return append(sized, svg[len(root):]...), nil
}

// clockTicks puts the time axis' labels on round minutes between lo and
// hi (seconds since the epoch): every 10 minutes for an hour, every 2 for
// a few minutes, every hour for a day. The axis spans the ticks, so its
// ends are unlabelled ticks at lo and hi.
func clockTicks(lo, hi float64) []gochart.Tick {
	span := time.Duration(hi-lo) * time.Second
	step := 10 * time.Minute
	switch {
	case span <= 15*time.Minute:
		step = 2 * time.Minute
	case span > 3*time.Hour:
		step = time.Hour
	}
	out := []gochart.Tick{{Value: lo}}
	for t := time.Unix(int64(lo), 0).UTC().Truncate(step); !t.After(time.Unix(int64(hi), 0)); t = t.Add(step) {
		if x := float64(t.Unix()); x > lo && x < hi {
			out = append(out, gochart.Tick{Value: x, Label: t.Format("15:04")})
		}
	}
	return append(out, gochart.Tick{Value: hi})
}

// valueTicks are the value axis' ticks from 0 to at least top, on a round
// step (1, 2 or 5 times a power of ten) that gives four to eight of them,
// each labelled as a plain number followed by unit ("25%", "120").
func valueTicks(top float64, unit string) []gochart.Tick {
	if !(top > 0) || math.IsInf(top, 0) {
		top = 1
	}
	step := math.Pow(10, math.Floor(math.Log10(top/5)))
	for _, f := range []float64{1, 2, 5, 10} {
		if top/(step*f) <= 7 {
			step *= f
			break
		}
	}
	// As many decimals as the step has, so that 3 × 0.2 reads "0.6".
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var out []gochart.Tick
	for i := 0; ; i++ {
		v := float64(i) * step
		v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'f', decimals, 64), 64)
		out = append(out, gochart.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64) + unit})
		if v >= top {
			return out
		}
	}
}

// marks is one kind of timeline event drawn as a vertical line across
// the chart at each of its times, with one entry in the legend.
type marks struct {
	name  string
	style gochart.Style
	at    []float64 // seconds since the epoch
}

// GetName is the legend's text for the marks.
func (m *marks) GetName() string { return m.name }

// GetYAxis places the marks on the primary range.
func (m *marks) GetYAxis() gochart.YAxisType { return gochart.YAxisPrimary }

// GetStyle is the marks' colour and dash, which the legend draws too.
func (m *marks) GetStyle() gochart.Style { return m.style }

// Validate accepts any marks: an empty set draws nothing.
func (m *marks) Validate() error { return nil }

// Render draws a vertical line from the bottom to the top of the canvas
// at each mark's time.
func (m *marks) Render(r gochart.Renderer, box gochart.Box, xrange, _ gochart.Range, defaults gochart.Style) {
	m.style.InheritFrom(defaults).GetStrokeOptions().WriteDrawingOptionsToRenderer(r)
	for _, at := range m.at {
		x := box.Left + xrange.Translate(at)
		r.MoveTo(x, box.Bottom)
		r.LineTo(x, box.Top)
		r.Stroke()
	}
	r.ResetStyle()
}
