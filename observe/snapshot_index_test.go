package observe

import "testing"

// Index finds the same vendor as Vendor, the first of a repeated id.
func TestSnapshotIndexAgreesWithVendor(t *testing.T) {
	s := Snapshot{Vendors: []VendorResult{{ID: "openai", Name: "first"}, {ID: "vapi"}, {ID: "openai", Name: "second"}}}
	at := s.Index()
	for _, id := range []string{"openai", "vapi"} {
		v, _ := s.Vendor(id)
		if i, ok := at[id]; !ok || s.Vendors[i].Name != v.Name {
			t.Errorf("%s: index %d (%v), Vendor gives %q", id, i, ok, v.Name)
		}
	}
	if _, ok := at["missing"]; ok || len(at) != 2 {
		t.Errorf("index %v", at)
	}
}
