package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// kindName is the shape of a finding kind (key_revoked); which kinds
// exist is correlate's to say: a Catalog that is also a KindChecker
// checks the names.
var kindName = lazyregexp.New(`^[a-z][a-z0-9_]*$`)

// validateCredentials checks a PagerDuty notifier's routing_key and an
// Opsgenie notifier's api_key, both credentials, and that no other
// notifier sets them.
func validateCredentials(n Notifier, i int, x index, t trust, p *problems) {
	for _, c := range []struct {
		typ        NotifierType
		field, key string
		ref        SecretRef
		what       string
	}{
		{NotifyPagerDuty, "routing_key", "pagerduty", n.RoutingKey, "the Events API v2 integration key"},
		{NotifyOpsgenie, "api_key", "opsgenie", n.APIKey, "the API integration's key"},
	} {
		at := x.line("notify", i, c.field)
		switch {
		case n.Type == c.typ && c.ref.IsZero():
			p.add(x.line("notify", i), "notifier %q (%s) needs %s: env:NAME naming %s", n.Name, c.key, c.field, c.what)
		case n.Type == c.typ:
			checkSecret(c.ref, at, x.line("notify", i), t, p)
		case !c.ref.IsZero():
			p.add(at, "%s: only applies to %s notifiers", c.field, c.key)
		}
	}
}

// validateRoutes checks a notifier's vendors:, kinds: and keys: filters:
// the vendors and keys must be ones the config watches, so a typo does
// not silently route nothing.
func validateRoutes(cfg *Config, n Notifier, i int, x index, cat Catalog, p *problems) {
	kinds, _ := cat.(KindChecker)
	vendors, keys := map[string]bool{}, map[string]bool{}
	for _, v := range cfg.Vendors {
		vendors[v.ID] = true
		for _, k := range v.Keys {
			keys[k.Name] = true
		}
	}
	for j, v := range n.Vendors {
		if !vendors[v] {
			p.add(x.line("notify", i, "vendors", j), "notifier %q routes vendor %q, which vendors: does not list", n.Name, v)
		}
	}
	for j, k := range n.Kinds {
		if !kindName().MatchString(k) {
			p.add(x.line("notify", i, "kinds", j), "notifier %q routes kind %q: use finding kinds such as key_revoked or vendor_outage", n.Name, k)
			continue
		}
		if kinds == nil {
			continue
		}
		if ok, closest := kinds.FindingKind(k); !ok {
			hint := "docs/findings.md lists the kinds"
			if closest != "" {
				hint = "did you mean " + closest + "?"
			}
			p.add(x.line("notify", i, "kinds", j), "notifier %q routes kind %q, which vendorwatch never files: %s", n.Name, k, hint)
		}
	}
	for j, k := range n.Keys {
		if !keys[k] {
			p.add(x.line("notify", i, "keys", j), "notifier %q routes key %q, which no vendor's keys: names", n.Name, k)
		}
	}
}

// validateEmail checks an email notifier's server, addresses and login,
// and that no other notifier sets them.
func validateEmail(n Notifier, i int, x index, t trust, p *problems) {
	at := func(key string) int { return x.line("notify", i, key) }
	if n.Type != NotifyEmail {
		for _, f := range []struct {
			key string
			set bool
		}{{"smtp", n.SMTP != ""}, {"from", n.From != ""}, {"to", len(n.To) > 0}, {"username", n.Username != ""}, {"password", !n.Password.IsZero()}} {
			if f.set {
				p.add(at(f.key), "%s: only applies to email notifiers", f.key)
			}
		}
		return
	}
	if n.SMTP == "" {
		p.add(x.line("notify", i), "notifier %q (email) needs smtp: the submission server as host:port (587 for STARTTLS)", n.Name)
	} else if host, port, err := net.SplitHostPort(n.SMTP); err != nil || host == "" {
		p.add(at("smtp"), "smtp %q is not host:port", n.SMTP)
	} else if v, err := strconv.Atoi(port); err != nil || v < 1 || v > 65535 {
		p.add(at("smtp"), "smtp port %q is not a number from 1 to 65535", port)
	}
	if _, err := mail.ParseAddress(n.From); err != nil {
		p.add(at("from"), "from %q is not a mail address", n.From)
	}
	if len(n.To) == 0 {
		p.add(x.line("notify", i), "notifier %q (email) needs to: the recipients' addresses", n.Name)
	}
	for j, to := range n.To {
		if _, err := mail.ParseAddress(to); err != nil {
			p.add(x.line("notify", i, "to", j), "to %q is not a mail address", to)
		}
	}
	switch {
	case n.Username != "" && n.Password.IsZero():
		p.add(at("username"), "username: needs password: (env:NAME)")
	case n.Username == "" && !n.Password.IsZero():
		p.add(at("password"), "password: needs username:")
	case !n.Password.IsZero():
		checkSecret(n.Password, at("password"), x.line("notify", i), t, p)
	}
}

func validateNotify(cfg *Config, x index, t trust, cat Catalog, p *problems) {
	ns := cfg.Notify
	names := map[string]int{}
	for i, n := range ns {
		at := func(key string) int { return x.line("notify", i, key) }
		switch n.Type {
		case NotifyWebhook, NotifySlack, NotifyDiscord, NotifyTeams, NotifyPagerDuty, NotifyOpsgenie, NotifyEmail, NotifyCommand, NotifyDesktop:
		case "":
			p.add(x.line("notify", i), "notifier #%d has no type: use %s", i+1, notifierTypes)
		default:
			p.add(at("type"), "notifier type %q: use %s", n.Type, notifierTypes)
		}
		if n.Name != "" {
			if first, dup := names[n.Name]; dup {
				p.add(at("name"), "duplicate notifier name %q (first at line %d)", n.Name, first)
			} else {
				names[n.Name] = at("name")
			}
		}
		web := n.Type == NotifyWebhook || n.Type == NotifySlack || n.Type == NotifyDiscord || n.Type == NotifyTeams
		// A chat service's webhook URL is a credential.
		chat := n.Type == NotifySlack || n.Type == NotifyDiscord || n.Type == NotifyTeams
		switch {
		case web && n.URL.IsZero():
			p.add(x.line("notify", i), "notifier %q (%s) needs url: an https URL, or env:NAME for a URL that is a credential", n.Name, n.Type)
		case web && n.URL.Kind == SecretLiteral:
			// The URL is not echoed: it may hold a token.
			if u, err := url.Parse(n.URL.Value); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				p.add(at("url"), "notifier url is not an http(s) URL")
			}
			if chat && !t.literalOK() {
				p.add(at("url"), "%s", t.refuseLiteral(fmt.Sprintf("a %s webhook URL is a credential and", chatName[n.Type])))
			}
		case web:
			checkSecret(n.URL, at("url"), x.line("notify", i), t, p)
		case (n.Type == NotifyPagerDuty || n.Type == NotifyOpsgenie) && n.URL.Kind == SecretLiteral:
			// An endpoint of the service's other region (events.eu.pagerduty.com,
			// api.eu.opsgenie.com).
			if u, err := url.Parse(n.URL.Value); err != nil || u.Scheme != "https" || u.Host == "" {
				p.add(at("url"), "notifier url is not an https URL")
			}
		case (n.Type == NotifyPagerDuty || n.Type == NotifyOpsgenie) && !n.URL.IsZero():
			checkSecret(n.URL, at("url"), x.line("notify", i), t, p)
		case !n.URL.IsZero():
			p.add(at("url"), "url: only applies to webhook, slack, discord, teams, pagerduty and opsgenie notifiers")
		}
		validateCredentials(n, i, x, t, p)
		validateEmail(n, i, x, t, p)
		validateRoutes(cfg, n, i, x, cat, p)
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
