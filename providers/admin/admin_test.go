package admin

import (
	"slices"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// Every admin reader the catalog names is registered, and every
// registered reader is named by a catalog vendor.
func TestReadersMatchTheCatalog(t *testing.T) {
	named := map[string]bool{}
	for _, e := range catalog.Builtin().All() {
		if e.Admin.Reader == "" {
			continue
		}
		named[e.Admin.Reader] = true
		if _, ok := readers[e.Admin.Reader]; !ok {
			t.Errorf("catalog vendor %s names admin reader %q, which is not registered", e.ID, e.Admin.Reader)
		}
		if e.Admin.Reads == "" {
			t.Errorf("catalog vendor %s does not say what its admin API reads", e.ID)
		}
	}
	for name := range readers {
		if !named[name] {
			t.Errorf("admin reader %q is registered but no catalog vendor names it", name)
		}
	}
}

// A vendor is read when its catalog entry names a reader and the config
// gives what that reader needs; the interval follows the config.
func TestEnabledAndInterval(t *testing.T) {
	secret := &config.Admin{Secret: config.SecretRef{Kind: config.SecretEnv, Value: "K"}}
	key := config.Key{Name: "prod", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "V"}}
	canary := config.Key{Name: "c", Canary: true, Secret: key.Secret}
	vendor := func(id string, admin *config.Admin, keys ...config.Key) catalog.Vendor {
		e, _ := catalog.Builtin().Get(id)
		return catalog.Vendor{ID: id, API: catalog.APISpec{BaseURL: "https://api.test"}, AdminAPI: e.Admin, Admin: admin, Keys: keys}
	}
	for _, tc := range []struct {
		name string
		v    catalog.Vendor
		want bool
	}{
		{"openai with an admin key", vendor("openai", secret), true},
		{"openai without one", vendor("openai", nil, key), false},
		{"anthropic with an admin key", vendor("anthropic", secret), true},
		{"vapi with admin: and a key", vendor("vapi", &config.Admin{}, key), true},
		{"vapi with a key but no admin:", vendor("vapi", nil, key), false},
		{"vapi with admin: and canaries only", vendor("vapi", &config.Admin{}, canary), false},
		{"a vendor with no admin API", vendor("github", secret), false},
		{"no API to read", catalog.Vendor{ID: "openai", AdminAPI: catalog.AdminSpec{Reader: "openai"}, Admin: secret}, false},
	} {
		if got := Enabled(tc.v); got != tc.want {
			t.Errorf("%s: Enabled = %v, want %v", tc.name, got, tc.want)
		}
		if got := Interval(tc.v); (got != 0) != tc.want {
			t.Errorf("%s: Interval = %v", tc.name, got)
		}
	}
	if names := catalog.Builtin().AdminVendors(); !slices.Equal(names, []string{"openai", "vapi", "anthropic"}) {
		t.Errorf("AdminVendors = %v", names)
	}
}
