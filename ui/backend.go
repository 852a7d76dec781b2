// Package ui is the interactive dashboard: a Bubble Tea v2 program that
// shows every vendor's level, the findings with advice, a vendor's evidence
// one keypress away, and the timeline of what happened when.
//
// The dashboard knows nothing about polling, probing or storage. Whatever
// produces reports — the live poller, a history database, the simulated
// vendors of --demo — implements Backend; Run wires it to the program.
package ui

import (
	"context"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// Backend is what the dashboard needs from the rest of vendorwatch. Its
// methods are called from the dashboard's goroutines, never from Update,
// so they may block and do I/O.
type Backend interface {
	// Run checks vendors on their intervals until ctx ends, calling send
	// whenever a check starts or finishes. send is safe to call from any
	// goroutine and returns quickly; Run returns when ctx is done.
	Run(ctx context.Context, send func(Update))
	// CheckNow asks for a check of every vendor now ('r'). It must not
	// wait for the checks; their results arrive through Run's send.
	CheckNow()
	// Timeline returns up to limit events, newest first, about one vendor
	// id, or about every vendor when vendor is "" ('t').
	Timeline(ctx context.Context, vendor string, limit int) ([]TimelineEntry, error)
	// IncidentReport returns the Markdown incident report to copy to the
	// clipboard ('c').
	IncidentReport(ctx context.Context) (string, error)
}

// Update is what a backend sends when checks start or finish.
type Update struct {
	// Report is the latest complete report: every vendor, every finding.
	// The dashboard replaces its copy with it and never modifies it.
	Report correlate.Report
	// InFlight is the number of vendor checks still running after this
	// update. The spinner runs while it is above zero.
	InFlight int
	// Checking lists the ids of the vendors being checked now; their rows
	// show "checking…".
	Checking []string
	// Recorded is true when the update follows finished checks, so the
	// timeline may have new entries.
	Recorded bool
	// Banner, when not empty, is a line shown under the header in every
	// view until an update brings another: the demo's scenario clock and
	// what is happening in its story. It is sanitized before it is drawn.
	Banner string
}

// TimelineEntry is one event of the timeline: a state change, an incident
// update, a key result change, a finding opened or closed.
type TimelineEntry struct {
	At       time.Time
	Vendor   string // vendor id, "" for events about no single vendor
	Severity correlate.Severity
	// Kind is what happened; a finding_closed event (the severity of the
	// finding that closed) is drawn as a recovery, not as a failure.
	Kind correlate.EventKind
	Text string
	URL  string // a link to the evidence (the incident page), or ""
}
