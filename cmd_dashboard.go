package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/statuspage"
	"github.com/vendorwatch/vendorwatch/ui"
)

// runDashboard starts the interactive dashboard over the live poller.
func runDashboard(cmd *cobra.Command, o *options) error {
	out, ok := cmd.OutOrStdout().(*os.File)
	if !ok || !term.IsTerminal(out.Fd()) {
		return &exitError{code: 3, err: errors.New("the dashboard needs a terminal; use --once (or --once --json) in scripts")}
	}
	l, err := load(o)
	if err != nil {
		return err
	}
	b := newPollerBackend(providers.NewPoller(l.vendors, l.fetcher()))
	if err := ui.Run(cmd.Context(), b, ui.RunOptions{NoColor: o.noColor, Output: out}); err != nil {
		return &exitError{code: 3, err: fmt.Errorf("dashboard: %w", err)}
	}
	return nil
}

// pollerBackend adapts the live poller to ui.Backend.
//
// TODO(lead): replace with the history/monitor backend when it lands:
// Timeline from the history store, IncidentReport from the report
// renderer, and correlation with streaks/memory.
type pollerBackend struct {
	poller *providers.Poller

	mu   sync.Mutex
	last correlate.Report
}

var _ ui.Backend = (*pollerBackend)(nil)

func newPollerBackend(p *providers.Poller) *pollerBackend {
	b := &pollerBackend{poller: p}
	b.last = b.assess(p.Snapshot())
	return b
}

// assess is the one place the dashboard turns observations into a
// report; a change to correlate.Assess's signature changes only this.
func (b *pollerBackend) assess(s providers.Snapshot) correlate.Report {
	return correlate.Assess(s)
}

// Run sends the pending vendors at once, then every check as it starts
// and finishes.
func (b *pollerBackend) Run(ctx context.Context, send func(ui.Update)) {
	send(ui.Update{Report: b.latest()})
	b.poller.Run(ctx, func(e providers.Event) {
		u := ui.Update{InFlight: e.InFlight}
		if e.Done {
			rep := b.assess(e.Snapshot)
			b.mu.Lock()
			b.last = rep
			b.mu.Unlock()
			u.Report, u.Finished = rep, e.Vendor
		} else {
			u.Report, u.Started = b.latest(), e.Vendor
		}
		send(u)
	})
}

func (b *pollerBackend) latest() correlate.Report {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// CheckNow wakes every vendor's loop; it does not wait.
func (b *pollerBackend) CheckNow() { b.poller.CheckNow() }

// Timeline is empty until the history store is wired in.
func (b *pollerBackend) Timeline(context.Context, string, int) ([]ui.TimelineEntry, error) {
	return nil, nil
}

// IncidentReport is a short Markdown summary of the current report, until
// the history store's full report is wired in.
func (b *pollerBackend) IncidentReport(context.Context) (string, error) {
	return summaryMarkdown(b.latest()), nil
}

// summaryMarkdown renders the current report as Markdown: the overall
// level, the findings with their evidence and advice, and one table row
// per vendor. Remote text is cleaned and table cells escape "|".
func summaryMarkdown(r correlate.Report) string {
	var b strings.Builder
	cell := func(s string) string { return strings.ReplaceAll(statuspage.CleanLine(s), "|", `\|`) }
	fmt.Fprintf(&b, "# vendorwatch: %s\n\n", strings.ToUpper(string(r.Overall)))
	fmt.Fprintf(&b, "Checked %s.\n\n", r.GeneratedAt.UTC().Format(time.RFC3339))
	b.WriteString("## Findings\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("None: every vendor looks healthy.\n")
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "- **%s** %s", f.Severity, statuspage.CleanLine(f.Title))
		if !f.Since.IsZero() {
			fmt.Fprintf(&b, " (since %s)", f.Since.UTC().Format(time.RFC3339))
		}
		b.WriteString("\n")
		if d := statuspage.CleanLine(f.Detail); d != "" {
			fmt.Fprintf(&b, "  - %s\n", d)
		}
		for _, a := range f.Advice {
			fmt.Fprintf(&b, "  - → %s\n", statuspage.CleanLine(a))
		}
	}
	b.WriteString("\n## Vendors\n\n| Vendor | Level | Status | Open incidents | Keys |\n|---|---|---|---|---|\n")
	for _, v := range r.Vendors {
		var incs []string
		for _, in := range v.Status.Open() {
			t := cell(in.Title)
			if in.URL != "" {
				t = "[" + t + "](" + cell(in.URL) + ")"
			}
			incs = append(incs, t)
		}
		var keys []string
		for _, k := range v.Keys {
			keys = append(keys, fmt.Sprintf("%s (%s): %s", cell(k.Name), cell(k.Fingerprint), k.Result))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(v.Name), v.Level,
			strings.ReplaceAll(string(v.Status.State), "_", " "), orDash(strings.Join(incs, "; ")), orDash(strings.Join(keys, "; ")))
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
