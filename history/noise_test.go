package history

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// vendorwatch's own admin key is used by every read of the key list: its
// moving last_used_at is no news, while another key's is.
func TestOwnAdminKeyIsNotInUse(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	self := func(used time.Time) observe.InventoryKey {
		k := invKey("key_admn", "vendorwatch", "", used)
		k.Kind, k.Self, k.Project, k.ProjectName = observe.InventoryAdminKey, true, "", ""
		return k
	}
	vapiKey := func(used time.Time) observe.InventoryKey { return invKey("key_vapi", "vapi-prod", "prod", used) }
	assess(t, s, snapshot(at("10:00"), openaiInventory(at("10:00"), self(at("10:00")), vapiKey(at("09:00")))))
	var got []string
	for _, tm := range []string{"11:00", "12:00", "13:00"} {
		used := at(tm).Add(-time.Minute)
		got = append(got, lines(assess(t, s, snapshot(at(tm), openaiInventory(at(tm), self(at(tm)), vapiKey(used)))))...)
	}
	for _, l := range got {
		if strings.Contains(l, "vendorwatch") || strings.Contains(l, "admin key") {
			t.Errorf("own admin key logged: %s", l)
		}
	}
	if len(got) != 3 {
		t.Errorf("events = %q, want the VAPI key in use three times", got)
	}
}

// A secret that fails to resolve (a cmd: that exits non-zero) is logged
// as no_secret, not as the key being replaced; when it resolves again to
// the same key nothing was replaced either, and only a new fingerprint is
// a replacement.
func TestUnresolvedSecretIsNotAReplacement(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	openai := func(tm, fp string, r observe.Result) observe.VendorResult {
		v := vendorResult("openai", "OpenAI", observe.Operational)
		v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: fp, Result: r, CheckedAt: at(tm)}}
		if r == observe.ResultOK {
			v.Keys[0].HTTPStatus = 200
		}
		return v
	}
	var got []string
	for _, step := range []observe.VendorResult{
		openai("10:00", "sk-proj-…MxYA", observe.ResultOK),
		openai("10:01", "", observe.ResultNoSecret),
		openai("10:02", "", observe.ResultNoSecret),
		openai("10:03", "sk-proj-…MxYA", observe.ResultOK),
		openai("10:04", "", observe.ResultNoSecret),
		openai("10:05", "sk-proj-…Q2rT", observe.ResultOK),
	} {
		for _, l := range lines(assess(t, s, snapshot(step.Keys[0].CheckedAt, step))) {
			if strings.Contains(l, "key_changed") {
				got = append(got, l)
			}
		}
	}
	want := []string{
		"10:01 openai key_changed: Key prod: ok → no_secret",
		"10:03 openai key_changed: Key prod (sk-proj-…MxYA): no_secret → ok (HTTP 200)",
		"10:04 openai key_changed: Key prod: ok → no_secret",
		"10:05 openai key_changed: Key prod replaced (sk-proj-…MxYA → sk-proj-…Q2rT): no_secret → ok (HTTP 200)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The timeline says when VAPI's call records stop being readable (and
// from when the counts every view keeps showing are), and when they can
// be read again; a failure changing its reason in between is no news.
func TestCallRecordsUnreadable(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	vapi := func(tm string, r observe.Result, status int, counted string) observe.VendorResult {
		v := vendorResult("vapi", "VAPI", observe.Operational)
		v.Calls = &observe.CallSummary{CheckedAt: at(tm), Since: at(tm).Add(-15 * time.Minute), Result: r, HTTPStatus: status, Calls: 40, Ended: 38, Reasons: []observe.ReasonCount{}}
		if counted != "" {
			v.Calls.CountedAt, v.Calls.Since = at(counted), at(counted).Add(-15*time.Minute)
		}
		return v
	}
	var got []string
	for _, v := range []observe.VendorResult{
		vapi("12:40", observe.ResultOK, 200, "12:40"),
		vapi("12:45", observe.ResultVendorError, 502, "12:40"),
		vapi("12:50", observe.ResultTimeout, 0, "12:40"),
		vapi("12:55", observe.ResultVendorError, 502, ""),
		vapi("13:00", observe.ResultOK, 200, "13:00"),
	} {
		got = append(got, lines(assess(t, s, snapshot(v.Calls.CheckedAt, v)))...)
	}
	want := []string{
		"12:45 vapi call_records: Call records unreadable: vendor_error (HTTP 502); the counts shown are from the read at 12:40 UTC",
		"13:00 vapi call_records: Call records read again: 40 calls since 12:45 UTC",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
