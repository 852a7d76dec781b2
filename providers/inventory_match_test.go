package providers

import (
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestNormalizeRedacted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"sk-abc...def", "sk-abc…def"},                                      // the spec's example
		{"sk-admin...def", "sk-admin…def"},                                  // admin keys: the prefix without its dash
		{"sk-proj-...MxYA", "sk-proj-…MxYA"},                                // project key
		{"sk-proj-Qm4xZ8vR...MxYA", "sk-proj-Qm4x…MxYA"},                    // a longer head is cut to prefix + 4
		{"sk-ant-api03-R2D...igAA", "sk-ant-api03-R2D…igAA"},                // Anthropic's partial_key_hint
		{"sk-proj-********************MxYA", "sk-proj-…MxYA"},               // stars
		{"sk-…wxyz", "sk-…wxyz"},                                            // already ours
		{"sk-abc...abcdefgh", "sk-abc…efgh"},                                // a long tail is cut to 4
		{"sk-proj-Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aMxYA", "sk-proj-…MxYA"}, // no mask: a whole key becomes its fingerprint
		{"", ""},
		{"sk-a\x1b[31m...def", "…"}, // escape sequences are not kept
	} {
		if got := NormalizeRedacted(tc.in); got != tc.want {
			t.Errorf("NormalizeRedacted(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactedMatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		redacted, fingerprint string
		want                  bool
	}{
		{"sk-proj-…MxYA", "sk-proj-…MxYA", true},
		{"sk-proj-Qm4x…MxYA", "sk-proj-…MxYA", true}, // the vendor shows more of the head
		{"sk-pro…MxYA", "sk-proj-…MxYA", true},       // or less
		{"sk-abc…xYA", "sk-…MxYA", true},             // a three-character tail (the spec's example) still counts
		{"sk-svca…CnRy", "sk-svcacct-…CnRy", true},   // a service-account key with a short head
		{"sk-proj-…MxYB", "sk-proj-…MxYA", false},    // another tail
		{"sk-admin…MxYA", "sk-proj-…MxYA", false},    // another kind of key
		{"sk-svca…CnRy", "sk-proj-…CnRy", false},     // heads disagree
		{"sk-proj-…YA", "sk-proj-…MxYA", false},      // two characters are not enough
		{"sk-proj-…MxYA", "sk-proj-…", false},        // a fingerprint without a tail matches nothing
		{"…4e5f", "…4e5f", true},                     // keys without a known prefix (VAPI)
		{"sk-ant-api03-R2D…igAA", "sk-ant-api03-…igAA", true},
		{"sk-ant-api03-R2D…igAA", "sk-ant-admin01-…igAA", false},
		{"no mask at all", "sk-proj-…MxYA", false},
	} {
		if got := RedactedMatches(tc.redacted, tc.fingerprint); got != tc.want {
			t.Errorf("RedactedMatches(%q, %q) = %v, want %v", tc.redacted, tc.fingerprint, got, tc.want)
		}
	}
}

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
