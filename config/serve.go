package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// Defaults of `vendorwatch serve` and of notifiers.
const (
	// DefaultListen is where serve listens without --listen or serve.listen:
	// loopback only, so nothing is exposed by accident.
	DefaultListen = "127.0.0.1:9321"
	// DefaultNotifyQuiet is how long a closed finding must stay closed
	// before its close is announced; a re-open within it is not announced
	// again, so a flapping vendor does not spam.
	DefaultNotifyQuiet = 10 * time.Minute
	// MinNotifyQuiet is the shortest quiet period.
	MinNotifyQuiet = time.Minute
	// DefaultNotifyTimeout bounds one webhook call or notification command.
	DefaultNotifyTimeout = 10 * time.Second
	// DefaultNotifyExpire is how long a notification that cannot be
	// delivered is retried before it is given up.
	DefaultNotifyExpire = 24 * time.Hour
	// MinNotifyExpire and MaxNotifyExpire bound expire.
	MinNotifyExpire = time.Minute
	MaxNotifyExpire = 7 * 24 * time.Hour
)

// Serve configures `vendorwatch serve`.
type Serve struct {
	// Listen is host:port; --listen overrides it.
	Listen string `yaml:"listen"`
	// Token, when set, is the bearer token every API and /metrics request
	// must carry (/healthz stays open). A secret reference like a key's.
	Token SecretRef `yaml:"token"`
}

func (s *Serve) applyDefaults() {
	if s.Listen == "" {
		s.Listen = DefaultListen
	}
}

// NotifierType says how a notifier delivers.
type NotifierType string

// The notifier types.
const (
	// NotifyWebhook POSTs the finding as generic JSON.
	NotifyWebhook NotifierType = "webhook"
	// NotifySlack POSTs a Slack-compatible {"text": ...} message (Slack,
	// Mattermost, Rocket.Chat and other incoming-webhook receivers).
	NotifySlack NotifierType = "slack"
	// NotifyCommand runs a command with the finding as JSON on stdin.
	NotifyCommand NotifierType = "command"
	// NotifyDesktop shows a desktop notification (notify-send, osascript).
	NotifyDesktop NotifierType = "desktop"
)

// NotifyEvents are the finding transitions a notifier can announce.
var NotifyEvents = []string{"opened", "escalated", "eased", "closed"}

// DefaultNotifyEvents are announced when a notifier lists none.
var DefaultNotifyEvents = []string{"opened", "escalated", "closed"}

// Notifier is one place findings are announced.
type Notifier struct {
	// Name names the notifier in logs and metrics (default TYPE-N).
	Name string       `yaml:"name"`
	Type NotifierType `yaml:"type"`
	// URL is the webhook's address (webhook, slack): a plain https URL, or
	// a secret reference (env:, file:, cmd:) for URLs that are credentials,
	// as Slack's are.
	URL SecretRef `yaml:"url"`
	// Command is run without a shell, split like a cmd: secret (command).
	Command string `yaml:"command"`
	// Env names environment variables passed to the command; it gets only
	// these besides PATH, HOME, LANG, TZ and USER, so it never inherits
	// the keys in the environment.
	Env []string `yaml:"env"`
	// Timeout bounds one delivery (default 10s).
	Timeout Duration `yaml:"timeout"`
	// MinSeverity is the least severe finding announced: info, warning
	// (default) or critical.
	MinSeverity string `yaml:"min_severity"`
	// Quiet is how long a closed finding must stay closed before its close
	// is announced; re-opening within it is not announced (default 10m).
	Quiet Duration `yaml:"quiet"`
	// Events are the transitions announced: opened, escalated, eased,
	// closed (default opened, escalated, closed).
	Events []string `yaml:"events"`
	// Expire is how long a notification that cannot be delivered is
	// retried, with backoff, before it is given up (default 24h).
	Expire Duration `yaml:"expire"`

	// Line is where the notifier starts in the file.
	Line int `yaml:"-"`
}

func (n *Notifier) applyDefaults(i int) {
	if n.Name == "" && n.Type != "" {
		n.Name = string(n.Type) + "-" + strconv.Itoa(i+1)
	}
	if n.Timeout == 0 {
		n.Timeout = Duration(DefaultNotifyTimeout)
	}
	if n.MinSeverity == "" {
		n.MinSeverity = "warning"
	}
	if n.Quiet == 0 {
		n.Quiet = Duration(DefaultNotifyQuiet)
	}
	if len(n.Events) == 0 {
		n.Events = slices.Clone(DefaultNotifyEvents)
	}
	if n.Expire == 0 {
		n.Expire = Duration(DefaultNotifyExpire)
	}
}

func validateServe(s Serve, x index, t trust, p *problems) {
	if s.Listen != "" {
		if err := checkListen(s.Listen); err != nil {
			p.add(x.line("serve", "listen"), "serve listen %q: %v", s.Listen, err)
		}
	}
	if !s.Token.IsZero() {
		checkSecret(s.Token, x.line("serve", "token"), x.line("serve"), t, p)
	}
}

// checkListen checks a host:port to listen on.
func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want host:port such as 127.0.0.1:9321 or :9321")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return nil
}

var envName = lazyregexp.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

func validateNotify(ns []Notifier, x index, t trust, p *problems) {
	names := map[string]int{}
	for i, n := range ns {
		at := func(key string) int { return x.line("notify", i, key) }
		switch n.Type {
		case NotifyWebhook, NotifySlack, NotifyCommand, NotifyDesktop:
		case "":
			p.add(x.line("notify", i), "notifier #%d has no type: use webhook, slack, command or desktop", i+1)
		default:
			p.add(at("type"), "notifier type %q: use webhook, slack, command or desktop", n.Type)
		}
		if n.Name != "" {
			if first, dup := names[n.Name]; dup {
				p.add(at("name"), "duplicate notifier name %q (first at line %d)", n.Name, first)
			} else {
				names[n.Name] = at("name")
			}
		}
		web := n.Type == NotifyWebhook || n.Type == NotifySlack
		switch {
		case web && n.URL.IsZero():
			p.add(x.line("notify", i), "notifier %q (%s) needs url: an https URL, or env:NAME for a URL that is a credential", n.Name, n.Type)
		case web && n.URL.Kind == SecretLiteral:
			// The URL is not echoed: it may hold a token.
			if u, err := url.Parse(n.URL.Value); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				p.add(at("url"), "notifier url is not an http(s) URL")
			}
			if n.Type == NotifySlack && !t.literalOK() {
				p.add(at("url"), "%s", t.refuseLiteral("a Slack webhook URL is a credential and"))
			}
		case web:
			checkSecret(n.URL, at("url"), x.line("notify", i), t, p)
		case !n.URL.IsZero():
			p.add(at("url"), "url: only applies to webhook and slack notifiers")
		}
		switch {
		case n.Type == NotifyCommand && strings.TrimSpace(n.Command) == "":
			p.add(x.line("notify", i), "notifier %q needs command: (run without a shell, the finding as JSON on stdin)", n.Name)
		case n.Type == NotifyCommand:
			if _, err := SplitCommand(n.Command); err != nil {
				p.add(at("command"), "command: %v", err)
			} else if !t.commandsOK() {
				p.add(at("command"), "%s", t.refuseCommand("a command notifier"))
			}
		case n.Command != "":
			p.add(at("command"), "command: only applies to command notifiers")
		}
		if len(n.Env) > 0 && n.Type != NotifyCommand {
			p.add(at("env"), "env: only applies to command notifiers")
		}
		for j, e := range n.Env {
			if !envName().MatchString(e) {
				p.add(x.line("notify", i, "env", j), "env: %q is not a variable name", e)
			}
		}
		if n.Timeout < Duration(MinTimeout) || n.Timeout > Duration(MaxTimeout) {
			p.add(at("timeout"), "notifier timeout %s is outside %s..%s", n.Timeout, Duration(MinTimeout), Duration(MaxTimeout))
		}
		switch n.MinSeverity {
		case "info", "warning", "critical":
		default:
			p.add(at("min_severity"), "min_severity %q: use info, warning or critical", n.MinSeverity)
		}
		if n.Quiet < Duration(MinNotifyQuiet) {
			p.add(at("quiet"), "quiet %s is below the minimum of %s", n.Quiet, Duration(MinNotifyQuiet))
		}
		if n.Expire < Duration(MinNotifyExpire) || n.Expire > Duration(MaxNotifyExpire) {
			p.add(at("expire"), "notifier expire %s is outside 1m..7d", n.Expire)
		}
		for j, e := range n.Events {
			if !slices.Contains(NotifyEvents, e) {
				p.add(x.line("notify", i, "events", j), "event %q: use %s", e, strings.Join(NotifyEvents, ", "))
			}
		}
	}
}
