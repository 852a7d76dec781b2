package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/ui"
)

// IncidentReport gathers the findings and the timeline of a window of
// history, for `report`, serve and the dashboard's copy key. From a
// damaged history it is what could be read, with what could not in
// Unreadable: a partial report is worth more than none.
func IncidentReport(ctx context.Context, store *history.Store, from, to time.Time, vendors []string) (output.IncidentReport, error) {
	q := history.Query{Since: from, Until: to, Vendors: vendors}
	rep := output.IncidentReport{Since: from.UTC(), Until: to.UTC(), Vendors: vendors}
	var err error
	rep.Findings, err = store.Findings(ctx, q)
	if err = unreadable(&rep, err); err != nil {
		return rep, err
	}
	rep.Timeline, err = store.Timeline(ctx, q)
	if err = unreadable(&rep, err); err != nil {
		return rep, err
	}
	rots, err := store.RotationsIn(ctx, from, to)
	if err != nil {
		// The rest of the report stands without them.
		rep.Unreadable = append(rep.Unreadable, "the rotation checklists: "+err.Error())
	}
	for _, r := range rots {
		if len(vendors) == 0 || slices.Contains(vendors, r.Vendor) || slices.ContainsFunc(r.Holders, func(h correlate.RotationHolder) bool {
			return h.Kind == "vendor" && slices.Contains(vendors, h.Name)
		}) {
			rep.Rotations = append(rep.Rotations, r)
		}
	}
	reportTraffic(ctx, store, &rep, from, to, vendors)
	return rep, nil
}

// unreadable moves what a read of a damaged history could not read into
// the report's Unreadable list; other errors stay errors.
func unreadable(rep *output.IncidentReport, err error) error {
	var re *history.ReadError
	if !errors.As(err, &re) {
		return err
	}
	for _, g := range re.Gaps {
		rep.Unreadable = append(rep.Unreadable, g.String())
	}
	return nil
}

// MonitorBackend adapts a monitor and its history store to ui.Backend.
// The demo uses it too, over simulated vendors.
type MonitorBackend struct {
	mon   *monitor.Monitor
	store *history.Store // nil: no timeline, a report of the current state only
	// observe, when set, sees every monitor update (notifications).
	observe func(monitor.Update)
	// now is the clock of the report's window (time.Now when nil; the
	// demo's scenario clock in the demo).
	now func() time.Time
}

// Run runs the monitor until ctx ends, passing every update on.
func (b *MonitorBackend) Run(ctx context.Context, send func(ui.Update)) {
	_ = b.mon.Run(ctx, func(u monitor.Update) {
		if b.observe != nil {
			b.observe(u)
		}
		send(ui.Update{Report: u.Report, InFlight: u.InFlight, Checking: u.Checking, Recorded: len(u.Events) > 0})
	})
}

// CheckNow wakes every vendor's loop; it does not wait.
func (b *MonitorBackend) CheckNow() { b.mon.CheckNow() }

// Timeline returns the newest history events about one vendor, or all.
func (b *MonitorBackend) Timeline(ctx context.Context, vendor string, limit int) ([]ui.TimelineEntry, error) {
	if b.store == nil {
		return nil, errors.New("no history: the state dir could not be opened")
	}
	q := history.Query{Limit: limit}
	if vendor != "" {
		q.Vendors = []string{vendor}
	}
	evs, err := b.store.Timeline(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]ui.TimelineEntry, 0, len(evs))
	for _, e := range slices.Backward(evs) { // the store gives oldest first
		out = append(out, ui.TimelineEntry{At: e.At, Vendor: e.Vendor, Severity: e.Severity, Kind: e.Kind, Text: e.Text, URL: e.URL})
	}
	return out, nil
}

// IncidentReport renders the last day of history as the Markdown incident
// report, the same as `vendorwatch report`.
func (b *MonitorBackend) IncidentReport(ctx context.Context) (string, error) {
	if b.store == nil {
		return "", errors.New("no history: the state dir could not be opened")
	}
	now := time.Now()
	if b.now != nil {
		now = b.now()
	}
	rep, err := IncidentReport(ctx, b.store, now.Add(-24*time.Hour), now.Add(time.Second), nil)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	if err := output.WriteMarkdown(&sb, rep); err != nil {
		return "", err
	}
	return sb.String(), nil
}

// openReportHistory opens the state dir's history read-only for a report,
// says on stderr what the store warns of, and checks it: a damaged store
// (history.ErrCorrupt, returned as checkErr) is still read around its
// damage; anything else is an error.
func openReportHistory(ctx context.Context, stderr io.Writer, stateDir string) (store *history.Store, checkErr, err error) {
	dir := StateDir(stateDir)
	if dir == "" {
		return nil, nil, errors.New("no state dir: give --state-dir")
	}
	if _, err := os.Stat(filepath.Join(dir, history.DatabaseFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("no history in %s yet: run vendorwatch --once or the dashboard first", Tildify(dir))
	}
	store, err = history.OpenReadOnly(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	if c := store.Caveat(); c != "" {
		fmt.Fprintf(stderr, "vendorwatch: %s\n", c)
	}
	checkErr = store.CheckRead(ctx) // a long history's evidence is checked when a check opens it, not by every report
	if checkErr != nil && !errors.Is(checkErr, history.ErrCorrupt) {
		store.Close()
		return nil, nil, checkErr
	}
	return store, checkErr, nil
}

// HistoryReport is the incident report of [from, to) from the history in
// the state dir (flag, or the default), for `report`. The database is
// opened read-only (history.OpenReadOnly): nothing is created, migrated
// or written, so it works for a user who may only read the state dir and
// on a read-only copy. It is checked first; a damaged one is reported on
// stderr, with what to do, and read around: the report holds what could
// be read and lists in Unreadable what could not.
func HistoryReport(ctx context.Context, stderr io.Writer, stateDir string, from, to time.Time, vendors []string) (output.IncidentReport, error) {
	store, checkErr, err := openReportHistory(ctx, stderr, stateDir)
	if err != nil {
		return output.IncidentReport{}, err
	}
	defer store.Close()
	rep, err := IncidentReport(ctx, store, from, to, vendors)
	if err != nil {
		return rep, err
	}
	if checkErr != nil {
		fmt.Fprintf(stderr, "vendorwatch: %v\n", checkErr)
		if len(rep.Unreadable) == 0 {
			fmt.Fprintln(stderr, "vendorwatch: everything in the report's window could be read: the report is complete.")
		} else {
			fmt.Fprintln(stderr, "vendorwatch: the report holds what could be read; it lacks:")
			for _, u := range rep.Unreadable {
				fmt.Fprintf(stderr, "  - %s\n", u)
			}
		}
	}
	return rep, nil
}
