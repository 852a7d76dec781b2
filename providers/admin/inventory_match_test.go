package admin

import (
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestMatchInventory(t *testing.T) {
	t.Parallel()
	inv := &observe.Inventory{Keys: []observe.InventoryKey{
		{ID: "key_prod", Kind: observe.InventoryProjectKey, Redacted: "sk-proj-Qm4x…MxYA"},
		{ID: "key_twin1", Kind: observe.InventoryProjectKey, Redacted: "sk-proj-…Tw1n"},
		{ID: "key_twin2", Kind: observe.InventoryProjectKey, Redacted: "sk-proj-…Tw1n"},
		{ID: "key_admin", Kind: observe.InventoryAdminKey, Redacted: "sk-admin…MxYA"},
	}, Gone: []observe.GoneKey{{InventoryKey: observe.InventoryKey{ID: "key_canary", Kind: observe.InventoryProjectKey, Redacted: "sk-svca…CnRy"}}}}
	MatchInventory(inv, []observe.KeyResult{
		{Name: "prod", Fingerprint: "sk-proj-…MxYA"},
		{Name: "twin", Fingerprint: "sk-proj-…Tw1n"},
		{Name: "canary-1", Fingerprint: "sk-svcacct-…CnRy", Canary: true},
		{Name: "unset"},
	})
	want := map[string]string{"key_prod": "prod", "key_twin1": "", "key_twin2": "", "key_admin": ""}
	for _, k := range inv.Keys {
		if k.Key != want[k.ID] {
			t.Errorf("row %s matched %q, want %q", k.ID, k.Key, want[k.ID])
		}
	}
	if g := inv.Gone[0]; g.Key != "canary-1" || g.Fingerprint != "sk-svcacct-…CnRy" || !g.Canary {
		t.Errorf("gone row = %+v", g)
	}
}
