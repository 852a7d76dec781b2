package history

import (
	"cmp"
	"fmt"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// usedEvery is the least time between two "used" events of one key: a
// key in use moves its last_used_at all the time.
const usedEvery = time.Hour

// inventoryBase is what the timeline has seen of a vendor's key list.
type inventoryBase struct {
	ListedAt time.Time                `json:"listed_at"`
	Keys     map[string]inventoryItem `json:"keys"`
}

type inventoryItem struct {
	Status   string    `json:"status,omitempty"`
	LastUsed time.Time `json:"last_used,omitzero"`
	// Noted is the time of the last "used" event recorded.
	Noted time.Time `json:"noted,omitzero"`
}

// inventoryEvents records what changed in a vendor's key list since the
// last list the timeline saw: new keys, status changes and keys in use.
// A list that was not read again (the admin API failed, or its interval
// has not come round) adds nothing.
func inventoryEvents(prev vendorBase, v correlate.VendorReport) (*inventoryBase, []correlate.Event) {
	inv := v.Inventory
	if inv == nil || inv.ListedAt.IsZero() {
		return prev.Inventory, nil
	}
	if prev.Inventory != nil && !inv.ListedAt.After(prev.Inventory.ListedAt) {
		return prev.Inventory, nil
	}
	at := inv.ListedAt.UTC()
	next := &inventoryBase{ListedAt: at, Keys: make(map[string]inventoryItem, len(inv.Keys))}
	var evs []correlate.Event
	if prev.Inventory == nil {
		for _, k := range inv.Keys {
			next.Keys[k.ID] = inventoryItem{Status: k.Status, LastUsed: k.LastUsedAt}
		}
		text := fmt.Sprintf("Key inventory: %d %s", len(inv.Keys), plural(len(inv.Keys), "key", "keys"))
		if inv.Projects > 0 {
			text += fmt.Sprintf(" in %d %s", inv.Projects, plural(inv.Projects, "project", "projects"))
		}
		return next, []correlate.Event{{At: at, Vendor: v.ID, Kind: correlate.EventInventoryListed, Subject: "inventory", Text: text}}
	}
	for _, k := range inv.Keys {
		item := inventoryItem{Status: k.Status, LastUsed: k.LastUsedAt}
		old, known := prev.Inventory.Keys[k.ID]
		label := inventoryLabel(k)
		switch {
		case !known:
			text := "Key added: " + label
			if k.Owner != "" {
				text += ", owner " + termtext.Clip(termtext.Line(k.Owner), 80)
			}
			evs = append(evs, correlate.Event{At: orTime(k.CreatedAt, at), Vendor: v.ID, Kind: correlate.EventInventoryKeyAdded, Subject: k.ID, Text: text})
		case old.Status != k.Status && k.Status != "":
			evs = append(evs, correlate.Event{At: at, Vendor: v.ID, Kind: correlate.EventInventoryKeyStatus, Subject: k.ID,
				Text: fmt.Sprintf("Key %s: %s → %s", label, cmp.Or(old.Status, "?"), termtext.Line(k.Status))})
		}
		item.Noted = old.Noted
		// vendorwatch's own admin key is used by every read of the list:
		// its last_used_at says nothing about anyone else.
		if known && !k.Self && k.LastUsedAt.After(old.LastUsed) && (old.Noted.IsZero() || k.LastUsedAt.Sub(old.Noted) >= usedEvery) {
			text := "Key in use: " + label + " last used " + k.LastUsedAt.UTC().Format("15:04 UTC")
			if !old.LastUsed.IsZero() {
				text += " (before: " + old.LastUsed.UTC().Format("2006-01-02 15:04 UTC") + ")"
			}
			evs = append(evs, correlate.Event{At: k.LastUsedAt.UTC(), Vendor: v.ID, Kind: correlate.EventInventoryKeyUsed, Subject: k.ID, Text: text})
			item.Noted = k.LastUsedAt
		}
		next.Keys[k.ID] = item
	}
	return next, evs
}

// inventoryLabel names a key in a timeline line: the configured key it is,
// the vendor's name for it, its mask and its project.
func inventoryLabel(k observe.InventoryKey) string {
	s := fmt.Sprintf("%q (%s)", termtext.Clip(termtext.Line(k.Name), 60), termtext.Line(k.Redacted))
	if k.Key != "" {
		s = k.Key + " = " + s
	}
	if k.Kind == observe.InventoryAdminKey {
		s = "admin key " + s
	} else if k.ProjectName != "" {
		s += " in " + termtext.Clip(termtext.Line(k.ProjectName), 60)
	}
	return s
}

func orTime(t, def time.Time) time.Time {
	if t.IsZero() || t.After(def) {
		return def
	}
	return t.UTC()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
