package readiness

import (
	"fmt"
	"math"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Where OpenAI's owners turn audit logging on and make admin keys.
const (
	openAIDataControls = "https://platform.openai.com/settings/organization/data-controls/data-retention"
	openAIAdminKeys    = "https://platform.openai.com/settings/organization/admin-keys"
)

// Audit is one read of a vendor's audit log.
type Audit struct {
	Result     observe.Result
	HTTPStatus int
	// Off is true when the vendor said audit logging is not enabled.
	Off     bool
	Message string
}

// AuditLog judges whether a vendor's audit log answers: without it, a key
// that vanishes can never be explained (deleted by whom, from where).
func AuditLog(vendor string, a Audit) Check {
	c := Check{Check: CheckAuditLog, Subject: vendor, Level: Pass}
	switch {
	case a.Result == observe.ResultOK:
		c.Summary = "the audit log answers: a key that vanishes can be explained by who deleted it"
	case a.Off:
		c.Level = Fail
		c.Summary = "audit logging is not enabled for the organization: a key that vanishes will be reported with no explanation (" + a.Message + ")"
		c.Fix = "an organization owner turns it on at " + openAIDataControls +
			" (Settings, Organization, Data controls): under Audit logging choose Enable and save. It records only from then on and cannot be turned off again; run vendorwatch doctor again to see it answer"
	case a.Result == observe.ResultInvalidKey:
		c.Level = Fail
		c.Summary = "the admin key is rejected by the audit log: " + a.Message
		c.Fix = "make a new admin key at " + openAIAdminKeys + " and point the vendor's admin: secret at it"
	case a.Result == observe.ResultNoPermission:
		c.Level = Fail
		c.Summary = "the admin key may not read the audit log: " + a.Message
		c.Fix = "give the admin key read access to the audit log, or make a read-only admin key at " + openAIAdminKeys
	case a.Result == observe.ResultNoSecret || a.Result == observe.ResultMisconfigured:
		c.Level = Fail
		c.Summary = "the audit log was not asked: " + a.Message
		c.Fix = "fix the vendor's admin: block (its secret and api.base_url), then run vendorwatch check-config"
	default:
		c.Level = Warn
		c.Summary = fmt.Sprintf("the audit log did not answer this time: %s (%s)", a.Message, a.Result)
		c.Fix = "run vendorwatch doctor again later; if it keeps failing, check the vendor's status page"
	}
	return c
}

// KeyList judges a vendor's key-list read (the admin inventory).
func KeyList(vendor string, inv *observe.Inventory) Check {
	c := Check{Check: CheckKeyList, Subject: vendor, Level: Pass}
	switch {
	case inv == nil:
		c.Level = Fail
		c.Summary = "the key list was not read"
		c.Fix = "check the vendor's admin: block with vendorwatch check-config"
	case inv.Result == observe.ResultOK && inv.Complete:
		c.Summary = fmt.Sprintf("the key list answers with the admin key %s: %d keys", inv.AdminFingerprint, len(inv.Keys))
	case inv.Result == observe.ResultOK:
		c.Level = Warn
		c.Summary = fmt.Sprintf("the key list was read only in part (%d keys): keys beyond the read's bounds are not watched", len(inv.Keys))
		c.Fix = "archive unused projects and delete unused keys so the list fits one read"
	default:
		c.Level = Fail
		status := ""
		if inv.HTTPStatus != 0 {
			status = fmt.Sprintf(", HTTP %d", inv.HTTPStatus)
		}
		c.Summary = fmt.Sprintf("the key list cannot be read (%s%s): %s", inv.Result, status, inv.Error)
		c.Fix = "the admin key must be an organization admin key with read access to projects, keys and admin keys; make one at " + openAIAdminKeys + " when the vendor is OpenAI, and point admin: secret at it"
	}
	return c
}

// AdminExpiry judges the admin key's expiry, where the vendor's key list
// states one: warn within warnWithin of it, fail once it has passed.
func AdminExpiry(vendor string, inv *observe.Inventory, now time.Time, warnWithin time.Duration) (Check, bool) {
	if inv == nil || inv.Result != observe.ResultOK {
		return Check{}, false
	}
	c := Check{Check: CheckAdminExpiry, Subject: vendor, Level: Pass}
	var self *observe.InventoryKey
	for i := range inv.Keys {
		if inv.Keys[i].Self {
			self = &inv.Keys[i]
		}
	}
	switch {
	case self == nil:
		c.Summary = fmt.Sprintf("the admin key %s is not in the vendor's admin key list, which so states no expiry for it", inv.AdminFingerprint)
	case self.ExpiresAt.IsZero():
		c.Summary = fmt.Sprintf("the key list states no expiry for the admin key %s (%s)", inv.AdminFingerprint, self.Name)
	case !self.ExpiresAt.After(now):
		c.Level = Fail
		c.Summary = fmt.Sprintf("the admin key %s expired at %s", inv.AdminFingerprint, stamp(self.ExpiresAt))
		c.Fix = "make a new admin key and point the vendor's admin: secret at it"
	case self.ExpiresAt.Sub(now) <= warnWithin:
		c.Level = Warn
		c.Summary = fmt.Sprintf("the admin key %s expires at %s, in %s: the key list and audit log go dark then", inv.AdminFingerprint, stamp(self.ExpiresAt), days(self.ExpiresAt.Sub(now)))
		c.Fix = "make a new admin key before then and point the vendor's admin: secret at it"
	default:
		c.Summary = fmt.Sprintf("the admin key %s expires at %s, in %s", inv.AdminFingerprint, stamp(self.ExpiresAt), days(self.ExpiresAt.Sub(now)))
	}
	return c, true
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func days(d time.Duration) string {
	n := int(math.Ceil(d.Hours() / 24))
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// NoKeyList is the check of a vendor with keys whose key list vendorwatch
// could read but does not: no admin key is set up.
func NoKeyList(vendor, hint string) Check {
	return Check{Check: CheckKeyList, Subject: vendor, Level: Warn,
		Summary: "no admin key: the key list is not read, so a key that vanishes is seen only when it fails, canaries must be probed to be watched, and (on OpenAI) the audit log is not asked who deleted it",
		Fix:     "make a read-only admin key and add it under the vendor: " + hint}
}
