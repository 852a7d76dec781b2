package readiness

import (
	"fmt"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Canaries is what doctor knows of one vendor's keys for the canary test:
// make keys that nothing uses; if the key in use dies while they live, it
// leaked, and if a canary is ever used, someone else has it.
type Canaries struct {
	Vendor string
	// Keys are the vendor's configured keys.
	Keys []KeyState
	// KeyList is true when vendorwatch can read the vendor's key list (the
	// catalog gives it an admin reader that lists keys), Watched when it
	// does (an admin key is set up): canaries are then never probed.
	KeyList, Watched bool
	// Inventory is the key list read now, matched to the keys; nil when
	// not watched.
	Inventory *observe.Inventory
	// ProbeInterval is how often keys are probed.
	ProbeInterval time.Duration
	// AdminHint is what to add to the config to watch the key list
	// (admin: {secret: env:OPENAI_ADMIN_KEY}).
	AdminHint string
}

// KeyState is a configured key: its name, whether it is a canary, and its
// fingerprint when its secret resolved.
type KeyState struct {
	Name        string
	Canary      bool
	Fingerprint string
}

// CanaryChecks judges a vendor's canaries: one exists where a key list
// can watch it, each is in the list and unused, and none is probed.
func CanaryChecks(c Canaries, now time.Time) []Check {
	var canaries, used int
	for _, k := range c.Keys {
		if k.Canary {
			canaries++
		} else {
			used++
		}
	}
	if canaries == 0 {
		if used == 0 || !c.KeyList {
			return nil
		}
		return []Check{{Check: CheckCanary, Subject: c.Vendor, Level: Warn,
			Summary: "no canary key: when a key dies there is no way to tell one leaked key from something account-wide",
			Fix: fmt.Sprintf("create a key that nothing uses, keep it in your secret store and add it under %s's keys: with canary: true; "+
				"with an admin key set up it is watched through the key list and never called", c.Vendor)}}
	}
	var out []Check
	for _, k := range c.Keys {
		if k.Canary {
			out = append(out, canaryCheck(c, k, now))
		}
	}
	return out
}

// canaryCheck judges one canary.
func canaryCheck(c Canaries, k KeyState, now time.Time) Check {
	ck := Check{Check: CheckCanary, Subject: c.Vendor + "/" + k.Name, Level: Pass}
	if !c.Watched {
		perDay := 0
		if c.ProbeInterval > 0 {
			perDay = int(24 * time.Hour / c.ProbeInterval)
		}
		ck.Level = Warn
		ck.Summary = fmt.Sprintf("the canary is probed every %s (%d calls a day): it is not an unused key, so its use cannot reveal a leak, and the vendor's usage-based leak detection sees it like any key",
			c.ProbeInterval, perDay)
		if c.KeyList {
			ck.Fix = fmt.Sprintf("give %s an admin key (under the vendor: %s): canaries are then watched through the key list (present, last_used_at) and never called", c.Vendor, c.AdminHint)
		} else {
			ck.Fix = fmt.Sprintf("vendorwatch cannot read %s's key list, so a canary there must be probed to be watched; keep it only if the cost above is acceptable", c.Vendor)
		}
		return ck
	}
	inv := c.Inventory
	switch {
	case k.Fingerprint == "":
		ck.Level = Warn
		ck.Summary = "the canary's secret does not resolve, so it cannot be found in the key list"
		ck.Fix = "fix its secret reference (see the secret check above)"
		return ck
	case inv == nil || inv.Result != observe.ResultOK:
		ck.Level = Warn
		ck.Summary = "the key list could not be read, so the canary was not looked for"
		ck.Fix = "fix the key list read (see the key_list check above)"
		return ck
	}
	var row *observe.InventoryKey
	for i := range inv.Keys {
		if inv.Keys[i].Key == k.Name {
			row = &inv.Keys[i]
		}
	}
	switch {
	case row == nil:
		ck.Level = Fail
		ck.Summary = fmt.Sprintf("the canary %s is not in the key list: it was deleted, or its secret holds another organization's key", k.Fingerprint)
		ck.Fix = "create a new canary key in the organization the admin key reads, and point the canary's secret at it"
	case !row.LastUsedAt.IsZero():
		ck.Level = Warn
		ck.Summary = fmt.Sprintf("the canary %s (%s) was last used at %s: it is not an unused key (an earlier vendorwatch probed it, or someone else has it)",
			k.Fingerprint, row.ID, stamp(row.LastUsedAt))
		ck.Fix = "delete it, create a new key that nothing uses and point the canary's secret at it; vendorwatch never calls a canary whose key list it reads"
	default:
		ck.Summary = fmt.Sprintf("the canary %s (%s) is in the key list and has never been used; it is watched through the list, never probed", k.Fingerprint, row.ID)
	}
	return ck
}
