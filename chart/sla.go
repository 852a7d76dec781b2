package chart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	gochart "github.com/go-analyze/charts/chartdraw"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
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
func SLASVG(v sla.Vendor) ([]byte, error) {
	if len(v.Buckets) == 0 {
		return nil, errors.New("no buckets to draw")
	}
	b := &bars{style: gochart.Style{FillColor: errorColour}, values: make([]float64, len(v.Buckets))}
	// Bucket i spans i-0.5 to i+0.5 on the axis; its label sits under it.
	ticks := []gochart.Tick{{Value: -0.5}}
	top := 1.0
	for i, bk := range v.Buckets {
		b.values[i] = bk.FailingMinutes
		top = max(top, bk.FailingMinutes)
		if i%5 == 0 {
			start := bk.Start.UTC()
			label := start.Format("01-02 15:04")
			if start.Hour() == 0 && start.Minute() == 0 {
				label = start.Format("01-02")
			}
			ticks = append(ticks, gochart.Tick{Value: float64(i), Label: label})
		}
	}
	ticks = append(ticks, gochart.Tick{Value: float64(len(v.Buckets)) - 0.5})

	c := frame(v.Name + ": minutes our probes failed")
	c.XAxis.Ticks = ticks
	c.YAxis.Ticks = valueTicks(top*1.1, "")
	c.Series = []gochart.Series{b}
	return encode(c)
}

// bars draws one bar per bucket, bucket i centred on i on the x axis,
// each 80% of a bucket wide.
type bars struct {
	style  gochart.Style
	values []float64
}

// GetName is empty: a chart of one series needs no legend.
func (b *bars) GetName() string { return "" }

// GetYAxis places the bars on the primary range.
func (b *bars) GetYAxis() gochart.YAxisType { return gochart.YAxisPrimary }

// GetStyle is the bars' fill.
func (b *bars) GetStyle() gochart.Style { return b.style }

// Validate accepts any bars.
func (b *bars) Validate() error { return nil }

// Render draws the bars from the zero line up to each bucket's value; a
// bucket without failing minutes draws nothing.
func (b *bars) Render(r gochart.Renderer, box gochart.Box, xrange, yrange gochart.Range, defaults gochart.Style) {
	style := b.style.InheritFrom(defaults)
	style.StrokeWidth = 0
	for i, v := range b.values {
		if v <= 0 {
			continue
		}
		left := box.Left + xrange.Translate(float64(i)-0.4)
		right := box.Left + xrange.Translate(float64(i)+0.4)
		gochart.Draw.Box(r, gochart.Box{
			Top: box.Bottom - yrange.Translate(v), Bottom: box.Bottom,
			Left: left, Right: max(right, left+1),
		}, style)
	}
}
