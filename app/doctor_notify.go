package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/readiness"
)

// doctorTestKind is the finding kind of doctor's test notification.
const doctorTestKind = "doctor_test"

// doctorNotifiers sets up every notifier as serve would and, with send,
// sends each a test notification (an info finding that says so).
// Without send, nothing leaves the machine.
func (a *App) doctorNotifiers(ctx context.Context, send bool, now time.Time) []readiness.Check {
	ns, problems := a.notifiers(ctx)
	byName := map[string]readiness.Notifier{}
	for _, n := range a.Config.Notify {
		byName[n.Name] = readiness.Notifier{Name: n.Name, Type: string(n.Type)}
	}
	for _, err := range problems {
		for name, n := range byName {
			if strings.HasPrefix(err.Error(), "notifier "+name+":") {
				n.Problem = strings.TrimPrefix(err.Error(), "notifier "+name+": ")
				n.Unavailable = errors.Is(err, ErrNotifierUnavailable)
				byName[name] = n
			}
		}
	}
	if send {
		event := notify.Event{Kind: notify.Opened, At: now.UTC(), Overall: correlate.LevelOK, Finding: correlate.Finding{
			Kind: doctorTestKind, Severity: correlate.SeverityInfo, Vendors: []string{}, Keys: []string{},
			Title:  "vendorwatch doctor: test notification",
			Detail: "vendorwatch doctor --send-test sent this to check that the notifier delivers; nothing is wrong.",
			Advice: []string{"No action needed."}, Since: now.UTC()}}
		for _, n := range ns {
			r := byName[n.Name]
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			start := time.Now()
			err := n.Sender.Send(sctx, event)
			cancel()
			r.Tested, r.Took = true, time.Since(start)
			if err != nil {
				r.SendErr = secretReason(err)
			}
			byName[n.Name] = r
		}
	}
	var out []readiness.Check
	for _, n := range a.Config.Notify {
		out = append(out, readiness.NotifierCheck(byName[n.Name]))
	}
	return out
}
