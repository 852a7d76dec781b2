package ui

import (
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// A silenced finding stays on the main view, dimmed, with who silenced
// it, until when and why, and leaves the findings' counts.
func TestSilencedFindingShown(t *testing.T) {
	rep := incidentReport()
	if len(rep.Findings) == 0 {
		t.Fatal("the fixture has no findings")
	}
	silenced := rep.Findings[0]
	rep.Findings[0].Silenced = &correlate.Silenced{ID: 4, By: "alice", Until: at("13:30"), Comment: "INC-142, tracked"}
	m := newTestModel(t, &fakeBackend{}, 140, 60)
	send(m, Update{Report: rep})
	main := plain(m)
	for _, want := range []string{"◌ " + silenced.Title[:20], "silenced by alice until", "INC-142, tracked"} {
		if !strings.Contains(main, want) {
			t.Errorf("main view lacks %q:\n%s", want, main)
		}
	}
	before := newTestModel(t, &fakeBackend{}, 140, 60)
	send(before, Update{Report: incidentReport()})
	if countsLine(plain(before)) == countsLine(main) {
		t.Errorf("the findings' counts did not change with the silence: %q", countsLine(main))
	}
}

// countsLine is the FINDINGS heading with its counts.
func countsLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "FINDINGS") {
			h, _, _ := strings.Cut(strings.TrimSpace(l), "│")
			return strings.TrimSpace(h)
		}
	}
	return ""
}
