// Package notify announces findings as they open, escalate, ease and
// close: to webhooks (generic JSON or Slack-compatible), to a command that
// reads the finding as JSON on stdin, and to the desktop. A Dispatcher
// watches successive reports, de-duplicates per finding and transition,
// holds a close back until the finding has stayed closed for a quiet
// period (so a flapping vendor announces once), filters by severity, and
// delivers without ever blocking the caller.
//
// Every announcement is queued in an Outbox first — the history
// database's when there is a state dir, so it survives a restart — and
// each notifier's worker sends from there, retrying a failed delivery
// with backoff (DefaultBackoff) until it is sent or expires
// (DefaultExpire). A finding counts as announced once its event is
// queued, never before.
//
// Payloads carry findings, which name keys and show fingerprints only;
// never a key.
package notify

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Kind is a finding transition.
type Kind string

// The transitions, as in correlate.Changes.
const (
	Opened    Kind = "opened"
	Escalated Kind = "escalated"
	Eased     Kind = "eased"
	Closed    Kind = "closed"
)

// Event is one transition to announce.
type Event struct {
	Kind Kind
	// Finding is the finding as it is now; for Closed, as it last was while
	// open.
	Finding correlate.Finding
	// From is the previous severity (Escalated and Eased only).
	From correlate.Severity
	// At is the check time of the transition (for Closed: when the close
	// was confirmed, after the quiet period).
	At time.Time
	// Overall is the overall level of the report that caused the event.
	Overall correlate.Level
}

// Text is the event in one line, as the timeline words it: "Critical
// opened: OpenAI key prod revoked".
func (e Event) Text() string {
	title := termtext.Line(e.Finding.Title)
	switch e.Kind {
	case Opened:
		return capital(string(e.Finding.Severity)) + " opened: " + title
	case Escalated, Eased:
		return capital(string(e.Kind)) + " " + string(e.From) + " → " + string(e.Finding.Severity) + ": " + title
	case Closed:
		return "Closed: " + title
	}
	return title
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// PayloadVersion is the version of Payload's JSON.
const PayloadVersion = 1

// Payload is the JSON a webhook receives and a command reads on stdin.
type Payload struct {
	SchemaVersion int `json:"schema_version"`
	// Event is the history's event kind: finding_opened, finding_escalated,
	// finding_eased or finding_closed.
	Event string    `json:"event"`
	At    time.Time `json:"at"`
	// Text is Event.Text.
	Text string `json:"text"`
	// Overall is the overall level when the event happened.
	Overall correlate.Level `json:"overall"`
	// PreviousSeverity is set on finding_escalated and finding_eased.
	PreviousSeverity correlate.Severity `json:"previous_severity,omitempty"`
	// Finding is the finding in the schema-1 JSON of --once --json.
	Finding correlate.Finding `json:"finding"`
}

// PayloadOf builds the JSON payload of an event.
func PayloadOf(e Event) Payload {
	f := e.Finding
	if f.Vendors == nil {
		f.Vendors = []string{}
	}
	if f.Keys == nil {
		f.Keys = []string{}
	}
	if f.Advice == nil {
		f.Advice = []string{}
	}
	return Payload{
		SchemaVersion: PayloadVersion, Event: "finding_" + string(e.Kind), At: e.At.UTC(), Text: e.Text(),
		Overall: e.Overall, PreviousSeverity: e.From, Finding: f,
	}
}

// encode marshals v without HTML escaping.
func encode(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// Sender delivers one event. Send must honour ctx and must not put
// anything secret (a webhook URL, a token) into its error.
type Sender interface {
	Send(ctx context.Context, e Event) error
}
