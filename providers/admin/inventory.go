package admin

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// Bounds of one admin-API read. Every list is paginated; a read that hits
// a bound is incomplete, and an incomplete inventory is never diffed, so a
// key beyond the bound is never taken for a vanished one.
const (
	// MaxAdminRequests caps the requests of one vendor's admin read.
	MaxAdminRequests = 300
	// MaxListPages caps the pages followed in one list.
	MaxListPages = 20
	// MaxInventoryKeys caps the keys kept from one inventory.
	MaxInventoryKeys = 5000
	// MaxGoneKeys caps the vanished keys looked up in one check.
	MaxGoneKeys = 100
	// MaxAdminRead bounds one admin read as a whole, however many of its
	// requests answer in time.
	MaxAdminRead = 2 * time.Minute
	// AuditWindowSlack widens the audit-log query before the time a key
	// was last seen, for clock skew and the vendor's own delays.
	AuditWindowSlack = 5 * time.Minute
	// AuditRecheck is how long a vanished key without an audit event is
	// asked about again on every inventory check: audit logs lag.
	AuditRecheck = time.Hour
)

// CloneInventory copies the rows, so they can be matched again without
// touching a snapshot already handed out.
func CloneInventory(inv *observe.Inventory) *observe.Inventory {
	c := *inv
	c.Keys = slices.Clone(inv.Keys)
	c.Gone = slices.Clone(inv.Gone)
	return &c
}

// auditPending reports whether the audit log should be asked about g again.
func auditPending(g observe.GoneKey, now time.Time) bool {
	return !g.NoAuditLog && g.Audit == nil && now.Sub(g.NoticedAt) < AuditRecheck
}

// inventoryReader reads a vendor's key list (OpenAI's projects and keys,
// Anthropic's API keys) with its admin key, and compares it with the
// previous one; with audit set, the vendor's audit log is asked about the
// keys that left it.
type inventoryReader struct {
	// source names the admin API read (observe.SourceOpenAIAdmin, ...).
	source string
	// list reads the key list into inv, list by list: a list that fails
	// becomes a gap of inv (readList) and the others are still read.
	list func(r *adminRun, ctx context.Context, inv *observe.Inventory)
	// lookup asks for one key by id, for a key that left its list (nil:
	// the vendor has no such request). It answers errNotFound for a key
	// the vendor does not know.
	lookup func(r *adminRun, ctx context.Context, k observe.InventoryKey) (observe.InventoryKey, error)
	// audit is true when the vendor has an audit log that explains keys
	// that leave the list.
	audit bool
}

// Enabled: an admin secret and an API to read.
func (ir inventoryReader) Enabled(v catalog.Vendor) bool {
	return v.Admin != nil && !v.Admin.Secret.IsZero() && v.API.BaseURL != ""
}

// Read replaces res's inventory with a fresh one.
func (ir inventoryReader) Read(ctx context.Context, a *Client, v catalog.Vendor, res *observe.VendorResult) {
	res.Inventory = a.inventory(ctx, v, res.Inventory, ir)
}

// ListsKeys reports whether v's admin API lists v's keys (OpenAI's and
// Anthropic's admin readers, with an admin key): its canaries are then
// watched in that list and never probed.
func ListsKeys(v catalog.Vendor) bool {
	r, ok := readerOf(v)
	if !ok {
		return false
	}
	_, lists := r.(inventoryReader)
	return lists
}

// inventory lists v's keys and compares the list with prev. A list that
// fails leaves a gap, and the rows it held last time are kept; only when
// every list fails is the read a failure, and the previous inventory is
// kept whole.
func (a *Client) inventory(ctx context.Context, v catalog.Vendor, prev *observe.Inventory, ir inventoryReader) *observe.Inventory {
	now := a.p.Now().UTC()
	inv := &observe.Inventory{Source: ir.source, CheckedAt: now, Keys: []observe.InventoryKey{}}
	keep := func() *observe.Inventory {
		if prev != nil && prev.Source == inv.Source {
			inv.Keys, inv.ListedAt, inv.Complete, inv.Projects = prev.Keys, prev.ListedAt, prev.Complete, prev.Projects
			inv.Accounts, inv.Gone = prev.Accounts, prev.Gone
		}
		dateGaps(prev, inv, now)
		return inv
	}
	r, fail := a.newAdminRun(ctx, v, v.Admin.Secret, nil)
	if r != nil {
		inv.AdminFingerprint = probe.Fingerprint(r.secret)
		defer r.forget()
		// The read's requests and audit-log queries are its evidence,
		// whatever became of it.
		defer func() { inv.Requests, inv.AuditQueries = r.requests, r.audits }()
	}
	if fail != nil {
		fail.apply(&inv.Result, &inv.HTTPStatus, &inv.Code, &inv.Error)
		return keep()
	}
	ir.list(r, ctx, inv)
	if r.reads == 0 && r.firstFail != nil {
		r.firstFail.apply(&inv.Result, &inv.HTTPStatus, &inv.Code, &inv.Error)
		inv.Keys, inv.Accounts, inv.Projects = []observe.InventoryKey{}, nil, 0
		return keep()
	}
	inv.Result, inv.ListedAt = observe.ResultOK, now
	for i := range inv.Keys {
		inv.Keys[i].SeenAt = now
	}
	carryRows(prev, inv)
	inv.Complete = len(inv.Gaps) == 0
	inv.Gone = diffInventory(prev, inv, now, ir.audit)
	r.confirmGone(ctx, inv, now, ir)
	inv.Complete = len(inv.Gaps) == 0
	dateGaps(prev, inv, now)
	warn := config.DefaultExpiryWarning
	if v.Admin.ExpiryWarning > 0 {
		warn = v.Admin.ExpiryWarning.D()
	}
	for i := range inv.Accounts {
		sanitizeAccount(&inv.Accounts[i])
	}
	for i := range inv.Keys {
		sanitizeKey(&inv.Keys[i])
		inv.Keys[i].Expiring = false
		if e := inv.Keys[i].ExpiresAt; !e.IsZero() && e.Sub(now) <= warn {
			inv.Keys[i].Expiring = true
		}
		if inv.Keys[i].Kind == observe.InventoryAdminKey && probe.RedactedMatches(inv.Keys[i].Redacted, inv.AdminFingerprint) {
			inv.Keys[i].Self = true
		}
	}
	if ir.audit && slices.ContainsFunc(inv.Gone, func(g observe.GoneKey) bool { return auditPending(g, now) }) {
		r.auditLookup(ctx, inv, now)
	}
	return inv
}

// auditWindow sets the stretch of the audit log asked about g and how
// long it is asked again.
func auditWindow(g *observe.GoneKey) {
	g.AuditFrom, g.AuditUntil = g.LastSeen.Add(-AuditWindowSlack), g.NoticedAt.Add(AuditRecheck)
}

// diffInventory returns the keys of prev missing from cur, plus the ones
// prev noticed within the last AuditRecheck. Lists from the same source
// and admin key are compared list by list: a key is missing only from a
// list cur read to its end (rows of the others were carried over). An
// inventory of an older vendorwatch that was incomplete says not which
// lists were, and is not compared. audit says whether the vendor has an
// audit log to ask about them.
func diffInventory(prev, cur *observe.Inventory, now time.Time, audit bool) []observe.GoneKey {
	listed := make(map[string]bool, len(cur.Keys))
	for _, k := range cur.Keys {
		listed[k.ID] = true
	}
	accounts := map[string]bool{}
	for _, a := range cur.Accounts {
		accounts[a.ID] = true
	}
	var gone []observe.GoneKey
	seen := map[string]bool{}
	if prev == nil || prev.Source != cur.Source {
		return nil
	}
	for _, g := range prev.Gone {
		// Kept for the hour the audit log is watched: those still waiting
		// are asked about again, the explained ones keep their events from
		// being tied to another key.
		if !listed[g.ID] && !seen[g.ID] && now.Sub(g.NoticedAt) < AuditRecheck {
			if audit && g.AuditUntil.IsZero() {
				auditWindow(&g) // noticed by an older vendorwatch
			}
			gone = append(gone, g)
			seen[g.ID] = true
		}
	}
	// Another admin key may see another organization: its list is not
	// compared with the old one.
	if !prev.Complete && len(prev.Gaps) == 0 || prev.ListedAt.IsZero() || prev.AdminFingerprint != cur.AdminFingerprint {
		return gone
	}
	for _, k := range prev.Keys {
		if listed[k.ID] || seen[k.ID] || k.ID == "" || len(gone) >= MaxGoneKeys || !covered(cur, k) {
			continue
		}
		k.Unlisted = false
		g := observe.GoneKey{InventoryKey: k, LastSeen: cmp.Or(k.SeenAt, prev.ListedAt), NoticedAt: now, NoAuditLog: !audit}
		if audit {
			auditWindow(&g)
		}
		if k.OwnerType == observe.OwnerServiceAccount && k.OwnerID != "" && len(cur.Accounts) > 0 && !accounts[k.OwnerID] &&
			slices.ContainsFunc(prev.Accounts, func(a observe.InventoryAccount) bool { return a.ID == k.OwnerID }) {
			g.OwnerGone = true
		}
		gone = append(gone, g)
		seen[k.ID] = true
	}
	return gone
}
