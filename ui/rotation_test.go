package ui

import (
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// An open rotation checklist is in sight on the main view, under the
// findings' title, and whole in the detail view of the rotated key's
// vendor, each holder with its state and evidence.
func TestRotationShown(t *testing.T) {
	rep := incidentReport()
	rep.Rotations = []correlate.Rotation{{ID: 1, Vendor: "openai", VendorName: "OpenAI", Key: "prod", From: "sk-proj-…MxYA", To: "sk-proj-…Q7rT",
		RotatedAt: at("11:05"), OldKeyDead: true, State: correlate.RotationOpen, Holders: []correlate.RotationHolder{
			{Holder: observe.Holder{Kind: "vendor", Name: "vapi"}, State: correlate.HolderDone, How: correlate.DoneByCalls, At: at("11:40"),
				Evidence: "calls recovered: VAPI calls ended normally after the last OpenAI 401 at 11:31 UTC (read at 11:40 UTC)"},
			{Holder: observe.Holder{Kind: "vendor", Name: "langsmith"}, State: correlate.HolderPending,
				Evidence: "waiting to be marked done: vendorwatch rotation done openai/prod vendor:langsmith"},
		}}}
	m := newTestModel(t, &fakeBackend{}, 120, 40)
	send(m, Update{Report: rep})
	main := plain(m)
	if want := "↻ rotation of openai/prod: waiting for vendor:langsmith (1 of 2 holders)"; !strings.Contains(main, want) {
		t.Errorf("main view lacks %q:\n%s", want, main)
	}
	// OpenAI's detail, full screen.
	m = newTestModel(t, &fakeBackend{}, 100, 60)
	send(m, Update{Report: rep})
	send(m, press("j"), press("enter"))
	detail := plain(m)
	for _, want := range []string{"ROTATION", "openai/prod rotated 2026-05-21 11:05 UTC (sk-proj-…MxYA → sk-proj-…Q7rT): open, 1 of 2",
		"✓ vendor:vapi", "done (calls) 2026-05-21 11:40 UTC: calls recovered", "○ vendor:langsmith", "vendorwatch rotation done openai/prod"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail view lacks %q:\n%s", want, detail)
		}
	}
}
