package ui

import (
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// check is one vendor observed at hh:mm: its page, its keyless request
// and its key.
func check(id, name, hhmm string, page bool, reach, key observe.Result, status int) observe.VendorResult {
	t := at(hhmm)
	v := observe.VendorResult{ID: id, Name: name, Keys: []observe.KeyResult{{Name: "prod", Fingerprint: "…91ab", Result: key, HTTPStatus: status, CheckedAt: t}},
		Reachability: &observe.Reachability{Result: reach, HTTPStatus: status, CheckedAt: t}}
	v.Status = observe.Status{State: observe.Operational, Description: "All Systems Operational", CheckedAt: t,
		Sources: []observe.Source{{URL: "https://status." + id + ".test/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 90}}}
	if !page {
		v.Status.State, v.Status.Description = observe.Unknown, ""
		v.Status.Sources[0].OK, v.Status.Sources[0].Error = false, "dial: connection refused"
	}
	return v
}

// A vendor failing on one check is confirming: the header gives the
// verdict it would be, marked confirming; the vendor's row and the finding
// are marked too; nothing says healthy.
func TestFailingOnceIsConfirming(t *testing.T) {
	rep, _ := correlate.Assess(observe.Snapshot{GeneratedAt: at("12:35"), Vendors: []observe.VendorResult{
		check("vapi", "VAPI", "12:35", true, observe.ResultVendorError, observe.ResultVendorError, 502),
		check("openai", "OpenAI", "12:35", true, observe.ResultReachable, observe.ResultOK, 200),
	}}, correlate.Memory{})
	if rep.Overall != correlate.LevelOK {
		t.Fatalf("overall %s: one failed check is not yet counted", rep.Overall)
	}
	m := newTestModel(t, &fakeBackend{}, 120, 30)
	send(m, Update{Report: rep})
	main := plain(m)
	for _, want := range []string{
		"◌ THEM: VAPI failing, but its status page says operational (confirming)",
		"▸◌ VAPI", " ● OpenAI", "1 confirming", "◌ confirming: VAPI failing",
	} {
		if !strings.Contains(main, want) {
			t.Errorf("main view lacks %q:\n%s", want, main)
		}
	}
	for _, never := range []string{"healthy", "● VAPI", "OK"} {
		if strings.Contains(main, never) {
			t.Errorf("main view says %q:\n%s", never, main)
		}
	}
}

// A page that could not be read is not a page with nothing on it; keys
// that could not be sent while our network is down were not tried, and do
// not fail.
func TestUnreadAndUntried(t *testing.T) {
	vendors := func(hhmm string) []observe.VendorResult {
		return []observe.VendorResult{
			check("vapi", "VAPI", hhmm, false, observe.ResultNetworkError, observe.ResultNetworkError, 0),
			check("openai", "OpenAI", hhmm, false, observe.ResultNetworkError, observe.ResultNetworkError, 0),
		}
	}
	_, mem := correlate.Assess(observe.Snapshot{GeneratedAt: at("12:35"), Vendors: vendors("12:35")}, correlate.Memory{})
	rep, _ := correlate.Assess(observe.Snapshot{GeneratedAt: at("12:36"), Vendors: vendors("12:36")}, mem)
	m := newTestModel(t, &fakeBackend{}, 120, 40)
	send(m, Update{Report: rep})
	main := plain(m)
	for _, want := range []string{"US: Our network", "1 not tried"} {
		if !strings.Contains(main, want) {
			t.Errorf("main view lacks %q:\n%s", want, main)
		}
	}
	if strings.Contains(main, "failing") {
		t.Errorf("keys never sent are shown failing:\n%s", main)
	}
	send(m, press("enter"))
	detail := stripSGR(m.detail.GetContent())
	if !strings.Contains(detail, "could not be read") || !strings.Contains(detail, "our own network is down") ||
		strings.Contains(detail, "None reported") || strings.Contains(detail, "Nothing wrong seen.") {
		t.Errorf("detail of a vendor whose page was not read:\n%s", detail)
	}
}
