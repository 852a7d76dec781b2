package correlate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// storeInventory keeps im as the vendor's inventory memory, or forgets it
// when it holds nothing.
func (a *assessment) storeInventory(id string, im InventoryMemory) {
	if len(im.Gone) == 0 && len(im.Canaries) == 0 {
		delete(a.mem.Inventory, id)
		return
	}
	a.mem.Inventory[id] = im
}

// canaryFindings watches the canaries a key list holds. A canary is never
// used: vendorwatch does not probe a canary its admin key lists, and
// nothing of ours holds it for use. So when its last_used_at moves past
// the value remembered (from one check to the next, and from one --once
// run to the next through the stored memory), someone else has the key:
// canary_used, critical, raised on the key list alone, before the vendor
// revokes anything. It stays until the canary is replaced (a new
// fingerprint) or leaves the config. The first sighting of a canary only
// sets what is remembered: a last_used_at from before (a canary vendorwatch
// probed before the admin key came) is no news.
func (a *assessment) canaryFindings(v observe.VendorResult, keys map[string]keyView) []invFinding {
	im := a.mem.Inventory[v.ID]
	next := map[string]CanaryMemory{}
	var out []invFinding
	for _, k := range v.Keys {
		if !k.Canary || k.Fingerprint == "" {
			continue
		}
		m, known := im.Canaries[k.Name]
		if known && m.Fingerprint != k.Fingerprint {
			known = false // replaced: a new canary
		}
		row, listed := rowOfKey(v.Inventory, k.Name)
		switch {
		case !listed && !known:
			continue
		case !listed:
			// Gone from the list (key_vanished says so) or in a list that
			// could not be read: what was known stays.
		case !known:
			m = CanaryMemory{Fingerprint: k.Fingerprint, KeyID: row.ID, LastUsedAt: row.LastUsedAt, SeenAt: cmp.Or(row.SeenAt, v.Inventory.ListedAt)}
		case k.NotProbed && row.LastUsedAt.After(m.LastUsedAt):
			if !m.used() {
				m.UsedBefore, m.UsedAt, m.NoticedAt = m.LastUsedAt, row.LastUsedAt, a.now
			}
			m.LastUsedAt, m.SeenAt, m.KeyID = row.LastUsedAt, cmp.Or(row.SeenAt, v.Inventory.ListedAt), row.ID
		default:
			m.LastUsedAt, m.SeenAt, m.KeyID = maxTime(m.LastUsedAt, row.LastUsedAt), cmp.Or(row.SeenAt, v.Inventory.ListedAt), row.ID
		}
		next[k.Name] = m
		if m.used() {
			out = append(out, a.canaryUsed(v, keys[k.Name], m, row, listed))
		}
	}
	im.Canaries = next
	if len(next) == 0 {
		im.Canaries = nil
	}
	a.storeInventory(v.ID, im)
	return out
}

// rowOfKey is the row of the key list tied to the configured key name.
func rowOfKey(inv *observe.Inventory, name string) (observe.InventoryKey, bool) {
	i := slices.IndexFunc(inv.Keys, func(r observe.InventoryKey) bool { return r.Key == name })
	if i < 0 {
		return observe.InventoryKey{}, false
	}
	return inv.Keys[i], true
}

// canaryUsed is the canary_used finding: the canary's last_used_at moved.
func (a *assessment) canaryUsed(v observe.VendorResult, k keyView, m CanaryMemory, row observe.InventoryKey, listed bool) invFinding {
	name := a.name(v.ID)
	before := "never used"
	if !m.UsedBefore.IsZero() {
		before = "last used " + clock(m.UsedBefore, a.now)
	}
	label := k.Name + " (" + cmp.Or(k.Fingerprint, m.Fingerprint) + ")"
	detail := fmt.Sprintf("Canary %s is never used: vendorwatch watches it only in %s's key list and never sends it, and nothing of yours uses it. "+
		"Yet the list says it was used at %s (vendorwatch remembered it as %s, and noticed at %s)", label, name,
		clock(m.UsedAt, a.now), before, clock(m.NoticedAt, a.now))
	if m.LastUsedAt.After(m.UsedAt) {
		detail += fmt.Sprintf(", and again at %s", clock(m.LastUsedAt, a.now))
	}
	detail += ". Someone else has the key: it leaked from where it was stored."
	switch {
	case listed:
		detail += " In the list it is " + rowWhere(row) + "."
	case m.KeyID != "":
		detail += " It has left the list since (id " + termtext.Line(m.KeyID) + ")."
	}
	f := Finding{
		ID: findingID(KindCanaryUsed, []string{v.ID}, []string{k.Name}), Kind: KindCanaryUsed, Severity: SeverityCritical,
		Vendors: []string{v.ID}, Keys: []string{k.Name}, Since: m.UsedAt,
		Title:  fmt.Sprintf("%s canary %s was used: it leaked", name, k.Name),
		Detail: detail,
		Advice: []string{
			"Revoke the canary in " + name + "'s console now (nothing of yours uses it, so nothing breaks), then make a new one under a new fingerprint.",
			canaryHoldersAdvice(k.Holders),
			"Every key stored in the same places may have leaked with it: rotate them too, starting with the keys in use.",
		},
	}
	return invFinding{Finding: f, evidence: detail}
}

// canaryHoldersAdvice says where to look for the leak: every place the
// canary was held.
func canaryHoldersAdvice(hs []observe.Holder) string {
	if len(hs) == 0 {
		return "Find who had it: it names no holders, so look at who can read its secret reference (`vendorwatch check-config` shows it) and at the machines and logs that saw it."
	}
	var parts []string
	for _, h := range hs {
		parts = append(parts, termtext.Line(h.String()))
	}
	return "Find who had it: it was held by " + strings.Join(parts, ", ") + "; one of them, or whoever could read them, leaked it."
}

// accessFindings reports the keys of ours whose visibility changed: a key
// whose owner lost access to its project (owner_project_access inactive)
// stays enabled, and one that left its list but still answers by id
// (unlisted) did not vanish. Both are key_visibility_changed, a warning,
// never key_vanished.
func (a *assessment) accessFindings(v observe.VendorResult, keys map[string]keyView) []invFinding {
	name := a.name(v.ID)
	var out []invFinding
	for _, row := range v.Inventory.Keys {
		if row.Key == "" || retired(row) || !row.Unlisted && row.OwnerAccess != observe.StatusInactive {
			continue
		}
		k := keys[row.Key]
		what := "key"
		if k.Canary {
			what = "canary"
		}
		state := "its owner has lost access to the project, but the key is still enabled"
		if row.Unlisted {
			state = "it left the project's key list but " + name + " still returns it by id: its visibility changed, it did not vanish"
		}
		f := Finding{
			ID: findingID(KindKeyVisibility, []string{v.ID}, []string{row.Key}), Kind: KindKeyVisibility, Severity: SeverityWarning,
			Vendors: []string{v.ID}, Keys: []string{row.Key}, Since: cmp.Or(k.since, a.now),
			Title:  fmt.Sprintf("%s %s %s: owner lost project access", name, what, row.Key),
			Detail: fmt.Sprintf("%s %s, %s: %s (owner_project_access %s).", capital(what), rowLabel(row, k.Fingerprint), rowWhere(row), state, cmp.Or(termtext.Line(row.OwnerAccess), "unknown")),
			Advice: []string{
				"A key whose owner left the project still works for whoever holds it: move it to a service account of the project, or rotate it.",
				"If the owner left the organization on purpose, revoke the key in " + name + "'s console.",
			},
		}
		out = append(out, invFinding{Finding: f, evidence: f.Detail})
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// canaryLife says how the canaries are known to live: they work (probed),
// or they are still in the vendor's key list (watched there, never used).
func canaryLife(canaries []keyView) string {
	if slices.ContainsFunc(canaries, func(k keyView) bool { return k.Result == observe.ResultOK }) {
		return plural(len(canaries), "works", "work")
	}
	return plural(len(canaries), "is", "are") + " in the key list, enabled and never used"
}

// goneCanaries are the vendor's canaries that are not probed and that
// left its key list (this check's diff, or the inventory memory), each
// dated when the list first lacked it.
func (a *assessment) goneCanaries(v observe.VendorResult) []keyView {
	if v.Inventory == nil {
		return nil
	}
	noticed := map[string]time.Time{}
	note := func(g observe.GoneKey) {
		if g.Key != "" && (noticed[g.Key].IsZero() || g.NoticedAt.Before(noticed[g.Key])) {
			noticed[g.Key] = g.NoticedAt
		}
	}
	for _, g := range v.Inventory.Gone {
		note(g)
	}
	for _, g := range a.mem.Inventory[v.ID].Gone {
		note(g)
	}
	var out []keyView
	for _, k := range v.Keys {
		if at, ok := noticed[k.Name]; ok && k.Canary && k.NotProbed && k.Result == "" {
			out = append(out, keyView{KeyResult: k, streak: 1, since: at})
		}
	}
	return out
}
