package providers

import (
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
)

// cloneInventory copies the rows, so they can be matched again without
// touching a snapshot already handed out.
func cloneInventory(inv *observe.Inventory) *observe.Inventory {
	c := *inv
	c.Keys = slices.Clone(inv.Keys)
	c.Gone = slices.Clone(inv.Gone)
	return &c
}

// auditPending reports whether the audit log should be asked about g again.
func auditPending(g observe.GoneKey, now time.Time) bool {
	return !g.NoAuditLog && g.Audit == nil && now.Sub(g.NoticedAt) < observe.AuditRecheck
}

// adminReader reads the admin APIs (key inventories, audit logs, call
// records), sending every request through the prober's key-safe client.
type adminReader struct {
	p *probe.Prober
	// callLimit is the page size of VAPI's call records (default
	// CallPageLimit; tests shrink it).
	callLimit int
}

// adminChecks reports whether vendorwatch reads v's admin APIs: the key
// inventory of OpenAI or Anthropic with an admin secret, VAPI's call
// records unless turned off.
func adminChecks(v catalog.Vendor) bool {
	switch v.ID {
	case "openai", "anthropic":
		return v.Admin != nil && !v.Admin.Secret.IsZero() && v.API.BaseURL != ""
	case "vapi":
		_, ok := vapiCallKey(v)
		return ok && v.API.BaseURL != ""
	}
	return false
}

// adminInterval is how often v's admin APIs are read, 0 when they are not.
func adminInterval(v catalog.Vendor) time.Duration {
	if !adminChecks(v) {
		return 0
	}
	if v.Admin != nil && v.Admin.Interval > 0 {
		return v.Admin.Interval.D()
	}
	return config.DefaultAdminInterval
}

// admin reads v's admin APIs for one check: the key inventory (diffed
// against prev's, with the audit log asked about keys that left it) and
// VAPI's call records. What it does not read is carried over from prev.
func (a *adminReader) admin(ctx context.Context, v catalog.Vendor, prev observe.VendorResult) (*observe.Inventory, *observe.CallSummary) {
	if !adminChecks(v) {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, MaxAdminRead)
	defer cancel()
	switch v.ID {
	case "openai", "anthropic":
		return a.inventory(ctx, v, prev.Inventory), prev.Calls
	case "vapi":
		return prev.Inventory, a.calls(ctx, v, prev.Calls)
	}
	return prev.Inventory, prev.Calls
}

// inventory lists v's keys and compares the list with prev.
func (a *adminReader) inventory(ctx context.Context, v catalog.Vendor, prev *observe.Inventory) *observe.Inventory {
	now := a.p.Now().UTC()
	inv := &observe.Inventory{Source: observe.SourceOpenAIAdmin, CheckedAt: now, Keys: []observe.InventoryKey{}}
	if v.ID == "anthropic" {
		inv.Source = observe.SourceAnthropicAdmin
	}
	keep := func() *observe.Inventory {
		if prev != nil && prev.Source == inv.Source {
			inv.Keys, inv.ListedAt, inv.Complete, inv.Projects = prev.Keys, prev.ListedAt, prev.Complete, prev.Projects
			inv.Accounts, inv.Gone = prev.Accounts, prev.Gone
		}
		return inv
	}
	r, fail := a.newAdminRun(ctx, v, v.Admin.Secret, nil)
	if r != nil {
		inv.AdminFingerprint = probe.Fingerprint(r.secret)
		defer r.forget()
	}
	if fail != nil {
		fail.apply(&inv.Result, &inv.HTTPStatus, &inv.Code, &inv.Error)
		return keep()
	}
	var err error
	if v.ID == "anthropic" {
		err = r.anthropicInventory(ctx, inv)
	} else {
		err = r.openAIInventory(ctx, inv)
	}
	if err != nil {
		r.failure(err).apply(&inv.Result, &inv.HTTPStatus, &inv.Code, &inv.Error)
		inv.Keys, inv.Accounts, inv.Projects = []observe.InventoryKey{}, nil, 0
		return keep()
	}
	inv.Result, inv.ListedAt = observe.ResultOK, now
	warn := config.DefaultExpiryWarning
	if v.Admin.ExpiryWarning > 0 {
		warn = v.Admin.ExpiryWarning.D()
	}
	for i := range inv.Keys {
		sanitizeKey(&inv.Keys[i])
		if e := inv.Keys[i].ExpiresAt; !e.IsZero() && e.Sub(now) <= warn {
			inv.Keys[i].Expiring = true
		}
		if inv.Keys[i].Kind == observe.InventoryAdminKey && probe.RedactedMatches(inv.Keys[i].Redacted, inv.AdminFingerprint) {
			inv.Keys[i].Self = true
		}
	}
	inv.Gone = diffInventory(prev, inv, now)
	if v.ID == "openai" && slices.ContainsFunc(inv.Gone, func(g observe.GoneKey) bool { return auditPending(g, now) }) {
		r.auditLookup(ctx, inv, now)
	}
	return inv
}

// diffInventory returns the keys of prev missing from cur, plus the ones
// prev noticed within the last AuditRecheck. Only two complete lists from
// the same source are compared.
func diffInventory(prev, cur *observe.Inventory, now time.Time) []observe.GoneKey {
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
		if !listed[g.ID] && !seen[g.ID] && now.Sub(g.NoticedAt) < observe.AuditRecheck {
			gone = append(gone, g)
			seen[g.ID] = true
		}
	}
	// Another admin key may see another organization: its list is not
	// compared with the old one.
	if !prev.Complete || !cur.Complete || prev.ListedAt.IsZero() || prev.AdminFingerprint != cur.AdminFingerprint {
		return gone
	}
	for _, k := range prev.Keys {
		if listed[k.ID] || seen[k.ID] || k.ID == "" || len(gone) >= MaxGoneKeys {
			continue
		}
		g := observe.GoneKey{InventoryKey: k, LastSeen: prev.ListedAt, NoticedAt: now, NoAuditLog: cur.Source != observe.SourceOpenAIAdmin}
		if k.OwnerType == observe.OwnerServiceAccount && k.OwnerID != "" && len(cur.Accounts) > 0 && !accounts[k.OwnerID] &&
			slices.ContainsFunc(prev.Accounts, func(a observe.InventoryAccount) bool { return a.ID == k.OwnerID }) {
			g.OwnerGone = true
		}
		gone = append(gone, g)
		seen[k.ID] = true
	}
	return gone
}
