package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/notify"
)

// ErrNotifierUnavailable marks a notifier this machine cannot run (no
// notify-send on a server): a config shared by laptops and the server
// still starts serve, with a warning.
var ErrNotifierUnavailable = errors.New("not available here")

// notifiers turns the config's notify: list into notifiers. Webhook
// URLs given as secret references are resolved here, once; a notifier
// that cannot be set up (an unset variable, no notify-send) is skipped
// and its problem returned, so the caller decides whether that is fatal.
// Problems wrapping ErrNotifierUnavailable are about this machine, not
// the config.
func (a *App) notifiers(ctx context.Context) ([]notify.Notifier, []error) {
	ns := a.Config.Notify
	var out []notify.Notifier
	var problems []error
	resolver := &config.Resolver{}
	for _, n := range ns {
		var s notify.Sender
		switch n.Type {
		case config.NotifyWebhook, config.NotifySlack:
			u, err := resolver.Resolve(ctx, n.URL)
			if err != nil {
				problems = append(problems, fmt.Errorf("notifier %s: url %w", n.Name, err))
				continue
			}
			w := &notify.Webhook{URL: u, Timeout: n.Timeout.D(), UserAgent: a.opts.UserAgent()}
			if n.Type == config.NotifySlack {
				w.Format = notify.FormatSlack
			}
			s = w
		case config.NotifyPagerDuty:
			key, err := resolver.Resolve(ctx, n.RoutingKey)
			if err != nil {
				problems = append(problems, fmt.Errorf("notifier %s: routing_key %w", n.Name, err))
				continue
			}
			pd := &notify.PagerDuty{RoutingKey: key, Timeout: n.Timeout.D(), UserAgent: a.opts.UserAgent(), Source: hostname()}
			if !n.URL.IsZero() {
				if pd.URL, err = resolver.Resolve(ctx, n.URL); err != nil {
					problems = append(problems, fmt.Errorf("notifier %s: url %w", n.Name, err))
					continue
				}
			}
			s = pd
		case config.NotifyCommand:
			argv, err := config.SplitCommand(n.Command)
			if err != nil {
				problems = append(problems, fmt.Errorf("notifier %s: %w", n.Name, err))
				continue
			}
			s = &notify.Command{Argv: argv, Env: n.Env, Timeout: n.Timeout.D()}
		case config.NotifyDesktop:
			d, err := notify.FindDesktop()
			if err != nil {
				problems = append(problems, fmt.Errorf("notifier %s: %w (%w)", n.Name, err, ErrNotifierUnavailable))
				continue
			}
			d.Timeout = n.Timeout.D()
			s = d
		default:
			continue
		}
		events := make([]notify.Kind, len(n.Events))
		for i, e := range n.Events {
			events[i] = notify.Kind(e)
		}
		out = append(out, notify.Notifier{Name: n.Name, Sender: s, MinSeverity: correlate.Severity(n.MinSeverity), Quiet: n.Quiet.D(),
			Events: events, Expire: n.Expire.D(), Vendors: n.Vendors, Kinds: n.Kinds, Keys: n.Keys})
	}
	return out, problems
}

// hostname names this machine as the source of a PagerDuty alert:
// "vendorwatch@HOST", or "vendorwatch" when the host has no name.
func hostname() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return "vendorwatch@" + h
	}
	return "vendorwatch"
}

// noteLog keeps the notification problems of a dashboard session, which
// cannot print while the dashboard owns the terminal; they are printed
// when it exits.
type noteLog struct {
	mu    sync.Mutex
	lines []string
	more  int
}

// maxNotes caps the lines kept.
const maxNotes = 20

func (n *noteLog) add(s string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.lines) >= maxNotes {
		n.more++
		return
	}
	n.lines = append(n.lines, s)
}

func (n *noteLog) print(w io.Writer) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, l := range n.lines {
		fmt.Fprintln(w, "vendorwatch: notify:", l)
	}
	if n.more > 0 {
		fmt.Fprintf(w, "vendorwatch: notify: %d more\n", n.more)
	}
}
