package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/readiness"
)

// doctorNotifiers sets up every notifier as serve would and, with send,
// sends each the test message of notify test (an info finding that opens
// and closes).
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
		for _, n := range ns {
			r := byName[n.Name]
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			start := time.Now()
			// The test message opens and closes, as notify test's does, so
			// a receiver that keeps alerts (PagerDuty, Opsgenie) is left
			// with none open.
			err := notify.Trial(sctx, n.Sender, n.Name, now.UTC())
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
