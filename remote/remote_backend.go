package remote

import (
	"context"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/ui"
)

// remotePollInterval is how often the dashboard reads a --remote server's
// snapshot. The server itself checks on the config's intervals; 10 s
// keeps the dashboard at most that far behind.
const remotePollInterval = 10 * time.Second

// remoteBackend is the dashboard over a vendorwatch serve: it polls the
// server's snapshot, reads the timeline and the incident report from the
// server's history, and never contacts a vendor.
type Backend struct {
	c        *Client
	only     []string
	interval time.Duration
	wake     chan struct{}
}

var _ ui.Backend = (*Backend)(nil)
var _ ui.Silencer = (*Backend)(nil)

func NewBackend(c *Client, only []string) *Backend {
	return &Backend{c: c, only: only, interval: remotePollInterval, wake: make(chan struct{}, 1)}
}

// Run polls until ctx ends. While the server cannot be read, the last
// report stays on screen with a finding that says so; the header's
// "checked … ago" shows how old it is.
func (b *Backend) Run(ctx context.Context, send func(ui.Update)) {
	var last correlate.Report
	for {
		rep, err := b.c.Report(ctx)
		if ctx.Err() != nil {
			return
		}
		u := ui.Update{}
		if err != nil {
			u.Report = withUnreachable(last, err)
		} else {
			rep = Narrow(rep, b.only)
			u.Recorded = !rep.GeneratedAt.Equal(last.GeneratedAt)
			u.Report, last = rep, rep
		}
		send(u)
		t := time.NewTimer(b.interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-b.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// KindRemoteUnreachable is the dashboard's own finding while a --remote
// server cannot be read. It is never recorded or printed as JSON.
const KindRemoteUnreachable correlate.Kind = "remote_unreachable"

// withUnreachable adds a warning finding about the server to a report.
func withUnreachable(rep correlate.Report, err error) correlate.Report {
	out := rep
	out.Findings = append([]correlate.Finding{{
		ID: string(KindRemoteUnreachable), Kind: KindRemoteUnreachable, Severity: correlate.SeverityWarning,
		Vendors: []string{}, Keys: []string{},
		Title:  "The vendorwatch server cannot be read",
		Detail: err.Error(),
		Advice: []string{"What is shown is the last report the server gave; check the server (its /healthz) and the address in --remote."},
	}}, slices.DeleteFunc(slices.Clone(rep.Findings), func(f correlate.Finding) bool { return f.Kind == KindRemoteUnreachable })...)
	if out.Overall == "" || out.Overall == correlate.LevelOK || out.Overall == correlate.LevelUnknown {
		out.Overall = correlate.LevelWarning
	}
	if out.SchemaVersion == 0 {
		out.SchemaVersion = correlate.SchemaVersion
	}
	return out
}

// CheckNow reads the server's snapshot at once. It does not make the
// server check its vendors: the server polls on its own intervals.
func (b *Backend) CheckNow() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Timeline reads the server's history, newest first.
func (b *Backend) Timeline(ctx context.Context, vendor string, limit int) ([]ui.TimelineEntry, error) {
	evs, err := b.c.Timeline(ctx, vendor, limit)
	if err != nil {
		return nil, err
	}
	out := make([]ui.TimelineEntry, 0, len(evs))
	for _, e := range slices.Backward(evs) {
		out = append(out, ui.TimelineEntry{At: e.At, Vendor: e.Vendor, Severity: e.Severity, Kind: e.Kind, Text: e.Text, URL: e.URL})
	}
	return out, nil
}

// IncidentReport is the server's Markdown report of the last day.
func (b *Backend) IncidentReport(ctx context.Context) (string, error) {
	now := time.Now()
	body, err := b.c.IncidentReport(ctx, now.Add(-24*time.Hour), time.Time{}, b.only, "markdown")
	return string(body), err
}
