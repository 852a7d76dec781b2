package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/statuspage"
	"github.com/vendorwatch/vendorwatch/ui"
)

// TestPollerBackendStreamsChecks runs the dashboard's backend against
// recorded status pages and checks what the dashboard is sent: the
// vendors at once, then each check as it starts and finishes, ending with
// nothing in flight and the assessed report.
func TestPollerBackendStreamsChecks(t *testing.T) {
	cfg := threeVendors(t, "anthropic__statuspage_summary_incident_investigating.json")
	l, err := load(&options{configPath: cfg})
	if err != nil {
		t.Fatal(err)
	}
	b := newPollerBackend(providers.NewPoller(l.vendors, l.fetcher()))

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	var got []ui.Update
	finished := map[string]bool{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx, func(u ui.Update) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, u)
			if u.Finished != "" {
				finished[u.Finished] = true
				if len(finished) == 3 {
					cancel()
				}
			}
		})
	}()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(finished) != 3 {
		t.Fatalf("finished checks: %v", finished)
	}
	first := got[0]
	if first.Started != "" || first.Finished != "" || len(first.Report.Vendors) != 3 {
		t.Errorf("first update = %+v, want the three pending vendors", first)
	}
	started := map[string]bool{}
	for _, u := range got[1:] {
		if u.Started != "" {
			started[u.Started] = true
			if u.InFlight < 1 {
				t.Errorf("%s started with %d in flight", u.Started, u.InFlight)
			}
		}
		if u.Finished != "" && !started[u.Finished] {
			t.Errorf("%s finished before it started", u.Finished)
		}
	}
	last := got[len(got)-1]
	if last.InFlight != 0 || last.Report.Overall != correlate.LevelCritical {
		t.Errorf("last update: %d in flight, overall %s", last.InFlight, last.Report.Overall)
	}
	if v, _ := last.Report.Vendor("anthropic"); v.Status.State != statuspage.PartialOutage || len(v.Status.Open()) != 1 {
		t.Errorf("anthropic = %s, %d open incidents", v.Status.State, len(v.Status.Open()))
	}
	md, err := b.IncidentReport(context.Background())
	if err != nil || !strings.Contains(md, "# vendorwatch: CRITICAL") || !strings.Contains(md, "Elevated errors for multiple models") {
		t.Errorf("report (%v):\n%s", err, md)
	}
	if tl, err := b.Timeline(context.Background(), "", 10); err != nil || len(tl) != 0 {
		t.Errorf("timeline = %v, %v", tl, err)
	}
}

func TestSummaryMarkdown(t *testing.T) {
	r := correlate.Report{
		Overall: correlate.LevelCritical, GeneratedAt: time.Date(2026, 5, 21, 12, 57, 0, 0, time.UTC),
		Vendors: []correlate.VendorReport{{Level: correlate.LevelCritical, VendorResult: providers.VendorResult{
			ID: "openai", Name: "Open|AI\x1b[2J", Status: statuspage.Status{State: statuspage.Operational},
			Keys: []providers.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: providers.ResultInvalidKey}},
		}}},
		Findings: []correlate.Finding{{Severity: correlate.SeverityCritical, Title: "OpenAI key prod revoked", Detail: "401 since 10:57",
			Advice: []string{"Rotate prod."}, Since: time.Date(2026, 5, 21, 10, 57, 0, 0, time.UTC)}},
	}
	md := summaryMarkdown(r)
	for _, want := range []string{
		"# vendorwatch: CRITICAL", "Checked 2026-05-21T12:57:00Z.",
		"- **critical** OpenAI key prod revoked (since 2026-05-21T10:57:00Z)", "  - 401 since 10:57", "  - → Rotate prod.",
		`| Open\|AI | critical | operational | - | prod (sk-proj-…MxYA): invalid_key |`,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "\x1b") {
		t.Errorf("an escape sequence reached the report: %q", md)
	}
}

func TestDashboardNeedsATerminal(t *testing.T) {
	cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
	stdout, stderr, code := runCLI(t, "--config", cfg)
	if code != 3 || stdout != "" || !strings.Contains(stderr, "the dashboard needs a terminal; use --once") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
