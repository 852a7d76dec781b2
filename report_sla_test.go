package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// slaMonth is a replayed month of history: a check every 10 minutes for
// 31 days, through Store.Commit and the real assessment, with
//
//   - an OpenAI outage: our probe fails from A for 90 minutes; OpenAI
//     posts an incident at A+25, which the check at A+30 reads (the page
//     says major outage from then), and the page says operational again
//     at A+120;
//   - a silent OpenAI failure at B for 40 minutes the page never reports;
//   - an Anthropic incident at C: its page says partial outage for 60
//     minutes while our probes of it work;
//   - a gap in our monitoring: no check at all for 3 hours from G.
type slaMonth struct {
	state          string
	end, a, b, c   time.Time
	gapFrom, gapTo time.Time
}

func seedSLAMonth(t *testing.T) slaMonth {
	t.Helper()
	end := time.Now().UTC().Add(-2 * time.Minute).Truncate(time.Minute)
	m := slaMonth{state: t.TempDir(), end: end,
		a: end.Add(-20*24*time.Hour + 12*time.Hour), b: end.Add(-10*24*time.Hour + 12*time.Hour), c: end.Add(-15*24*time.Hour + 12*time.Hour)}
	m.gapFrom = end.Add(-5*24*time.Hour + 6*time.Hour)
	m.gapTo = m.gapFrom.Add(3 * time.Hour)
	ctx := context.Background()
	store, err := history.Open(ctx, m.state, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	in := func(at, from time.Time, minutes int) bool {
		return !at.Before(from) && at.Before(from.Add(time.Duration(minutes)*time.Minute))
	}
	for at := end.Add(-31 * 24 * time.Hour); !at.After(end); at = at.Add(10 * time.Minute) {
		if at.After(m.gapFrom) && at.Before(m.gapTo) {
			continue
		}
		openai := slaVendor("openai", "OpenAI", at, in(at, m.a, 90) || in(at, m.b, 40))
		if in(at, m.a, 120) && !at.Before(m.a.Add(30*time.Minute)) {
			posted := m.a.Add(25 * time.Minute)
			openai.Status.State = observe.MajorOutage
			openai.Status.Incidents = []observe.Incident{{ID: "oa-1", Title: "Elevated error rates", Status: "investigating", Impact: "major",
				StartedAt: posted, URL: "https://status.openai.test/incidents/oa-1", Updates: []observe.Update{{Status: "investigating", Body: "We are investigating.", At: posted}}}}
		}
		anthropic := slaVendor("anthropic", "Anthropic", at, false)
		if in(at, m.c, 60) {
			anthropic.Status.State = observe.PartialOutage
			anthropic.Status.Incidents = []observe.Incident{{ID: "an-1", Title: "Degraded Claude API", Status: "identified", Impact: "minor",
				StartedAt: m.c, URL: "https://status.anthropic.test/incidents/an-1"}}
		}
		snap := observe.Snapshot{GeneratedAt: at, Vendors: []observe.VendorResult{openai, anthropic}}
		if _, err := store.Commit(ctx, history.Check{Snapshot: snap}, correlate.Assess); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// slaVendor is a vendor as one check sees it: its key probed (a 500 when
// failing) and its page operational with no incident.
func slaVendor(id, name string, at time.Time, failing bool) observe.VendorResult {
	k := observe.KeyResult{Name: "prod", Fingerprint: "fp-" + id + "…MxYA", Result: observe.ResultOK, HTTPStatus: 200, CheckedAt: at}
	if failing {
		k.Result, k.HTTPStatus = observe.ResultVendorError, 500
	}
	return observe.VendorResult{ID: id, Name: name, Keys: []observe.KeyResult{k},
		Status: observe.Status{State: observe.Operational, CheckedAt: at, PageURL: "https://status." + id + ".test",
			Sources: []observe.Source{{URL: "https://status." + id + ".test/api/v2/summary.json", OK: true}}}}
}

// TestReportSLAMonth is the acceptance test of report --sla: over the
// replayed month, every figure of every vendor, in the terminal table,
// Markdown, JSON and CSV.
func TestReportSLAMonth(t *testing.T) {
	m := seedSLAMonth(t)

	// OpenAI: probes failed 90 + 40 minutes; the page said major outage
	// from A+30 to A+120 (90 minutes); unreported are A to A+30 and the
	// silent 40; the one outage led by 25 minutes. The 3-hour gap: the
	// last check before it stands for twice the 10-minute spacing, so 160
	// minutes are not observed, and uptime is 1 − 130/(43200 − 160).
	// Anthropic: its page's 60 minutes, our probes fine.
	csvOut, stderr, code := runIn(t, m.state, "report", "--sla", "--since", "30d", "--format", "csv")
	if code != 0 {
		t.Fatalf("report --sla --format csv: exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, csvOut)
	}
	want := [][]string{
		{"id", "name", "window_minutes", "observed_minutes", "unobserved_minutes", "probe_failing_minutes", "page_non_operational_minutes",
			"unreported_minutes", "median_lead_minutes", "lead_outages", "incidents", "uptime", "uptime_percent"},
		{"anthropic", "Anthropic", "43200", "43040", "160", "0", "60", "0", "", "0", "1", "1", "100"},
		{"openai", "OpenAI", "43200", "43040", "160", "130", "90", "70", "25", "1", "1", "0.99698", "99.698"},
	}
	if len(rows) != len(want) {
		t.Fatalf("CSV has %d rows, want %d:\n%s", len(rows), len(want), csvOut)
	}
	for i := range want {
		if strings.Join(rows[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("CSV row %d:\n got %q\nwant %q", i, rows[i], want[i])
		}
	}

	// Without --since, --sla reports the last 30 days.
	if out, stderr, code := runIn(t, m.state, "report", "--sla", "--format", "csv"); code != 0 || out != csvOut {
		t.Errorf("report --sla without --since: exit %d, %s\n%s\nwant the 30 days':\n%s", code, stderr, out, csvOut)
	}

	jsonOut, stderr, code := runIn(t, m.state, "report", "--sla", "--since", "30d", "--format", "json")
	if code != 0 {
		t.Fatalf("report --sla --format json: exit %d: %s", code, stderr)
	}
	var doc struct {
		BucketMinutes float64 `json:"bucket_minutes"`
		Vendors       []struct {
			ID         string   `json:"id"`
			Window     float64  `json:"window_minutes"`
			Observed   float64  `json:"observed_minutes"`
			Unobserved float64  `json:"unobserved_minutes"`
			Failing    float64  `json:"probe_failing_minutes"`
			Page       float64  `json:"page_non_operational_minutes"`
			Unreported float64  `json:"unreported_minutes"`
			Lead       *float64 `json:"median_lead_minutes"`
			Outages    int      `json:"lead_outages"`
			Incidents  int      `json:"incidents"`
			Uptime     *float64 `json:"uptime"`
			Percent    *float64 `json:"uptime_percent"`
			Buckets    []struct {
				Failing float64 `json:"probe_failing_minutes"`
			} `json:"buckets"`
		} `json:"vendors"`
	}
	if err := json.Unmarshal([]byte(jsonOut), &doc); err != nil {
		t.Fatalf("JSON: %v\n%s", err, jsonOut)
	}
	if len(doc.Vendors) != 2 || doc.BucketMinutes != 1440 {
		t.Fatalf("JSON: %d vendors, buckets of %v minutes:\n%s", len(doc.Vendors), doc.BucketMinutes, jsonOut)
	}
	an, oa := doc.Vendors[0], doc.Vendors[1]
	if an.ID != "anthropic" || an.Failing != 0 || an.Page != 60 || an.Unreported != 0 || an.Lead != nil || an.Incidents != 1 ||
		an.Uptime == nil || *an.Uptime != 1 || *an.Percent != 100 || an.Unobserved != 160 {
		t.Errorf("JSON anthropic: %+v", an)
	}
	if oa.ID != "openai" || oa.Window != 43200 || oa.Observed != 43040 || oa.Unobserved != 160 || oa.Failing != 130 || oa.Page != 90 ||
		oa.Unreported != 70 || oa.Lead == nil || *oa.Lead != 25 || oa.Outages != 1 || oa.Incidents != 1 ||
		oa.Uptime == nil || *oa.Uptime != 0.99698 || *oa.Percent != 99.698 {
		t.Errorf("JSON openai: %+v", oa)
	}
	// A bar a day: the outage's day and the silent failure's day.
	var days []float64
	for _, b := range oa.Buckets {
		if b.Failing > 0 {
			days = append(days, b.Failing)
		}
	}
	if len(oa.Buckets) != 30 || len(days) != 2 || days[0] != 90 || days[1] != 40 {
		t.Errorf("JSON openai: %d buckets, failing days %v, want 30 and [90 40]", len(oa.Buckets), days)
	}

	md, stderr, code := runIn(t, m.state, "report", "--sla", "--since", "30d", "--format", "markdown")
	if code != 0 {
		t.Fatalf("report --sla --format markdown: exit %d: %s", code, stderr)
	}
	for _, w := range []string{
		"# Vendor reliability: ",
		"| Vendor | Probes failing | Page not operational | Unreported | Median lead | Incidents | Uptime (measured) | Not observed |",
		"| Anthropic | 0 min | 60 min | 0 min | — | 1 | 100% | 160 min |",
		"| OpenAI | 130 min | 90 min | 70 min | 25 min (1 outage) | 1 | 99.698% | 160 min |",
		"## Probes failing, a bar per day",
		"### OpenAI\n\n`",
	} {
		if !strings.Contains(md, w) {
			t.Errorf("Markdown lacks %q:\n%s", w, md)
		}
	}
	// OpenAI's sparkline: two days of failures, the worst one full.
	spark := md[strings.Index(md, "### OpenAI\n\n`")+len("### OpenAI\n\n`"):]
	spark = spark[:strings.Index(spark, "`")]
	if n := strings.Count(spark, "▁"); n != 28 || strings.Count(spark, "█") != 1 || !strings.Contains(md, "` 90 min at worst") {
		t.Errorf("OpenAI's sparkline %q: want 28 ▁, one █ and 90 min at worst", spark)
	}

	text, stderr, code := runIn(t, m.state, "report", "--sla", "--since", "30d")
	if code != 0 {
		t.Fatalf("report --sla: exit %d: %s", code, stderr)
	}
	for _, w := range []string{"VENDOR", "UPTIME", "OpenAI", "130 min", "25 min (1 outage)", "99.698%", spark} {
		if !strings.Contains(text, w) {
			t.Errorf("terminal table lacks %q:\n%s", w, text)
		}
	}
	for _, out := range []string{csvOut, jsonOut, md, text} {
		fixture.NoKey(t, "report --sla", out, fixture.OpenAIKey, fixture.AnthropicKey)
	}

	// A window that opens inside the outage and closes inside the silent
	// failure: what the probes and the page said as it opened counts from
	// its start, the failure still going counts to its end, and the
	// outage that opened before it gives no lead.
	since, until := m.a.Add(60*time.Minute), m.b.Add(20*time.Minute)
	csvOut, stderr, code = runIn(t, m.state, "report", "--sla", "--format", "csv", "--vendor", "openai",
		"--since", since.Format(time.RFC3339), "--until", until.Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("report --sla over a window: exit %d: %s", code, stderr)
	}
	if want := "openai,OpenAI,14360,14360,0,50,60,20,,0,0,0.996518,99.6518"; !strings.Contains(csvOut, want+"\n") {
		t.Errorf("window CSV:\n%s\nwant the row %s", csvOut, want)
	}
}

// TestReportSLACharts: --charts DIR writes an SVG per vendor, says so on
// stderr, and the Markdown shows each one under its vendor.
func TestReportSLACharts(t *testing.T) {
	state := t.TempDir()
	ctx := context.Background()
	store, err := history.Open(ctx, state, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	end := time.Now().UTC().Add(-time.Minute).Truncate(time.Minute)
	for i := 12; i >= 0; i-- {
		at := end.Add(-time.Duration(i) * 10 * time.Minute)
		snap := observe.Snapshot{GeneratedAt: at, Vendors: []observe.VendorResult{slaVendor("openai", "OpenAI", at, i >= 3 && i <= 5), slaVendor("vapi", "VAPI", at, false)}}
		if _, err := store.Commit(ctx, history.Check{Snapshot: snap}, correlate.Assess); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()
	dir := filepath.Join(t.TempDir(), "charts")
	md, stderr, code := runIn(t, state, "report", "--sla", "--since", "3h", "--format", "markdown", "--charts", dir)
	if code != 0 {
		t.Fatalf("report --sla --charts: exit %d: %s", code, stderr)
	}
	for id, name := range map[string]string{"openai": "OpenAI", "vapi": "VAPI"} {
		path := filepath.Join(dir, "sla-"+id+".svg")
		b, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), name+": minutes our probes failed") {
			t.Errorf("chart %s: %v", path, err)
		}
		if !strings.Contains(stderr, "wrote "+path) {
			t.Errorf("stderr does not name %s: %s", path, stderr)
		}
		if link := "![" + name + ": minutes our probes failed](" + path + ")"; !strings.Contains(md, link) {
			t.Errorf("Markdown lacks %s:\n%s", link, md)
		}
	}
	if _, _, code := runIn(t, state, "report", "--sla", "--format", "yaml"); code != 3 {
		t.Errorf("--sla --format yaml: exit %d, want 3", code)
	}
}
