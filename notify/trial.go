package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// TrialKind is the kind of the finding a test message announces.
const TrialKind correlate.Kind = "notify_test"

// TrialEvents are the events of a test message for the notifier named
// name: an info finding that opens and then closes, so a receiver that
// keeps alerts (PagerDuty) resolves the alert the test raised.
func TrialEvents(name string, now time.Time) []Event {
	name = termtext.Clip(termtext.Line(name), 60)
	f := correlate.Finding{
		ID: string(TrialKind) + ":" + name + ":" + now.UTC().Format("20060102T150405Z"), Kind: TrialKind, Severity: correlate.SeverityInfo,
		Vendors: []string{}, Keys: []string{}, Since: now,
		Title:  "vendorwatch test message for notifier " + name,
		Detail: "vendorwatch notify test " + name + " sent this to check that notifications arrive; nothing is wrong.",
		Advice: []string{"Nothing to do: this is a test."},
	}
	return []Event{
		{Kind: Opened, Finding: f, At: now, Overall: correlate.LevelOK},
		{Kind: Closed, Finding: f, At: now, Overall: correlate.LevelOK},
	}
}

// Trial sends s the test message of the notifier named name: its open,
// then its close. It stops at the first failure.
func Trial(ctx context.Context, s Sender, name string, now time.Time) error {
	for _, e := range TrialEvents(name, now) {
		if err := s.Send(ctx, e); err != nil {
			return fmt.Errorf("notifier %s: the test message (%s) was not delivered: %w", name, e.Kind, err)
		}
	}
	return nil
}
