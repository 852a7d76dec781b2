package correlate

import (
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestFindingKey(t *testing.T) {
	tests := []struct {
		name string
		f    Finding
		want string
	}{
		{"the rule's ID", Finding{ID: "account_keys_revoked:openai:", Kind: KindAccountKeysRevoked, Vendors: []string{"openai"}, Keys: []string{"prod", "canary-1"}},
			"account_keys_revoked:openai:"},
		{"the ID names the upstream the finding does not list", Finding{ID: "upstream_impact:vapi,openai:", Kind: KindUpstreamImpact, Vendors: []string{"vapi"}},
			"upstream_impact:vapi,openai:"},
		{"no ID: named as the rules name theirs", Finding{Kind: KindKeyRevoked, Vendors: []string{"openai"}, Keys: []string{"prod"}},
			"key_revoked:openai:prod"},
		{"no ID, no vendor", Finding{Kind: KindNetworkLocal}, "network_local::"},
		{"no ID, two of each", Finding{Kind: KindKeyLeakSuspected, Vendors: []string{"a", "b"}, Keys: []string{"x", "y"}},
			"key_leak_suspected:a,b:x,y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Key(); got != tt.want {
				t.Errorf("Key = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestEveryFindingHasItsKey checks that the findings of a report carry
// their identity: the ID is the Key, and the memory keeps open findings
// by it.
func TestEveryFindingHasItsKey(t *testing.T) {
	t1 := at("10:57")
	snap := func(tm string) observe.Snapshot {
		return snapAt(at(tm),
			vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)).
				key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", at(tm)).
				key("ops", false, observe.ResultNoPermission, 403, "", at(tm)),
			vendorAt("vapi", "VAPI").dependsOn("openai").reach(observe.ResultVendorError, 502, at(tm)).
				page(observe.MajorOutage, "Major outage", incident("i1", "API down", "major", t1)),
			vendorAt("acme", "Acme").pageDown("HTTP 503"),
		)
	}
	reps, mem := steps(snap("10:57"), snap("10:58"))
	rep := reps[len(reps)-1]
	if len(rep.Findings) < 4 {
		t.Fatalf("want several findings, got %v", kinds(rep.Findings))
	}
	for _, f := range rep.Findings {
		if f.ID == "" || f.Key() != f.ID {
			t.Errorf("%s: ID %q, Key %q", f.Kind, f.ID, f.Key())
		}
		if _, ok := mem.Open[f.Key()]; !ok {
			t.Errorf("%s is not open under its key %q", f.Kind, f.Key())
		}
	}
}
