package chart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/sla"
)

// WriteSLA writes one SVG chart per vendor of a reliability report to
// dir, named sla-<vendor>.svg: the minutes our probes failed in each
// bucket of the window. It returns the written paths by vendor id. The
// directory is created when missing.
func WriteSLA(dir string, r output.SLAReport) (map[string]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("charts: %w", err)
	}
	paths := map[string]string{}
	for _, v := range r.Vendors {
		svg, err := SLASVG(v)
		if err != nil {
			return paths, fmt.Errorf("chart of %s: %w", v.ID, err)
		}
		path := filepath.Join(dir, "sla-"+fileName(v.ID)+".svg")
		if err := atomicfile.Write(path, atomicfile.Options{Perm: 0o644}, svg); err != nil {
			return paths, fmt.Errorf("chart of %s: %w", v.ID, err)
		}
		paths[v.ID] = path
	}
	return paths, nil
}

// SLASVG is a vendor's failing minutes per bucket as an SVG bar chart,
// the bucket's start date under every fifth bar.
func SLASVG(v sla.Vendor) ([]byte, error) { return slaRender(v, "svg") }

// slaRender draws a vendor's bar chart in a format gonum/plot writes:
// "svg" or "png".
func slaRender(v sla.Vendor, format string) ([]byte, error) {
	if len(v.Buckets) == 0 {
		return nil, errors.New("no buckets to draw")
	}
	p := plot.New()
	p.Title.Text = termtext.Line(v.Name) + ": minutes our probes failed"
	p.Y.Label.Text = "minutes"
	p.X.Label.Text = "UTC"
	p.Add(plotter.NewGrid())
	vals := make(plotter.Values, len(v.Buckets))
	labels := make([]string, len(v.Buckets))
	top := 1.0
	for i, b := range v.Buckets {
		vals[i] = b.FailingMinutes
		top = max(top, b.FailingMinutes)
		if i%5 == 0 {
			labels[i] = b.Start.UTC().Format("01-02 15:04")
			if b.Start.UTC().Hour() == 0 && b.Start.UTC().Minute() == 0 {
				labels[i] = b.Start.UTC().Format("01-02")
			}
		}
	}
	bars, err := plotter.NewBarChart(vals, width/vg.Length(len(vals)+2)*0.8)
	if err != nil {
		return nil, err
	}
	bars.Color, bars.LineStyle.Width = errorColour, 0
	p.Add(bars)
	p.NominalX(labels...)
	p.Y.Min, p.Y.Max = 0, top*1.1
	p.Y.Tick.Marker = minuteTicks{}
	return encode(p, width, height, format)
}

// minuteTicks are gonum/plot's default ticks, labelled as whole numbers.
type minuteTicks struct{}

// Ticks returns the default ticks between min and max, relabelled.
func (minuteTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', -1, 64)
		}
	}
	return ts
}
