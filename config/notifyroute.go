package config

import (
	"net"
	"net/mail"
	"strconv"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// kindName is the shape of a finding kind (key_revoked); which kinds
// exist is correlate's to say, and the app checks the names against it.
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
func validateRoutes(cfg *Config, n Notifier, i int, x index, p *problems) {
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
