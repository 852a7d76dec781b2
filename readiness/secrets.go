package readiness

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// SlowSecret is how long a secret reference may take before doctor warns:
// a third of the 15 s a cmd: reference gets, so that a secret manager
// slowed down by an incident still answers within it.
const SlowSecret = 5 * time.Second

// Secret is one secret reference as doctor resolved it. It holds the
// reference and the fingerprint, never the secret.
type Secret struct {
	// Subject is whose secret it is: openai/prod, openai/admin, notifier
	// ops-slack.
	Subject string
	// Ref is the reference as shown (env:NAME, cmd:...), never a literal.
	Ref string
	// Cmd is true for a cmd: reference, which is timed.
	Cmd bool
	// Took is how long resolving took; Timeout the cmd: reference's limit.
	Took, Timeout time.Duration
	// Fingerprint is the resolved secret's fingerprint; Err says why it
	// did not resolve.
	Fingerprint, Err string
}

// SecretCheck judges one secret reference: it resolves, and a command
// answers well within its timeout.
func SecretCheck(s Secret) Check {
	c := Check{Check: CheckSecret, Subject: s.Subject, Level: Pass}
	if s.Cmd {
		c.DurationMS = s.Took.Milliseconds()
	}
	switch {
	case s.Err != "":
		c.Level = Fail
		c.Summary = fmt.Sprintf("%s does not resolve: %s", s.Ref, s.Err)
		c.Fix = "make the reference resolve where vendorwatch runs (export the variable, fix the file or the command), then run vendorwatch check-config"
		if s.Cmd {
			c.Fix = "run the command by hand as the user vendorwatch runs as (it must print the key alone on one line), sign its CLI in, then run vendorwatch check-config"
		}
	case s.Cmd && s.Took > SlowSecret:
		c.Level = Warn
		c.Summary = fmt.Sprintf("%s resolves to %s but took %s, against a limit of %s: a secret manager slowed by an incident will make it miss", s.Ref, s.Fingerprint, round(s.Took), round(s.Timeout))
		c.Fix = "keep the key in a file readable by you alone (file:PATH, refreshed by the secret manager's agent), or make the command faster (a cached CLI login, a nearer region)"
	default:
		c.Summary = fmt.Sprintf("%s resolves to %s", s.Ref, s.Fingerprint)
		if s.Cmd {
			c.Summary += fmt.Sprintf(" in %s", round(s.Took))
		}
	}
	return c
}

func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

// StoreUse is a secret store something is read from: a cmd: reference
// that runs its CLI, or a key holder naming one of its entries.
type StoreUse struct {
	Store Store
	// By names what reads from it (openai/prod, holder of openai/prod).
	By string
}

// SecretStores judges, per secret store in use, whether its vendor is in
// the config: without it, the store's outage shows only as keys that do
// not resolve, as if the config were wrong. configured reports whether a
// vendor id is in the config.
func SecretStores(uses []StoreUse, configured func(id string) bool) []Check {
	by := map[Store][]string{}
	var order []Store
	for _, u := range uses {
		if _, ok := by[u.Store]; !ok {
			order = append(order, u.Store)
		}
		if !slices.Contains(by[u.Store], u.By) {
			by[u.Store] = append(by[u.Store], u.By)
		}
	}
	var out []Check
	for _, s := range order {
		users := strings.Join(by[s], ", ")
		c := Check{Check: CheckSecretStore, Subject: s.Vendor, Level: Pass}
		if configured(s.Vendor) {
			c.Summary = fmt.Sprintf("%s (used by %s) is watched: %s is in the config", s.Name, users, s.Vendor)
		} else {
			c.Level = Warn
			c.Summary = fmt.Sprintf("%s holds secrets of %s, and %s is not in the config: its outage would look like a config error here", s.Name, users, s.Vendor)
			c.Fix = fmt.Sprintf("add the vendor to the config, under vendors: write - id: %s", s.Vendor)
		}
		out = append(out, c)
	}
	return out
}

// SharedKey judges a key's holders: a key used by two or more holders
// (services of ours, vendors; secret stores only keep it) cannot name the
// one that leaked it. It returns false for a key with no such holder.
func SharedKey(subject string, holders []observe.Holder) (Check, bool) {
	var users []string
	for _, h := range holders {
		if h.Kind == "service" || h.Kind == "vendor" {
			users = append(users, h.String())
		}
	}
	c := Check{Check: CheckSharedKey, Subject: subject, Level: Pass}
	switch len(users) {
	case 0:
		return c, false
	case 1:
		c.Summary = fmt.Sprintf("held only by %s: if it leaks, the leak names its source", users[0])
	default:
		c.Level = Warn
		c.Summary = fmt.Sprintf("one key is held by %d holders (%s): the next leak will not say which of them leaked it", len(users), strings.Join(users, ", "))
		c.Fix = "give each holder a key of its own (one key per holder, each with its single holder in holders:), so that a revoked key names the holder that leaked it"
	}
	return c, true
}
