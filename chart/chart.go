// Package chart draws our own traffic to a vendor as an SVG chart for
// the incident report (vendorwatch report --charts DIR): the error ratio
// over the series, with the status page's posts and our probes' changes
// from the timeline marked on the same time axis. It draws with
// gonum.org/v1/plot and writes files through atomicfile, so every
// registered secret is blanked before a byte reaches the disk.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/output"
)

// The chart's size: wide enough for an hour of minute points, small
// enough to sit in a postmortem document.
const (
	width  = 20 * vg.Centimeter
	height = 9 * vg.Centimeter
)

// Colours of the series and the marks: errors in red, the status page in
// amber and our probes in blue, each also told apart by its dash.
var (
	errorColour = color.RGBA{R: 0xCF, G: 0x22, B: 0x2E, A: 0xFF}
	pageColour  = color.RGBA{R: 0x9A, G: 0x67, B: 0x00, A: 0xFF}
	probeColour = color.RGBA{R: 0x09, G: 0x69, B: 0xDA, A: 0xFF}
)

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
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName is a vendor id fit for a file name.
func fileName(id string) string {
	n := strings.Trim(unsafeName.ReplaceAllString(id, "_"), "._")
	if n == "" {
		return "vendor"
	}
	return n
}

// clockTicks puts the time axis' labels on round minutes: every 10
// minutes for an hour, every 2 for a few minutes, every hour for a day.
type clockTicks struct{}

// Ticks returns the ticks between min and max, in seconds since the epoch.
func (clockTicks) Ticks(lo, hi float64) []plot.Tick {
	span := time.Duration(hi-lo) * time.Second
	step := 10 * time.Minute
	switch {
	case span <= 15*time.Minute:
		step = 2 * time.Minute
	case span > 3*time.Hour:
		step = time.Hour
	}
	var out []plot.Tick
	for t := time.Unix(int64(lo), 0).UTC().Truncate(step); !t.After(time.Unix(int64(hi), 0)); t = t.Add(step) {
		if x := float64(t.Unix()); x >= lo {
			out = append(out, plot.Tick{Value: x, Label: "x"})
		}
	}
	return out
}

// percentTicks are gonum/plot's default ticks on the y axis, labelled
// as whole percentages: "25%", not "25.00".
type percentTicks struct{}

// Ticks returns the default ticks between min and max, relabelled.
func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', -1, 64) + "%"
		}
	}
	return ts
}

// TrafficSVG is the chart of one vendor's series as SVG: our error % as
// a line, and a vertical mark at each status-page post (dashed, amber)
// and each change of our probes (dotted, blue) in the series' span.
func TrafficSVG(s output.TrafficSeries, timeline []correlate.Event) ([]byte, error) {
	return render(s, timeline, "svg")
}

// render draws the chart in a format gonum/plot writes: "svg" or "png".
func render(s output.TrafficSeries, timeline []correlate.Event, format string) ([]byte, error) {
	if len(s.Points) == 0 {
		return nil, errors.New("no points to draw")
	}
	p := plot.New()
	p.Title.Text = termtext.Line(s.VendorName) + ": our requests that failed"
	p.X.Label.Text = "UTC"
	p.Y.Label.Text = "failed"
	p.Y.Tick.Marker = percentTicks{}
	p.X.Tick.Marker = plot.TimeTicks{Format: "15:04", Ticker: clockTicks{}, Time: func(t float64) time.Time { return time.Unix(int64(t), 0).UTC() }}
	p.Add(plotter.NewGrid())

	xys := make(plotter.XYs, len(s.Points))
	top := 5.0
	for i, pt := range s.Points {
		xys[i].X = float64(pt.At.Unix())
		xys[i].Y = pt.Errors * 100
		top = max(top, xys[i].Y)
	}
	top *= 1.4 // room above the line for the legend
	p.Y.Min, p.Y.Max = 0, top
	first, last := s.Points[0].At, s.Points[len(s.Points)-1].At
	// A minute past the last point, so a mark at its time stays in sight.
	p.X.Min, p.X.Max = float64(first.Unix()), float64(last.Add(time.Minute).Unix())

	line, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	line.Color, line.Width = errorColour, vg.Points(1.5)
	p.Add(line)
	p.Legend.Add("our error %", line)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(8)

	var page, probe bool
	for _, e := range timeline {
		if e.Vendor != s.Vendor || e.At.Before(first) || e.At.After(last) {
			continue
		}
		var c color.Color
		var dashes []vg.Length
		switch e.Kind {
		case correlate.EventIncidentOpened, correlate.EventIncidentUpdated, correlate.EventIncidentResolved, correlate.EventVendorState:
			c, dashes = pageColour, []vg.Length{vg.Points(5), vg.Points(3)}
		case correlate.EventKeyChanged, correlate.EventReachabilityChanged:
			c, dashes = probeColour, []vg.Length{vg.Points(1), vg.Points(2)}
		default:
			continue
		}
		x := float64(e.At.Unix())
		mark, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: top}})
		if err != nil {
			return nil, err
		}
		mark.Color, mark.Dashes, mark.Width = c, dashes, vg.Points(1)
		p.Add(mark)
		if c == pageColour && !page {
			p.Legend.Add("status page post", mark)
			page = true
		}
		if c == probeColour && !probe {
			p.Legend.Add("our probes changed", mark)
			probe = true
		}
	}

	return encode(p, width, height, format)
}

// encode draws p in the format ("svg", "png") at width × height.
func encode(p *plot.Plot, width, height vg.Length, format string) ([]byte, error) {
	w, err := p.WriterTo(width, height, format)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
