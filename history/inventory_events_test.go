package history

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// openaiInventory is OpenAI with a key list read at listed.
func openaiInventory(listed time.Time, keys ...observe.InventoryKey) observe.VendorResult {
	v := vendorResult("openai", "OpenAI", observe.Operational)
	v.Inventory = &observe.Inventory{Source: observe.SourceOpenAIAdmin, Result: observe.ResultOK, CheckedAt: listed, ListedAt: listed,
		Complete: true, Projects: 1, Keys: keys}
	return v
}

func invKey(id, name, key string, lastUsed time.Time) observe.InventoryKey {
	return observe.InventoryKey{ID: id, Name: name, Kind: observe.InventoryProjectKey, Redacted: "sk-proj-…" + strings.ToUpper(id[4:8]),
		Project: "proj_voice", ProjectName: "Voice", Status: observe.StatusActive, Owner: "ops@example.com", Key: key, LastUsedAt: lastUsed,
		CreatedAt: at("09:00")}
}

// The timeline shows the first list as a count, then new keys, status
// changes, and keys in use (last_used_at moving), at most once an hour
// per key; a list not read again adds nothing.
func TestInventoryTimeline(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	vapiKey := func(used time.Time) observe.InventoryKey { return invKey("key_vapi", "vapi-prod", "prod", used) }
	steps := []struct {
		at   time.Time
		v    observe.VendorResult
		want []string
	}{
		{at("10:00"), openaiInventory(at("10:00"), vapiKey(at("09:55")), invKey("key_ci00", "ci", "", time.Time{})),
			[]string{"10:00 openai inventory_listed: Key inventory: 2 keys in 1 project"}},
		{at("10:05"), openaiInventory(at("10:05"), vapiKey(at("10:04")), invKey("key_ci00", "ci", "", time.Time{})),
			[]string{`10:04 openai inventory_key_used: Key in use: prod = "vapi-prod" (sk-proj-…VAPI) in Voice last used 10:04 UTC (before: 2026-05-21 09:55 UTC)`}},
		{at("10:10"), openaiInventory(at("10:10"), vapiKey(at("10:09")), invKey("key_ci00", "ci", "", time.Time{}),
			invKey("key_new1", "rotated", "", time.Time{})),
			[]string{`09:00 openai inventory_key_added: Key added: "rotated" (sk-proj-…NEW1) in Voice, owner ops@example.com`}},
		// The same list again (a probe-only round): nothing.
		{at("10:12"), openaiInventory(at("10:10"), vapiKey(at("10:09"))), nil},
		{at("11:10"), openaiInventory(at("11:10"), vapiKey(at("11:09")), invKey("key_ci00", "ci", "", time.Time{})),
			[]string{`11:09 openai inventory_key_used: Key in use: prod = "vapi-prod" (sk-proj-…VAPI) in Voice last used 11:09 UTC (before: 2026-05-21 10:09 UTC)`}},
	}
	for _, st := range steps {
		evs := assess(t, s, snapshot(st.at, st.v))
		var got []string
		for _, l := range lines(evs) {
			if strings.Contains(l, "inventory") {
				got = append(got, l)
			}
		}
		if !slices.Equal(got, st.want) {
			t.Errorf("%s: events\n  %q\nwant\n  %q", st.at.Format("15:04"), got, st.want)
		}
	}
	// An archived project shows as a status change.
	archived := invKey("key_ci00", "ci", "", time.Time{})
	archived.Status = observe.StatusArchived
	evs := assess(t, s, snapshot(at("11:15"), openaiInventory(at("11:15"), vapiKey(at("11:09")), archived)))
	if got := lines(evs); len(got) != 1 || got[0] != `11:15 openai inventory_key_status: Key "ci" (sk-proj-…CI00) in Voice: active → archived` {
		t.Errorf("status change: %q", got)
	}
	tl, err := s.Timeline(context.Background(), Query{Vendors: []string{"openai"}})
	if err != nil || len(tl) != 5 {
		t.Errorf("timeline: %d events, %v", len(tl), err)
	}
}

// A vanished key reaches the timeline as its finding.
func TestVanishedKeyInTheTimeline(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	ci := invKey("key_ci00", "ci", "", time.Time{})
	assess(t, s, snapshot(at("10:00"), openaiInventory(at("10:00"), ci)))
	v := openaiInventory(at("10:05"))
	v.Inventory.Gone = []observe.GoneKey{{InventoryKey: ci, LastSeen: at("10:00"), NoticedAt: at("10:05"), AuditChecked: true, Lookups: 1}}
	evs := assess(t, s, snapshot(at("10:05"), v))
	if got := lines(evs); len(got) != 1 || !strings.HasPrefix(got[0], `10:05 openai finding_opened: Warning opened: OpenAI key "ci" vanished from the key list with no audit entry`) {
		t.Errorf("events = %q", got)
	}
	fs, err := s.Findings(context.Background(), Query{})
	if err != nil || len(fs) != 1 || fs[0].Kind != correlate.KindKeyVanished {
		t.Errorf("findings = %+v, %v", fs, err)
	}
}
