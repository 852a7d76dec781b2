package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/sla"
)

// SLAReport is report --sla: every vendor's reliability over [from, to)
// from the history in stateDir, opened read-only. What a damaged history
// could not give is listed in the report's Unreadable, and said on
// stderr.
func SLAReport(ctx context.Context, stderr io.Writer, stateDir string, from, to time.Time, vendors []string) (output.SLAReport, error) {
	store, _, err := openReportHistory(ctx, stderr, stateDir)
	if err != nil {
		return output.SLAReport{}, err
	}
	defer store.Close()
	rep, err := SLA(ctx, store, from, to, vendors)
	if err != nil {
		return rep, err
	}
	if len(rep.Unreadable) > 0 {
		fmt.Fprintln(stderr, "vendorwatch: the reliability report holds what could be read; it lacks:")
		for _, u := range rep.Unreadable {
			fmt.Fprintf(stderr, "  - %s\n", u)
		}
	}
	return rep, nil
}

// SLA reads what report --sla needs from store and measures it.
func SLA(ctx context.Context, store *history.Store, from, to time.Time, vendors []string) (output.SLAReport, error) {
	q := history.Query{Since: from, Until: to, Vendors: vendors}
	var unread []string
	note := func(what string, err error) error {
		var re *history.ReadError
		switch {
		case err == nil:
		case errors.As(err, &re):
			for _, g := range re.Gaps {
				unread = append(unread, g.String())
			}
		case errors.Is(err, history.ErrCorrupt), errors.Is(err, history.ErrNoEvidence):
			unread = append(unread, what+": "+err.Error())
		default:
			return err
		}
		return nil
	}
	in := sla.Input{Since: from, Until: to, Vendors: vendors, Names: map[string]string{}}
	// The latest report names the vendors configured now; the timeline
	// names those it mentions.
	if st, err := store.LoadSeed(ctx); err == nil && st.Report != nil {
		for _, v := range st.Report.Vendors {
			in.Names[v.ID] = v.Name
		}
	}
	timeline, err := store.Timeline(ctx, q)
	if err := note("the timeline", err); err != nil {
		return output.SLAReport{}, err
	}
	for _, e := range timeline {
		if e.Vendor != "" && e.VendorName != "" {
			in.Names[e.Vendor] = e.VendorName
		}
		if e.Kind == correlate.EventVendorState || e.Kind == correlate.EventIncidentOpened {
			in.Events = append(in.Events, e)
		}
	}
	before, err := store.PageStatesBefore(ctx, q, from)
	if err := note("the status pages' states before the window", err); err != nil {
		return output.SLAReport{}, err
	}
	for _, e := range before {
		if in.Names[e.Vendor] == "" && e.VendorName != "" {
			in.Names[e.Vendor] = e.VendorName
		}
	}
	in.Events = append(before, in.Events...)
	// The probes come as the history's runs of identical ones, never
	// one by one: a month of probes every minute would be millions.
	runs, err := store.ProbeRuns(ctx, q)
	if err := note("our probes (the evidence)", err); err != nil {
		return output.SLAReport{}, err
	}
	for _, p := range runs {
		if !p.NotProbed {
			in.Probes = append(in.Probes, sla.Probe{At: p.At, Vendor: p.Vendor, Key: p.Key, Result: p.Result, Last: p.Last, Count: p.Count})
		}
	}
	in.Findings, err = store.Findings(ctx, q)
	if err := note("the findings", err); err != nil {
		return output.SLAReport{}, err
	}
	return output.SLAReport{Report: sla.Compute(in), Unreadable: unread}, nil
}
