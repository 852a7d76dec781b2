package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

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
	var out []notify.Notifier
	var problems []error
	resolver := &config.Resolver{}
	for _, n := range a.Config.Notify {
		nn, err := a.notifier(ctx, resolver, n)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		out = append(out, nn)
	}
	return out, problems
}

// notifier builds one notifier of the config.
func (a *App) notifier(ctx context.Context, resolver *config.Resolver, n config.Notifier) (notify.Notifier, error) {
	var s notify.Sender
	switch n.Type {
	case config.NotifyWebhook, config.NotifySlack:
		u, err := resolver.Resolve(ctx, n.URL)
		if err != nil {
			return notify.Notifier{}, fmt.Errorf("notifier %s: url %w", n.Name, err)
		}
		w := &notify.Webhook{URL: u, Timeout: n.Timeout.D(), UserAgent: a.opts.UserAgent()}
		if n.Type == config.NotifySlack {
			w.Format = notify.FormatSlack
		}
		s = w
	case config.NotifyDiscord, config.NotifyTeams:
		u, err := resolver.Resolve(ctx, n.URL)
		if err != nil {
			return notify.Notifier{}, fmt.Errorf("notifier %s: url %w", n.Name, err)
		}
		c := &notify.Chat{URL: u, Service: notify.Discord, Timeout: n.Timeout.D(), UserAgent: a.opts.UserAgent()}
		if n.Type == config.NotifyTeams {
			c.Service = notify.Teams
		}
		s = c
	case config.NotifyPagerDuty:
		key, err := resolver.Resolve(ctx, n.RoutingKey)
		if err != nil {
			return notify.Notifier{}, fmt.Errorf("notifier %s: routing_key %w", n.Name, err)
		}
		pd := &notify.PagerDuty{RoutingKey: key, Timeout: n.Timeout.D(), UserAgent: a.opts.UserAgent(), Source: hostname()}
		if !n.URL.IsZero() {
			if pd.URL, err = resolver.Resolve(ctx, n.URL); err != nil {
				return notify.Notifier{}, fmt.Errorf("notifier %s: url %w", n.Name, err)
			}
		}
		s = pd
	case config.NotifyOpsgenie:
		key, err := resolver.Resolve(ctx, n.APIKey)
		if err != nil {
			return notify.Notifier{}, fmt.Errorf("notifier %s: api_key %w", n.Name, err)
		}
		og := &notify.Opsgenie{APIKey: key, Timeout: n.Timeout.D(), UserAgent: a.opts.UserAgent(), Source: hostname()}
		if !n.URL.IsZero() {
			if og.URL, err = resolver.Resolve(ctx, n.URL); err != nil {
				return notify.Notifier{}, fmt.Errorf("notifier %s: url %w", n.Name, err)
			}
		}
		s = og
	case config.NotifyEmail:
		m := &notify.Email{Addr: n.SMTP, From: n.From, To: n.To, Username: n.Username, Timeout: n.Timeout.D()}
		if !n.Password.IsZero() {
			pw, err := resolver.Resolve(ctx, n.Password)
			if err != nil {
				return notify.Notifier{}, fmt.Errorf("notifier %s: password %w", n.Name, err)
			}
			m.Password = pw
		}
		s = m
	case config.NotifyCommand:
		argv, err := config.SplitCommand(n.Command)
		if err != nil {
			return notify.Notifier{}, fmt.Errorf("notifier %s: %w", n.Name, err)
		}
		s = &notify.Command{Argv: argv, Env: n.Env, Timeout: n.Timeout.D()}
	case config.NotifyDesktop:
		d, err := notify.FindDesktop()
		if err != nil {
			return notify.Notifier{}, fmt.Errorf("notifier %s: %w (%w)", n.Name, err, ErrNotifierUnavailable)
		}
		d.Timeout = n.Timeout.D()
		s = d
	default:
		return notify.Notifier{}, fmt.Errorf("notifier %s: unknown type %q", n.Name, n.Type)
	}
	events := make([]notify.Kind, len(n.Events))
	for i, e := range n.Events {
		events[i] = notify.Kind(e)
	}
	return notify.Notifier{Name: n.Name, Sender: s, MinSeverity: correlate.Severity(n.MinSeverity), Quiet: n.Quiet.D(),
		Events: events, Expire: n.Expire.D(), Vendors: n.Vendors, Kinds: n.Kinds, Keys: n.Keys}, nil
}

// ErrNoNotifier marks a notifier name the config does not have.
var ErrNoNotifier = errors.New("no such notifier")

// NotifyTest sends the notifier named name a test finding that opens and
// then closes, at once and bypassing its routes and the outbox, so the
// caller sees the receiver's answer (a wrong routing key, a dead URL)
// now. The test says it is one in its title and carries no key.
func (a *App) NotifyTest(ctx context.Context, name string) error {
	var names []string
	for _, n := range a.Config.Notify {
		if n.Name != name {
			names = append(names, n.Name)
			continue
		}
		nn, err := a.notifier(ctx, &config.Resolver{}, n)
		if err != nil {
			return err
		}
		return notify.Trial(ctx, nn.Sender, nn.Name, time.Now())
	}
	if len(names) == 0 {
		return fmt.Errorf("%w %q: the config has no notify: list", ErrNoNotifier, name)
	}
	return fmt.Errorf("%w %q: the config's notifiers are %s", ErrNoNotifier, name, strings.Join(names, ", "))
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
