package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A backend's banner (the demo's scenario line) shows under the header in
// every view, sanitized and cut to the width, takes a line from the body so
// the screen stays exactly its size, and goes when an update brings none.
func TestBanner(t *testing.T) {
	const banner = "DEMO · the incident log of 2026-05-21 · 12:37 VAPI's API fails (502) while its status page says operational"
	for _, size := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		for _, view := range []string{"main", "detail", "timeline", "help"} {
			t.Run(fmt.Sprintf("%dx%d/%s", size.w, size.h, view), func(t *testing.T) {
				b := &fakeBackend{entries: incidentTimeline()}
				m := newTestModel(t, b, size.w, size.h, themes[2].msgs...)
				switch view {
				case "detail":
					send(m, press("enter"))
				case "timeline":
					runCmd(t, m, send(m, press("t")))
				case "help":
					send(m, press("?"))
				}
				before := strings.Split(plain(m), "\n")
				send(m, Update{Report: incidentReport(), Banner: banner + "\x1b[2J\a"})
				lines := strings.Split(strings.TrimSuffix(plain(m), "\n"), "\n")
				if len(lines) != size.h {
					t.Fatalf("%d lines, want %d", len(lines), size.h)
				}
				if want := banner[:40]; !strings.HasPrefix(lines[1], want) {
					t.Errorf("line 2 = %q, want the banner", lines[1])
				}
				if strings.ContainsAny(screen(m), "\a") || strings.Contains(screen(m), "\x1b[2J") {
					t.Error("the banner's control sequences reached the screen")
				}
				for _, l := range lines {
					if w := ansi.StringWidth(l); w > size.w {
						t.Errorf("line wider than %d: %q", size.w, l)
					}
				}
				if lines[0] != strings.TrimRight(before[0], " ") || lines[2] != strings.TrimRight(before[1], " ") {
					t.Errorf("the banner should push the view down one line:\nbefore %q / %q\nafter  %q / %q", before[0], before[1], lines[0], lines[2])
				}
				if lines[size.h-1] != before[size.h-1] {
					t.Errorf("the footer moved: %q, was %q", lines[size.h-1], before[size.h-1])
				}
				send(m, Update{Report: incidentReport()})
				if got := plain(m); got != strings.Join(before, "\n") {
					t.Errorf("the banner stayed after an update without one:\n%s", got)
				}
			})
		}
	}
}
