package output

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// hourOf is an hour of minute points to 12:44 whose error ratio steps
// from base to bad at from.
func hourOf(rate, base, bad float64, from time.Time) []observe.TrafficPoint {
	var out []observe.TrafficPoint
	for t := hm("11:45"); !t.After(hm("12:44")); t = t.Add(time.Minute) {
		e := base
		if !t.Before(from) {
			e = bad
		}
		out = append(out, observe.TrafficPoint{At: t, Rate: rate, Errors: e})
	}
	return out
}

// TestTableTrafficColumn checks that --once's table gains a TRAFFIC
// column only when a vendor has a traffic source, with our error % of the
// request rate, "-" for a vendor without one and "unavailable" while
// Prometheus does not answer.
func TestTableTrafficColumn(t *testing.T) {
	rep := sampleReport()
	var buf bytes.Buffer
	if err := WriteTable(&buf, rep, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "TRAFFIC") {
		t.Fatalf("TRAFFIC column without any traffic source:\n%s", buf.String())
	}
	rep.Vendors[0].Traffic = &observe.Traffic{Result: observe.ResultOK, Series: 3, Rate: 11.5, Errors: observe.TrafficErrors{Auth: 0.31, Throttled: 0.01}}
	buf.Reset()
	if err := WriteTable(&buf, rep, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	var head, openai, vapi string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "VENDOR LEVEL"):
			head = l
		case strings.HasPrefix(l, "OpenAI critical"):
			openai = l
		case strings.HasPrefix(l, "VAPI ") && strings.Contains(l, "critical"):
			vapi = l
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(head), "TRAFFIC") || !strings.HasSuffix(strings.TrimSpace(openai), "32% of 12/s") ||
		!strings.HasSuffix(strings.TrimSpace(vapi), "-") {
		t.Errorf("table (head %q, openai %q, vapi %q):\n%s", head, openai, vapi, buf.String())
	}
	rep.Vendors[0].Traffic = &observe.Traffic{Result: observe.ResultTimeout, Error: "context deadline exceeded"}
	buf.Reset()
	if err := WriteTable(&buf, rep, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "unavailable") || strings.Contains(buf.String(), "deadline") {
		t.Errorf("Prometheus down:\n%s", buf.String())
	}
}

// TestMarkdownTraffic checks the report's "Our traffic" section: the
// latest figures by class and the series in 5-minute steps whose error
// ratio is the worst of the step, so VAPI's rise at 12:35 shows from the
// 12:35 step on.
func TestMarkdownTraffic(t *testing.T) {
	r := sampleIncident()
	vapi := observe.VendorResult{ID: "vapi", Name: "VAPI", Traffic: &observe.Traffic{Result: observe.ResultOK, CheckedAt: hm("12:45"), Series: 2,
		Rate: 3.2, Errors: observe.TrafficErrors{Vendor: 0.38, Network: 0.04}, Points: hourOf(3.2, 0.002, 0.42, hm("12:37"))}}
	down := observe.VendorResult{ID: "openai", Name: "OpenAI", Traffic: &observe.Traffic{Result: observe.ResultTimeout}}
	if s := TrafficSeriesOf(down, r.Since, r.Until); s != nil {
		t.Errorf("a vendor whose Prometheus timed out has a series: %+v", s)
	}
	s := TrafficSeriesOf(vapi, hm("12:00"), r.Until)
	if len(s.Points) != 45 {
		t.Fatalf("the series cut to 12:00 has %d points, want 45", len(s.Points))
	}
	r.Traffic = []TrafficSeries{*s}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"## Our traffic", "### VAPI",
		"At 2026-05-21 12:45: 3.2/s of our requests, 42% failed (auth 0%, throttled 0%, vendor 38%, network 4.0%, client 0%).",
		"| Time | Requests | Failed (worst) |", "| 12:00 | 3.2/s | 0.2% |", "| 12:30 | 3.2/s | 0.2% |", "| 12:35 | 3.2/s | 42% |", "| 12:40 | 3.2/s | 42% |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "| 11:55 |") {
		t.Error("a point before the report's window is in the table")
	}
	if strings.Index(md, "## Our traffic") > strings.Index(md, "## Timeline") {
		t.Error("the traffic section is not before the timeline")
	}
	// Without traffic, the section is absent and the report as before.
	buf.Reset()
	if err := WriteMarkdown(&buf, sampleIncident()); err != nil || strings.Contains(buf.String(), "Our traffic") {
		t.Errorf("report without traffic: %v\n%s", err, buf.String())
	}
}

// TestJSONTraffic checks that --once --json carries the traffic signal
// under the vendor, points included, and leaves it out without one.
func TestJSONTraffic(t *testing.T) {
	rep := sampleReport()
	rep.Vendors[0].Traffic = &observe.Traffic{Result: observe.ResultOK, Series: 3, Rate: 11.5, Window: 5 * time.Minute,
		Errors: observe.TrafficErrors{Auth: 0.31}, Points: hourOf(11.5, 0.3, 0.31, hm("12:30"))}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got := back.Vendors[0].Traffic
	if got == nil || got.Rate != 11.5 || got.Errors.Auth != 0.31 || len(got.Points) != 60 || back.Vendors[1].Traffic != nil {
		t.Errorf("traffic after a JSON round trip: %+v", got)
	}
}
