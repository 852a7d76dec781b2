package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// trafficSeries is an hour of minute steps to 12:56 at rate req/s whose
// error ratio is base until from, then bad.
func trafficSeries(rate, base, bad float64, from time.Time) []observe.TrafficPoint {
	var out []observe.TrafficPoint
	for t := at("11:57"); !t.After(at("12:56")); t = t.Add(time.Minute) {
		e := base
		if !t.Before(from) {
			e = bad
		}
		out = append(out, observe.TrafficPoint{At: t, Rate: rate, Errors: e})
	}
	return out
}

// trafficReport is the 12:57 picture with our own traffic: VAPI's calls
// failing with 5xx since 12:35, OpenAI's with 401s all hour (a service
// still holds the revoked key), Anthropic's clean, and GitHub without a
// traffic source.
func trafficReport() correlate.Report {
	r := incidentReport()
	th := observe.TrafficThresholds{MinRate: 0.1, MinRatio: 0.05, Rise: 3}
	set := func(id string, t *observe.Traffic) {
		for i := range r.Vendors {
			if r.Vendors[i].ID == id {
				r.Vendors[i].Traffic = t
			}
		}
	}
	set("vapi", &observe.Traffic{Result: observe.ResultOK, CheckedAt: at("12:56"), Window: 5 * time.Minute, Series: 4, Rate: 3.2,
		Errors:   observe.TrafficErrors{Vendor: 0.38, Network: 0.04},
		Baseline: &observe.TrafficErrors{Vendor: 0.002}, Points: trafficSeries(3.2, 0.002, 0.42, at("12:35")), Thresholds: th})
	set("openai", &observe.Traffic{Result: observe.ResultOK, CheckedAt: at("12:56"), Window: 5 * time.Minute, Series: 6, Rate: 11.5,
		Errors: observe.TrafficErrors{Auth: 0.31, Throttled: 0.01}, Baseline: &observe.TrafficErrors{Throttled: 0.01},
		Points: trafficSeries(11.5, 0.3, 0.32, at("12:20")), Thresholds: th})
	set("anthropic", &observe.Traffic{Result: observe.ResultOK, CheckedAt: at("12:56"), Window: 5 * time.Minute, Series: 2, Rate: 0.8,
		Errors: observe.TrafficErrors{Client: 0.001}, Points: trafficSeries(0.8, 0.001, 0.001, at("12:56")), Thresholds: th})
	r.Findings = append(r.Findings, correlate.Finding{Kind: "traffic_auth_errors", Severity: correlate.SeverityCritical,
		Vendors: []string{"openai"}, Title: "31% of our requests to OpenAI fail with 401 while our probe key works", Since: at("10:57")})
	return r
}

// newTrafficModel is newTestModel showing trafficReport.
func newTrafficModel(t *testing.T, w, h int) *Model {
	t.Helper()
	m := newTestModel(t, &fakeBackend{entries: incidentTimeline()}, w, h)
	send(m, Update{Report: trafficReport()})
	return m
}

// TestTrafficColumn checks the traffic column: our error % with the last
// hour's sparkline, "-" for a vendor without a traffic source, and no
// column at all when no vendor has one.
func TestTrafficColumn(t *testing.T) {
	for _, w := range []int{80, 120, 160} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m := newTrafficModel(t, w, 24)
			checkFrame(t, screen(m), w, 24)
			out := plain(m)
			for _, want := range []string{"TRAFFIC", "42%  ▁▁▁███", "32%  ██████", "0.1% ▁▁▁▁▁▁"} {
				if !strings.Contains(out, want) {
					t.Errorf("width %d lacks %q:\n%s", w, want, out)
				}
			}
			var github string
			for l := range strings.SplitSeq(out, "\n") {
				if strings.Contains(l, "GitHub") && strings.Contains(l, "operational") {
					github = l
				}
			}
			if !strings.Contains(github, " -") || strings.ContainsAny(github, "▁█") {
				t.Errorf("GitHub, without traffic, shows %q", github)
			}
		})
	}
	plainModel := newTestModel(t, &fakeBackend{}, 120, 40)
	if strings.Contains(plain(plainModel), "TRAFFIC") {
		t.Error("the traffic column shows though no vendor has a traffic source")
	}
}

// TestTrafficUnavailable checks that a Prometheus that did not answer is
// said in the column and the detail, and nothing else changes.
func TestTrafficUnavailable(t *testing.T) {
	m := newTrafficModel(t, 80, 24)
	r := trafficReport()
	r.Vendors[1].Traffic = &observe.Traffic{Result: observe.ResultTimeout, Error: "Prometheus did not answer within 5s"}
	send(m, Update{Report: r})
	out := plain(m)
	if !strings.Contains(out, "unavailable") || !strings.Contains(out, "major outage") {
		t.Errorf("main view:\n%s", out)
	}
	send(m, press("enter"))
	content := stripSGR(m.detail.GetContent())
	if !strings.Contains(content, "our own traffic could not be read from Prometheus") || !strings.Contains(content, "did not answer within 5s") {
		t.Errorf("detail:\n%s", content)
	}
}

// TestTrafficChart checks the detail view's chart of the last hour: the
// error line rises at 12:35, the probe strip fails from 12:35 and the
// page strip marks 12:45 and 12:52, on the same time axis.
func TestTrafficChart(t *testing.T) {
	m := newTrafficModel(t, 80, 24)
	send(m, press("enter"))
	content := stripSGR(m.detail.GetContent())
	for _, want := range []string{
		"TRAFFIC (our requests, from Prometheus)", "3.20 req/s over 5m · 42% failed",
		"vendor 38% (a day ago 0.2%)", "11:56", "12:52", "probes", "page", "▼ update",
	} {
		if !strings.Contains(content, want) {
			t.Errorf("detail lacks %q:\n%s", want, content)
		}
	}
	var probes, page string
	for l := range strings.SplitSeq(content, "\n") {
		switch {
		case strings.HasSuffix(l, " probes"):
			probes = l
		case strings.HasSuffix(l, " page"):
			page = l
		}
	}
	fail, start := strings.Index(probes, "✖"), strings.Index(page, "▼")
	if fail < 0 || start < 0 || strings.Count(page, "▼") != 2 {
		t.Fatalf("strips:\n%s\n%s", probes, page)
	}
	// 12:35 is 38 of the hour's 60 minutes in; 12:45 ten minutes later.
	if []rune(probes)[0] != ' ' || len([]rune(probes[:fail])) >= len([]rune(page[:start])) {
		t.Errorf("the probes fail after the page spoke:\n%s\n%s", probes, page)
	}
}

// TestGoldenTraffic renders the main and VAPI detail views with traffic
// at 80x24 and 120x40. Rewrite with: go test ./ui -run TestGoldenTraffic -update
func TestGoldenTraffic(t *testing.T) {
	for _, v := range []struct {
		name string
		keys []string
	}{{"main", nil}, {"detail-vapi", []string{"enter", "j", "j", "j", "j", "j", "j", "j", "j", "j", "j", "j", "j"}}} {
		t.Run(v.name, func(t *testing.T) {
			for _, size := range [][2]int{{80, 24}, {120, 40}} {
				t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
					for _, th := range themes {
						t.Run(th.name, func(t *testing.T) {
							m := newTestModel(t, &fakeBackend{entries: incidentTimeline()}, size[0], size[1], th.msgs...)
							send(m, Update{Report: trafficReport()})
							for _, k := range v.keys {
								send(m, press(k))
							}
							out := screen(m)
							checkFrame(t, out, size[0], size[1])
							golden.RequireEqual(t, out)
						})
					}
				})
			}
		})
	}
}

// TestSparkline checks the sparkline's drawing: a short spike survives
// the folding of an hour into six cells, a quiet series stays at the
// floor, fewer points than cells sit at the right, and no points is
// blank.
func TestSparkline(t *testing.T) {
	th := observe.TrafficThresholds{MinRatio: 0.05}
	spike := trafficSeries(1, 0, 0, at("13:00"))
	spike[25].Errors = 0.3 // one bad minute
	for _, tt := range []struct {
		name   string
		points []observe.TrafficPoint
		want   string
	}{
		{"a one-minute spike", spike, "▁▁█▁▁▁"},
		{"quiet", trafficSeries(1, 0.002, 0.002, at("13:00")), "▁▁▁▁▁▁"},
		{"at the threshold", trafficSeries(1, 0, 0.05, at("12:27")), "▁▁▁███"},
		{"three points", trafficSeries(1, 0, 0.5, at("12:56"))[57:], "   ▁▁█"},
		{"none", nil, "      "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := sparkline(&observe.Traffic{Points: tt.points, Thresholds: th}, 6); got != tt.want {
				t.Errorf("sparkline = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTrafficNarrow checks that narrow terminals keep their frame with
// traffic: the column goes before the essentials, and the detail view
// leaves the chart out where it cannot be drawn legibly.
func TestTrafficNarrow(t *testing.T) {
	for _, w := range []int{30, 40, 60, 70} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m := newTrafficModel(t, w, 20)
			checkFrame(t, screen(m), w, 20)
			out := plain(m)
			if !strings.Contains(out, "VAPI") || !strings.Contains(out, "STATUS") {
				t.Errorf("width %d lost the essentials:\n%s", w, out)
			}
			send(m, press("enter"))
			checkFrame(t, screen(m), w, 20)
			content := stripSGR(m.detail.GetContent())
			if !strings.Contains(content, "3.20 req/s") || !strings.Contains(content, "vendor 38%") {
				t.Errorf("width %d detail lacks the traffic figures:\n%s", w, content)
			}
			if chart := strings.Contains(content, "probes"); chart != (w >= 32) {
				t.Errorf("width %d: chart shown = %v", w, chart)
			}
		})
	}
	// A series of one point cannot be charted, and the view says so.
	m := newTrafficModel(t, 80, 24)
	r := trafficReport()
	r.Vendors[1].Traffic.Points = r.Vendors[1].Traffic.Points[:1]
	send(m, Update{Report: r}, press("enter"))
	if content := stripSGR(m.detail.GetContent()); !strings.Contains(content, "The chart needs two points") {
		t.Errorf("one point:\n%s", content)
	}
}
