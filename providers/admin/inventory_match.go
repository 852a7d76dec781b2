package admin

import (
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// MatchInventory ties inventory rows (and vanished ones) to the configured
// keys by fingerprint: prefix and last four against the vendor's mask. A
// key matching more than one row is tied to none.
func MatchInventory(inv *observe.Inventory, keys []observe.KeyResult) {
	if inv == nil {
		return
	}
	for i := range inv.Keys {
		inv.Keys[i].Key = ""
	}
	for _, k := range keys {
		if k.Fingerprint == "" {
			continue
		}
		hit := -1
		for i, row := range inv.Keys {
			if row.Kind != observe.InventoryAdminKey && probe.RedactedMatches(row.Redacted, k.Fingerprint) {
				if hit >= 0 {
					hit = -2
					break
				}
				hit = i
			}
		}
		if hit >= 0 {
			inv.Keys[hit].Key = k.Name
		}
		for i := range inv.Gone {
			g := &inv.Gone[i]
			if g.Kind != observe.InventoryAdminKey && probe.RedactedMatches(g.Redacted, k.Fingerprint) {
				g.Key, g.Fingerprint, g.Canary = k.Name, k.Fingerprint, k.Canary
			}
		}
	}
}

// maxOwnerText caps remote names kept in an inventory.
const maxOwnerText = 120

// sanitizeKey makes a row's remote text safe to keep and show, and cuts the
// mask down to a fingerprint's worth.
func sanitizeKey(k *observe.InventoryKey) {
	k.Redacted = probe.NormalizeRedacted(k.Redacted)
	for _, s := range []*string{&k.ID, &k.Name, &k.Project, &k.ProjectName, &k.Status, &k.OwnerAccess, &k.Owner, &k.OwnerID, &k.OwnerType} {
		*s = probe.Scrub(termtext.Line(*s), "", maxOwnerText)
	}
}

// sanitizeAccount makes a service account's remote text safe to keep and
// show, as sanitizeKey does a row's.
func sanitizeAccount(a *observe.InventoryAccount) {
	for _, s := range []*string{&a.ID, &a.Name, &a.Project, &a.Role} {
		*s = probe.Scrub(termtext.Line(*s), "", maxOwnerText)
	}
}

// CanaryResults fills the results of v's canaries that were not probed
// (NotProbed) from the key list: listed while a list holds the canary's
// row and says it is enabled, else empty with what the list says (not read
// yet, unreadable, not in it). The row's last_used_at is the correlation
// rules' business; the message only says whether it is set. A result
// is dated by the later of its check and the list's read.
func CanaryResults(name string, inv *observe.Inventory, keys []observe.KeyResult) {
	for i := range keys {
		k := &keys[i]
		if !k.NotProbed || k.Result == observe.ResultNoSecret {
			continue
		}
		k.Result, k.Code = "", ""
		if inv != nil && inv.CheckedAt.After(k.CheckedAt) {
			k.CheckedAt = inv.CheckedAt // observed when the list was read
		}
		switch {
		case inv == nil || inv.ListedAt.IsZero():
			k.Code, k.Message = "key_list_unread", "not probed: watched in "+name+"'s key list, which has not been read yet"
			continue
		case k.Fingerprint == "":
			continue
		}
		row := -1
		for j, r := range inv.Keys {
			if r.Key == k.Name {
				row = j
			}
		}
		if row < 0 {
			k.Code, k.Message = "not_listed", "not probed, and not in "+name+"'s key list"
			continue
		}
		r := inv.Keys[row]
		if r.Status == observe.StatusInactive || r.Status == observe.StatusArchived || r.Status == observe.StatusExpired {
			k.Code, k.Message = "listed_"+r.Status, "not probed: "+name+"'s key list holds it as "+r.Status
			continue
		}
		k.Result, k.Code = observe.ResultListed, "listed"
		k.Message = "not probed: in " + name + "'s key list, never used"
		if !r.LastUsedAt.IsZero() {
			k.Message = "not probed: in " + name + "'s key list, last used " + r.LastUsedAt.UTC().Format("2006-01-02 15:04 UTC")
		}
	}
}
