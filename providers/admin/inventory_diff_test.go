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
