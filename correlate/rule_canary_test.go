package correlate

import (
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// watchedCanary is OpenAI at t: prod probed ok, canary-1 not probed and
// listed, and a key list in which the canary was last used at used (zero:
// never). The canary is held by the voice backend's secret store entry.
func watchedCanary(t, used time.Time) *vb {
	b := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t).key("prod", false, observe.ResultOK, 200, "", t)
	b.v.Keys = append(b.v.Keys, observe.KeyResult{Name: "canary-1", Fingerprint: "sk-proj-…CxYA", Canary: true, NotProbed: true,
		Result: observe.ResultListed, Code: "listed", CheckedAt: t, Holders: []observe.Holder{{Kind: "secret", Name: "gcp:openai-canary-1"}}})
	c := canaryRow
	c.LastUsedAt = used
	return b.withInventory(t, []observe.InventoryKey{prodRow, c, batchRow})
}

// The canary story, check by check: what the key list shows and what is
// paged. A canary never used stays quiet; the check at which its
// last_used_at moves pages canary_used at once (critical, KEY), before the
// vendor revokes anything; the finding stays while the list shows nothing
// new, across a restart (the memory through JSON), and closes only when
// the canary is replaced by a new one.
func TestCanaryUsedTimeline(t *testing.T) {
	var mem Memory
	check := func(s observe.Snapshot) Report {
		var r Report
		r, mem = Assess(s, saved(t, mem))
		return r
	}
	steps := []struct {
		at, used string
		want     []Kind
	}{
		{"10:00", "", nil},                         // first sight: never used
		{"10:05", "", nil},                         // still never used
		{"10:10", "10:08", []Kind{KindCanaryUsed}}, // someone used it at 10:08
		{"10:15", "10:08", []Kind{KindCanaryUsed}}, // nothing new: still leaked
		{"10:20", "10:19", []Kind{KindCanaryUsed}}, // used again
	}
	var opened Finding
	for _, s := range steps {
		var used time.Time
		if s.used != "" {
			used = at(s.used)
		}
		r := check(snapAt(at(s.at), watchedCanary(at(s.at), used)))
		if got := kinds(r.Findings); !sameKinds(got, s.want) {
			t.Fatalf("%s (last used %q): findings %v, want %v", s.at, s.used, allKinds(r.Findings), s.want)
		}
		if len(s.want) == 0 {
			if r.Overall != LevelOK {
				t.Errorf("%s: overall %s for an unused canary", s.at, r.Overall)
			}
			continue
		}
		f := find(t, r, KindCanaryUsed)
		if f.Severity != SeverityCritical || r.Overall != LevelCritical || r.Verdict.Word != WordKey {
			t.Errorf("%s: severity %s, overall %s, verdict %s", s.at, f.Severity, r.Overall, r.Verdict.Word)
		}
		if opened.ID == "" {
			opened = f
		}
		if f.ID != opened.ID || !f.Since.Equal(at("10:08")) {
			t.Errorf("%s: id %s since %v; want the episode opened at 10:10, since 10:08", s.at, f.ID, f.Since)
		}
	}
	for _, want := range []string{"canary-1 (sk-proj-…CxYA)", "10:08 UTC", "never used", "id key_canary", "Someone else has the key"} {
		if !strings.Contains(opened.Detail, want) {
			t.Errorf("detail lacks %q: %s", want, opened.Detail)
		}
	}
	advice := strings.Join(opened.Advice, "\n")
	for _, want := range []string{"Revoke the canary", "secret gcp:openai-canary-1"} {
		if !strings.Contains(advice, want) {
			t.Errorf("advice lacks %q: %s", want, advice)
		}
	}
	if !strings.Contains(opened.Title, "canary-1 was used: it leaked") {
		t.Errorf("title %q", opened.Title)
	}

	// The canary replaced: a new fingerprint, a new key id, never used.
	replaced := watchedCanary(at("10:25"), time.Time{})
	replaced.v.Keys[1].Fingerprint = "sk-proj-…NewA"
	r := check(snapAt(at("10:25"), replaced))
	if has(r, KindCanaryUsed) {
		t.Errorf("a new canary inherits the old one's leak: %v", allKinds(r.Findings))
	}
}

// A canary already used when vendorwatch first sees it (probed before the
// admin key was configured, say) is no news: only a move after that is.
func TestCanaryFirstSightUsedIsNoNews(t *testing.T) {
	reps, _ := steps(snapAt(at("10:00"), watchedCanary(at("10:00"), at("09:00"))), snapAt(at("10:05"), watchedCanary(at("10:05"), at("09:00"))))
	for i, r := range reps {
		if len(r.Findings) != 0 {
			t.Errorf("check %d: %v", i, allKinds(r.Findings))
		}
	}
}

// A canary that vendorwatch probes (no admin key lists it; here the
// result says it was probed) moves its own last_used_at: that is never
// taken for a leak.
func TestProbedCanaryMovingIsNotALeak(t *testing.T) {
	probed := func(t0, used time.Time) *vb {
		b := watchedCanary(t0, used)
		b.v.Keys[1].NotProbed, b.v.Keys[1].Result = false, observe.ResultOK
		return b
	}
	reps, _ := steps(snapAt(at("10:00"), probed(at("10:00"), at("09:59"))), snapAt(at("10:05"), probed(at("10:05"), at("10:04"))))
	if has(reps[1], KindCanaryUsed) {
		t.Errorf("a probed canary paged itself: %v", allKinds(reps[1].Findings))
	}
}

// The watch never goes blind silently. Check by check: a complete read;
// the admin key list answers 500 while the project lists read (a warning
// naming the endpoint and status, no key taken for vanished); still
// failing (same since); a key finding at the same time is not lowered;
// the list reads again (closing).
func TestInventoryUnreadableTimeline(t *testing.T) {
	gap := func(since time.Time) observe.InventoryGap {
		return observe.InventoryGap{List: "admin_api_keys", Endpoint: "GET /v1/organization/admin_api_keys", Result: observe.ResultVendorError,
			HTTPStatus: 500, Code: "server_error", Error: "GET /v1/organization/admin_api_keys: The server had an error", Since: since}
	}
	withGap := func(b *vb, since time.Time) *vb {
		b.v.Inventory.Gaps, b.v.Inventory.Complete = []observe.InventoryGap{gap(since)}, false
		return b
	}
	rows := []observe.InventoryKey{prodRow, canaryRow, batchRow}
	c1 := openaiKeys(at("10:00"), observe.ResultOK, observe.ResultOK, observe.ResultOK).withInventory(at("10:00"), rows)
	c2 := withGap(openaiKeys(at("10:05"), observe.ResultOK, observe.ResultOK, observe.ResultOK).withInventory(at("10:05"), rows), at("10:05"))
	c3 := withGap(openaiKeys(at("10:10"), observe.ResultOK, observe.ResultOK, observe.ResultInvalidKey).withInventory(at("10:10"), rows), at("10:05"))
	c3.v.Keys[2].RevocationMarker = true
	c4 := openaiKeys(at("10:15"), observe.ResultOK, observe.ResultOK, observe.ResultInvalidKey).withInventory(at("10:15"), rows)
	c4.v.Keys[2].RevocationMarker = true
	reps, _ := steps(snapAt(at("10:00"), c1), snapAt(at("10:05"), c2), snapAt(at("10:10"), c3), snapAt(at("10:15"), c4))
	if len(reps[0].Findings) != 0 {
		t.Fatalf("10:00: %v", allKinds(reps[0].Findings))
	}
	// One failed read may pass: pending (shown as confirming) at once,
	// open at the second.
	if len(reps[1].Findings) != 1 || reps[1].Findings[0].State != StatePending {
		t.Fatalf("10:05: %v", allKinds(reps[1].Findings))
	}
	f := reps[1].Findings[0]
	if f.Kind != KindInventoryUnreadable || f.Severity != SeverityWarning {
		t.Errorf("10:05: %s %s", f.Kind, f.Severity)
	}
	for _, want := range []string{"since 10:05 UTC", "GET /v1/organization/admin_api_keys", "HTTP 500"} {
		if !strings.Contains(f.Title+" "+f.Detail, want) {
			t.Errorf("10:05: %q lacks %q", f.Title+" "+f.Detail, want)
		}
	}
	if has(reps[1], KindKeyVanished) || has(reps[1], KindKeyDeleted) {
		t.Errorf("10:05: a gap read as a vanished key: %v", allKinds(reps[1].Findings))
	}
	f3 := find(t, reps[2], KindInventoryUnreadable)
	if f3.ID != f.ID || !strings.Contains(f3.Title, "since 10:05 UTC") || f3.Severity != SeverityWarning || f3.State != StateOpen {
		t.Errorf("10:10: %s %q", f3.ID, f3.Title)
	}
	if k := find(t, reps[2], KindKeyLeakSuspected); k.Severity != SeverityCritical || reps[2].Overall != LevelCritical || reps[2].Verdict.Word != WordKey {
		t.Errorf("10:10: the gap lowered the key finding: %s, overall %s, verdict %s", k.Severity, reps[2].Overall, reps[2].Verdict.Word)
	}
	if has(reps[3], KindInventoryUnreadable) {
		t.Errorf("10:15: still unreadable after a full read: %v", allKinds(reps[3].Findings))
	}
}

// A read that failed as a whole for a reason that may pass (a 500 on the
// first list) is visible too, and says nothing was read.
func TestInventoryUnreadableWhole(t *testing.T) {
	b := openaiKeys(at("10:05"), observe.ResultOK, observe.ResultOK, observe.ResultOK).withInventory(at("10:00"), []observe.InventoryKey{prodRow})
	inv := b.v.Inventory
	inv.CheckedAt, inv.Result, inv.HTTPStatus = at("10:05"), observe.ResultVendorError, 503
	inv.Gaps = []observe.InventoryGap{{List: "projects", Endpoint: "GET /v1/organization/projects", Result: observe.ResultVendorError, HTTPStatus: 503, Since: at("10:05")}}
	reps, _ := steps(snapAt(at("10:05"), b))
	f := find(t, reps[0], KindInventoryUnreadable)
	if !strings.Contains(f.Detail, "Nothing was read") || !strings.Contains(f.Detail, "10:00 UTC") || !strings.Contains(f.Title, "HTTP 503") {
		t.Errorf("%s / %s", f.Title, f.Detail)
	}
}

// A key of ours whose owner lost access to the project, or that left its
// list but still answers by id, changed visibility: a warning that says
// so, never key_vanished.
func TestKeyVisibilityChanged(t *testing.T) {
	hidden := batchRow
	hidden.Unlisted, hidden.OwnerAccess = true, "inactive"
	b := openaiKeys(at("10:05"), observe.ResultOK, observe.ResultOK, observe.ResultOK).withInventory(at("10:05"), []observe.InventoryKey{prodRow, canaryRow, hidden})
	reps, _ := steps(snapAt(at("10:05"), b))
	f := find(t, reps[0], KindKeyVisibility)
	if f.Severity != SeverityWarning || has(reps[0], KindKeyVanished) || len(f.Keys) != 1 || f.Keys[0] != "batch" {
		t.Errorf("%+v %v", f, allKinds(reps[0].Findings))
	}
	if !strings.Contains(f.Detail, "did not vanish") {
		t.Errorf("detail %q", f.Detail)
	}
}

func sameKinds(a, b []Kind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
