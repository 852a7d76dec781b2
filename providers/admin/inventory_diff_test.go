package admin

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

var t0 = time.Date(2026, 5, 21, 10, 50, 0, 0, time.UTC)

func TestAnotherAdminKeyIsNotCompared(t *testing.T) {
	t.Parallel()
	prev := &observe.Inventory{Source: observe.SourceOpenAIAdmin, Complete: true, ListedAt: t0, AdminFingerprint: "sk-admin-…AAAA",
		Keys: []observe.InventoryKey{{ID: "key_a"}, {ID: "key_b"}}}
	cur := &observe.Inventory{Source: observe.SourceOpenAIAdmin, Complete: true, ListedAt: t0.Add(time.Minute), AdminFingerprint: "sk-admin-…BBBB",
		Keys: []observe.InventoryKey{{ID: "key_c"}}}
	if g := diffInventory(prev, cur, t0.Add(time.Minute), true); len(g) != 0 {
		t.Errorf("lists read with different admin keys compared: %+v", g)
	}
	cur.AdminFingerprint = prev.AdminFingerprint
	if g := diffInventory(prev, cur, t0.Add(time.Minute), true); len(g) != 2 {
		t.Errorf("gone = %+v", g)
	}
}

// A key that leaves the list carries the stretch of the audit log asked
// about it and how long it is asked, where the vendor has an audit log.
func TestGoneKeyCarriesItsAuditWindow(t *testing.T) {
	prev := &observe.Inventory{Source: observe.SourceOpenAIAdmin, Complete: true, ListedAt: t0, Keys: []observe.InventoryKey{{ID: "key_a"}}}
	cur := &observe.Inventory{Source: observe.SourceOpenAIAdmin, Complete: true, ListedAt: t0.Add(time.Minute), Keys: []observe.InventoryKey{}}
	now := t0.Add(time.Minute)
	g := diffInventory(prev, cur, now, true)
	if len(g) != 1 || !g[0].AuditFrom.Equal(t0.Add(-AuditWindowSlack)) || !g[0].AuditUntil.Equal(now.Add(AuditRecheck)) || g[0].NoAuditLog {
		t.Fatalf("gone = %+v", g)
	}
	g = diffInventory(prev, cur, now, false)
	if len(g) != 1 || !g[0].AuditUntil.IsZero() || !g[0].NoAuditLog {
		t.Errorf("without an audit log: %+v", g)
	}
	// One noticed by an older vendorwatch gets its window when carried.
	prev.Gone = []observe.GoneKey{{InventoryKey: observe.InventoryKey{ID: "key_b"}, LastSeen: t0, NoticedAt: now}}
	g = diffInventory(prev, cur, now.Add(time.Minute), true)
	if len(g) != 2 || g[0].ID != "key_b" || !g[0].AuditUntil.Equal(now.Add(AuditRecheck)) {
		t.Errorf("carried = %+v", g)
	}
}
