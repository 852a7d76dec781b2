package chart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/sla"
)

// month is a vendor's 30 daily buckets from 1 May, failing (i*7)%5
// minutes on day i: six days without failures.
func month(id, name string) sla.Vendor {
	v := sla.Vendor{ID: id, Name: name}
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range 30 {
		v.Buckets = append(v.Buckets, sla.Bucket{Start: start.AddDate(0, 0, i), FailingMinutes: float64((i * 7) % 5), ObservedMinutes: 1440})
	}
	return v
}

// TestSLASVG checks the bar chart: well-formed SVG with the title, a bar
// for each bucket that failed and none for one that did not, and the
// bucket's date under every fifth bar.
func TestSLASVG(t *testing.T) {
	svg, err := SLASVG(month("vapi", "VAPI"))
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
	text := string(svg)
	for _, want := range []string{"<svg", "VAPI: minutes our probes failed", ">05-01<", ">05-06<", ">05-26<", ">UTC<", ">4<"} {
		if !strings.Contains(text, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	if strings.Contains(text, ">05-02<") {
		t.Error("a bar other than every fifth is labelled")
	}
	bars := 0
	for _, p := range paths(t, svg) {
		if strings.Contains(p.style, "fill:"+errorColour.String()) {
			bars++
		}
	}
	if bars != 24 {
		t.Errorf("%d bars, want 24 (30 buckets, 6 without failures)", bars)
	}
	hourly := month("vapi", "VAPI")
	for i := range hourly.Buckets {
		hourly.Buckets[i].Start = time.Date(2026, 5, 1, 6+i/2, 30*(i%2), 0, 0, time.UTC)
	}
	svg, err = SLASVG(hourly)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(svg), ">05-01 06:00<") || !strings.Contains(string(svg), ">05-01 08:30<") {
		t.Error("buckets shorter than a day are not labelled with their time")
	}
	if _, err := SLASVG(sla.Vendor{ID: "x"}); err == nil {
		t.Error("a vendor without buckets drew a chart")
	}
}

// TestWriteSLA checks the files: one per vendor, named for its id made
// safe, each well-formed, in a directory made when missing.
func TestWriteSLA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "charts")
	rep := output.SLAReport{Report: sla.Report{Vendors: []sla.Vendor{month("vapi", "VAPI"), month("../odd id", "Odd")}}}
	got, err := WriteSLA(dir, rep)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"vapi": filepath.Join(dir, "sla-vapi.svg"), "../odd id": filepath.Join(dir, "sla-odd_id.svg")}
	if len(got) != 2 || got["vapi"] != want["vapi"] || got["../odd id"] != want["../odd id"] {
		t.Fatalf("paths = %v, want %v", got, want)
	}
	for _, p := range got {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b)
	}
}

// BenchmarkSLASVG draws a month of daily buckets (the fonts parsed once,
// on the first chart drawn):
//
//	go test -run '^$' -bench SVG -benchmem ./chart/
func BenchmarkSLASVG(b *testing.B) {
	v := month("vapi", "VAPI")
	for b.Loop() {
		if _, err := SLASVG(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrafficSVG draws an hour of minute points with two marks.
func BenchmarkTrafficSVG(b *testing.B) {
	s := vapiSeries()
	for b.Loop() {
		if _, err := TrafficSVG(s, timeline); err != nil {
			b.Fatal(err)
		}
	}
}
