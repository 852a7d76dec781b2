package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/observe"
)

// TestReportTrafficCharts records a check whose VAPI traffic rose in the
// last hour, then asks report for it: the Markdown has the series as a
// table, --charts writes VAPI's SVG and says so, a vendor without a
// traffic source gets no chart, and --charts with --remote is refused.
func TestReportTrafficCharts(t *testing.T) {
	state := t.TempDir()
	ctx := context.Background()
	store, err := history.Open(ctx, state, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	end := time.Now().UTC().Add(-time.Minute).Truncate(time.Minute)
	var points []observe.TrafficPoint
	for at := end.Add(-59 * time.Minute); !at.After(end); at = at.Add(time.Minute) {
		e := 0.002
		if at.After(end.Add(-20 * time.Minute)) {
			e = 0.42
		}
		points = append(points, observe.TrafficPoint{At: at, Rate: 3.2, Errors: e})
	}
	vapi := observe.VendorResult{ID: "vapi", Name: "VAPI",
		Status: observe.Status{State: observe.Operational, CheckedAt: end},
		Traffic: &observe.Traffic{Result: observe.ResultOK, CheckedAt: end, Window: 5 * time.Minute, Series: 2, Rate: 3.2,
			Errors: observe.TrafficErrors{Vendor: 0.42}, Points: points}}
	github := observe.VendorResult{ID: "github", Name: "GitHub", Status: observe.Status{State: observe.Operational, CheckedAt: end}}
	if _, err := store.Commit(ctx, history.Check{Snapshot: observe.Snapshot{GeneratedAt: end, Vendors: []observe.VendorResult{vapi, github}}}, correlate.Assess); err != nil {
		t.Fatal(err)
	}
	store.Close()

	dir := filepath.Join(t.TempDir(), "charts")
	md, stderr, code := runIn(t, state, "report", "--since", "2h", "--charts", dir)
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	for _, want := range []string{"## Our traffic", "### VAPI", "| Time | Requests | Failed (worst) |", "| 3.2/s | 42% |", "| 3.2/s | 0.2% |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	svg := filepath.Join(dir, "traffic-vapi.svg")
	b, err := os.ReadFile(svg)
	if err != nil || !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "VAPI: our requests that failed") {
		t.Errorf("chart %s: %v", svg, err)
	}
	if !strings.Contains(stderr, "wrote "+svg) {
		t.Errorf("stderr does not name the chart: %s", stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("charts dir holds %d files, want VAPI's only", len(entries))
	}

	// A window before the series: no table, no chart, and stderr says why.
	old := filepath.Join(t.TempDir(), "old")
	md, stderr, code = runIn(t, state, "report", "--since", "5h", "--until", "3h", "--charts", old)
	if code != 0 || strings.Contains(md, "| Time | Requests") || !strings.Contains(stderr, "no charts") {
		t.Errorf("an older window (exit %d): %s\n%s", code, stderr, md)
	}

	if _, stderr, code := runIn(t, state, "report", "--charts", dir, "--remote", "http://127.0.0.1:1"); code == 0 || !strings.Contains(stderr, "--charts") {
		t.Errorf("--charts with --remote: exit %d: %s", code, stderr)
	}
}
