package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/output"
)

func at(hhmm string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", "2026-05-21 "+hhmm)
	if err != nil {
		panic(err)
	}
	return t
}

// vapiSeries is an hour of VAPI traffic to 12:45 whose error ratio rises
// from 0.2% to 42% at 12:35.
func vapiSeries() output.TrafficSeries {
	s := output.TrafficSeries{Vendor: "vapi", VendorName: "VAPI", CheckedAt: at("12:45"), Rate: 3.2}
	for t := at("11:46"); !t.After(at("12:45")); t = t.Add(time.Minute) {
		e := 0.002
		if !t.Before(at("12:35")) {
			e = 0.42
		}
		s.Points = append(s.Points, observe.TrafficPoint{At: t, Rate: 3.2, Errors: e})
	}
	return s
}

var timeline = []correlate.Event{
	{At: at("12:35"), Vendor: "vapi", Kind: correlate.EventKeyChanged, Text: "Key prod: ok → vendor_error"},
	{At: at("12:45"), Vendor: "vapi", Kind: correlate.EventIncidentOpened, Text: "Incident opened"},
	{At: at("12:45"), Vendor: "openai", Kind: correlate.EventIncidentOpened, Text: "another vendor's incident"},
	{At: at("10:00"), Vendor: "vapi", Kind: correlate.EventIncidentOpened, Text: "before the series"},
}

// wellFormed reports whether b parses as XML to its end.
func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("the SVG does not parse: %v", err)
		}
	}
}

// TestTrafficSVG checks that the chart is well-formed SVG with the title,
// the error line and the legend of the marks in its span, and that it
// marks only this vendor's events.
func TestTrafficSVG(t *testing.T) {
	svg, err := TrafficSVG(vapiSeries(), timeline)
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
	text := string(svg)
	for _, want := range []string{"<svg", "VAPI: our requests that failed", "our error %", "status page post", "our probes changed", "12:00", "12:30", "12:40"} {
		if !strings.Contains(text, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	if !bytes.HasPrefix(svg, []byte(`<svg width="756" height="340" `)) {
		t.Errorf("the SVG does not say its size: %.80s", svg)
	}
	plain, err := TrafficSVG(vapiSeries(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain), "status page post") {
		t.Error("a chart without events has a legend for them")
	}
	if _, err := TrafficSVG(output.TrafficSeries{Vendor: "x"}, nil); err == nil {
		t.Error("an empty series drew a chart")
	}
}

// TestWriteTraffic checks the files: one per vendor with points, none
// for a series empty in the window, names safe for any vendor id, and a
// directory made when missing.
func TestWriteTraffic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "charts")
	odd := vapiSeries()
	odd.Vendor, odd.VendorName = "../evil/ id", "Evil"
	rep := output.IncidentReport{Timeline: timeline, Traffic: []output.TrafficSeries{
		vapiSeries(), {Vendor: "openai", VendorName: "OpenAI", Points: nil}, odd,
	}}
	paths, err := WriteTraffic(dir, rep)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "traffic-vapi.svg"), filepath.Join(dir, "traffic-evil_id.svg")}
	if len(paths) != 2 || paths[0] != want[0] || paths[1] != want[1] {
		t.Fatalf("paths = %v, want %v", paths, want)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("dir holds %d files, want 2", len(entries))
	}
}

// svgPath is one <path> of a chart: its style and its dashes.
type svgPath struct{ style, dashes string }

// paths lists the chart's <path> elements in drawing order.
func paths(t *testing.T, b []byte) []svgPath {
	t.Helper()
	var out []svgPath
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("the SVG does not parse: %v", err)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "path" {
			var p svgPath
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "style":
					p.style = a.Value
				case "stroke-dasharray":
					p.dashes = a.Value
				}
			}
			out = append(out, p)
		}
	}
}

// TestTrafficMarks checks that the status page's posts and our probes'
// changes are told apart by colour and by dash, and that only this
// vendor's events inside the series are marked: one mark of each kind
// and one line in the legend for each.
func TestTrafficMarks(t *testing.T) {
	svg, err := TrafficSVG(vapiSeries(), timeline)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, p := range paths(t, svg) {
		if p.dashes == "" {
			continue
		}
		switch {
		case strings.Contains(p.style, pageColour.String()):
			count["page "+p.dashes]++
		case strings.Contains(p.style, probeColour.String()):
			count["probe "+p.dashes]++
		default:
			t.Errorf("a dashed path of neither colour: %+v", p)
		}
	}
	// Each kind: its mark and its line in the legend.
	want := map[string]int{"page 6, 3": 2, "probe 2, 3": 2}
	if len(count) != len(want) || count["page 6, 3"] != 2 || count["probe 2, 3"] != 2 {
		t.Errorf("dashed paths = %v, want %v", count, want)
	}
	plain, err := TrafficSVG(vapiSeries(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths(t, plain) {
		if p.dashes != "" {
			t.Errorf("a chart without events has a dashed path: %+v", p)
		}
	}
}

// TestRemoteTextEscaped checks that a vendor name with markup and a
// terminal escape reaches the SVG cleaned and escaped: the file stays
// well-formed XML and says the name as text.
func TestRemoteTextEscaped(t *testing.T) {
	s := vapiSeries()
	s.VendorName = "AT&T <Voice>\x1b[31m \"x\""
	svg, err := TrafficSVG(s, timeline)
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
	if !strings.Contains(string(svg), `AT&amp;T &lt;Voice&gt; "x": our requests that failed`) {
		t.Error("the title is not the escaped vendor name")
	}
	if bytes.ContainsRune(svg, 0x1b) {
		t.Error("a terminal escape reached the SVG")
	}
}

// TestValueTicks checks the value axis: from 0 past the top on a round
// step, labelled without binary fractions.
func TestValueTicks(t *testing.T) {
	for _, c := range []struct {
		top  float64
		unit string
		want string
	}{
		{1.1, "", "0 0.2 0.4 0.6 0.8 1 1.2"},
		{58.8, "%", "0% 10% 20% 30% 40% 50% 60%"},
		{7, "%", "0% 1% 2% 3% 4% 5% 6% 7%"},
		{0.033, "", "0 0.005 0.01 0.015 0.02 0.025 0.03 0.035"},
		{1430, "", "0 500 1000 1500"},
	} {
		var got []string
		for _, tk := range valueTicks(c.top, c.unit) {
			got = append(got, tk.Label)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("valueTicks(%v) = %v, want %s", c.top, got, c.want)
		}
	}
}
