package admin

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// The lists an inventory is read from, as InventoryGap.List names them. A
// project's own key list is "project:" followed by its id.
const (
	listProjects  = "projects"
	listAdminKeys = "admin_api_keys"
	listAPIKeys   = "api_keys"
	listProject   = "project:"
	listKey       = "key:"
)

// listOf names the list that holds a row.
func listOf(k observe.InventoryKey) string {
	switch k.Kind {
	case observe.InventoryAdminKey:
		return listAdminKeys
	case observe.InventoryProjectKey:
		return listProject + k.Project
	}
	return listAPIKeys
}

// covered reports whether inv read the list that holds k to its end: its
// own list is not in a gap and, for a project key, neither is the list of
// projects that leads to it.
func covered(inv *observe.Inventory, k observe.InventoryKey) bool {
	own := listOf(k)
	for _, g := range inv.Gaps {
		if g.List == own || g.List == listKey+k.ID || k.Kind == observe.InventoryProjectKey && g.List == listProjects {
			return false
		}
	}
	return true
}

// readList records how one list of the read went: a failure or a bound
// hit becomes a gap of inv naming the endpoint, and the first failure is
// kept for a read that gets nothing at all. It reports whether the list
// was read to its end.
func (r *adminRun) readList(inv *observe.Inventory, list, path string, complete bool, err error) bool {
	switch {
	case err != nil:
		f := r.failure(err)
		if r.firstFail == nil {
			r.firstFail = f
		}
		inv.Gaps = append(inv.Gaps, observe.InventoryGap{List: list, Endpoint: "GET " + path,
			Result: f.result, HTTPStatus: f.status, Code: f.code, Error: f.message})
		return false
	case !complete:
		r.reads++
		inv.Gaps = append(inv.Gaps, observe.InventoryGap{List: list, Endpoint: "GET " + path, Truncated: true,
			Error: "GET " + path + ": cut short by a bound of the read (pages, requests or keys)"})
		return false
	}
	r.reads++
	return true
}

// dateGaps dates each gap of cur from the same list's gap in prev, so a
// list failing check after check keeps the time it began to fail.
func dateGaps(prev, cur *observe.Inventory, now time.Time) {
	for i := range cur.Gaps {
		g := &cur.Gaps[i]
		g.Since = now
		if prev == nil || prev.Source != cur.Source {
			continue
		}
		for _, pg := range prev.Gaps {
			if pg.List == g.List && pg.Truncated == g.Truncated && !pg.Since.IsZero() {
				g.Since = pg.Since
			}
		}
	}
}

// carryRows keeps prev's rows of the lists cur could not read, each with
// the time a list last held it, so that a list failing for a while loses
// no key and a key is never taken for vanished from a list that was not
// read.
func carryRows(prev, cur *observe.Inventory) {
	if prev == nil || prev.Source != cur.Source || prev.AdminFingerprint != cur.AdminFingerprint || len(cur.Gaps) == 0 {
		return
	}
	listed := make(map[string]bool, len(cur.Keys))
	for _, k := range cur.Keys {
		listed[k.ID] = true
	}
	for _, k := range prev.Keys {
		if listed[k.ID] || covered(cur, k) {
			continue
		}
		k.SeenAt = cmp.Or(k.SeenAt, prev.ListedAt)
		cur.Keys = append(cur.Keys, k)
		listed[k.ID] = true
	}
	if cur.Projects == 0 {
		cur.Projects = prev.Projects
	}
	if len(cur.Accounts) == 0 {
		cur.Accounts = prev.Accounts
	}
}

// errNotFound is a key the vendor does not know when asked for it by id.
var errNotFound = errors.New("no such key")

// confirmGone asks the vendor for every key that has just left its list,
// by id, when the reader can: a key it still returns changed visibility
// (its owner lost access to the project) and stays in the inventory as
// unlisted; a key it does not know is gone; a key it could not be asked
// about is kept as last seen, behind a gap, so it is never reported as
// vanished on a failed request.
func (r *adminRun) confirmGone(ctx context.Context, inv *observe.Inventory, now time.Time, ir inventoryReader) {
	if ir.lookup == nil {
		return
	}
	kept := inv.Gone[:0]
	for _, g := range inv.Gone {
		if !g.NoticedAt.Equal(now) || g.Kind == observe.InventoryAdminKey {
			kept = append(kept, g)
			continue
		}
		row, err := ir.lookup(r, ctx, g.InventoryKey)
		switch {
		case err == nil:
			row.Unlisted, row.SeenAt = true, now
			inv.Keys = append(inv.Keys, row)
		case errors.Is(err, errNotFound):
			kept = append(kept, g)
		default:
			f := r.failure(err)
			inv.Gaps = append(inv.Gaps, observe.InventoryGap{List: listKey + g.ID, Endpoint: f.endpoint,
				Result: f.result, HTTPStatus: f.status, Code: f.code, Error: f.message, Since: now})
			k := g.InventoryKey
			k.SeenAt = cmp.Or(k.SeenAt, g.LastSeen)
			inv.Keys = append(inv.Keys, k)
		}
	}
	inv.Gone = kept
}
