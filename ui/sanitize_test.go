package ui

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// hostile is text a compromised status page or error could carry: a
// clipboard write (OSC 52), a screen clear, a title change, a bell, a bidi
// override and a carriage return that would overwrite the line.
const hostile = "evil\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b]0;pwned\x07\a\u202eesrever\rgotcha"

// TestNothingRemoteReachesTheScreenUnsanitized puts hostile text in every
// remote field the dashboard shows and checks that no escape sequence
// other than the dashboard's own styling, and no control character other
// than newline, reaches the screen in any view or theme.
func TestNothingRemoteReachesTheScreenUnsanitized(t *testing.T) {
	rep := incidentReport()
	for i := range rep.Vendors {
		v := &rep.Vendors[i]
		v.Name += hostile
		v.Status.Description = hostile
		v.Status.PageURL = "https://status.example.com/" + hostile
		for j := range v.Status.Components {
			v.Status.Components[j].Name += hostile
		}
		for j := range v.Status.Sources {
			v.Status.Sources[j].Error = hostile
			v.Status.Sources[j].URL += hostile
		}
		for j := range v.Status.Incidents {
			in := &v.Status.Incidents[j]
			in.Title, in.Status, in.Impact, in.URL = hostile, hostile, hostile, hostile
			in.Components = []string{hostile}
			for k := range in.Updates {
				in.Updates[k].Body = hostile + "\n" + hostile
				in.Updates[k].Status = hostile
			}
		}
		v.Status.Maintenances = []observe.Maintenance{{Title: hostile, Status: hostile, URL: hostile, StartsAt: now}}
		if v.Reachability != nil {
			v.Reachability.Error = hostile
		}
		for j := range v.Keys {
			v.Keys[j].Message, v.Keys[j].Code, v.Keys[j].Hint, v.Keys[j].Name = hostile, hostile, hostile, hostile
		}
	}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		f.Title, f.Detail, f.Advice = hostile, hostile, []string{hostile}
	}
	entries := []TimelineEntry{{At: now, Vendor: "vapi", Severity: correlate.SeverityCritical, Text: hostile, URL: hostile}}

	for _, th := range themes {
		t.Run(th.name, func(t *testing.T) {
			b := &fakeBackend{entries: entries}
			for _, size := range [][2]int{{80, 24}, {160, 60}} {
				m := newTestModel(t, b, size[0], size[1], th.msgs...)
				send(m, Update{Report: rep})
				screens := map[string]string{"main": screen(m)}
				for _, id := range []string{"vapi", "openai"} {
					m.selected, m.picked = id, true
					send(m, press("enter"))
					screens["detail "+id] = screen(m)
					screens["detail content "+id] = m.detail.GetContent()
					send(m, press("esc"))
				}
				runCmd(t, m, send(m, press("t")))
				screens["timeline"] = screen(m)
				send(m, press("esc"), press("/"))
				typeText(m, "x\x1b[2J")
				screens["filter"] = screen(m)
				send(m, press("esc"))
				send(m, openedMsg{url: hostile, err: errors.New(hostile)})
				screens["flash"] = screen(m)
				for name, s := range screens {
					assertClean(t, name, s)
				}
			}
		})
	}
}

func assertClean(t *testing.T, name, s string) {
	t.Helper()
	rest := stripSGR(s)
	for _, r := range rest {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Errorf("%s: control character %U on screen:\n%q", name, r, rest)
			return
		}
	}
	if strings.Contains(rest, "]52;") || strings.Contains(rest, "]0;pwned") {
		t.Errorf("%s: an OSC payload survived:\n%q", name, rest)
	}
}
