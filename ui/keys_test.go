package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// pressKey is press for every key string the key map binds, the
// navigation keys included.
func pressKey(k string) tea.KeyPressMsg {
	switch k {
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: []rune(c)[0], Mod: tea.ModCtrl}
	}
	return press(k)
}

// crowdedReport is the incident report with three maintenance windows on
// every vendor, so the calendar scrolls on a short screen.
func crowdedReport() correlate.Report {
	rep := incidentReport()
	for i := range rep.Vendors {
		for j := range 3 {
			rep.Vendors[i].Status.Maintenances = append(rep.Vendors[i].Status.Maintenances, observe.Maintenance{
				ID: fmt.Sprint(j), Title: "Database upgrade", Status: "scheduled", StartsAt: now.Add(time.Duration(j+1) * time.Hour),
				EndsAt: now.Add(time.Duration(j+2) * time.Hour), Components: []string{"API"}, URL: "https://status.example.com/m"})
		}
	}
	return rep
}

// scrollingViews opens each view that scrolls text on a short screen.
var scrollingViews = []struct {
	name string
	v    view
	open string
}{
	{"detail", viewDetail, "enter"},
	{"timeline", viewTimeline, "t"},
	{"maintenances", viewMaintenances, "m"},
	{"help", viewHelp, "?"},
}

// openView is a short dashboard (80x10) showing view name.
func openView(t *testing.T, open string) *Model {
	t.Helper()
	m := newTestModel(t, &fakeBackend{entries: incidentTimeline()}, 80, 10)
	send(m, Update{Report: crowdedReport()})
	if open != "" {
		runCmd(t, m, send(m, pressKey(open)))
	}
	return m
}

// Issue 21: g/G and Home/End move to the top and the bottom in every view
// that scrolls, as the help promises; j/k and the page keys move between.
func TestTopAndBottomInEveryScrollingView(t *testing.T) {
	for _, sv := range scrollingViews {
		t.Run(sv.name, func(t *testing.T) {
			m := openView(t, sv.open)
			if m.view != sv.v {
				t.Fatalf("%q opened view %d", sv.open, m.view)
			}
			top := screen(m)
			for _, pair := range [][2]string{{"G", "g"}, {"end", "home"}, {"pgdown", "pgup"}, {"j", "k"}} {
				send(m, pressKey(pair[0]))
				if screen(m) == top {
					t.Errorf("%s did not scroll the %s view", pair[0], sv.name)
				}
				if pair[0] == "G" || pair[0] == "end" {
					bottom := screen(m)
					send(m, pressKey("j"))
					if screen(m) != bottom {
						t.Errorf("%s did not reach the bottom of the %s view", pair[0], sv.name)
					}
				}
				send(m, pressKey(pair[1]))
				if pair[1] != "k" && pair[1] != "pgup" && screen(m) != top {
					t.Errorf("%s did not go back to the top of the %s view", pair[1], sv.name)
				}
				send(m, pressKey("g"))
			}
		})
	}
}

// state is what a key press may change, to tell whether it did anything.
func state(m *Model) string {
	return fmt.Sprint(m.view, m.back, m.selected, m.findFocus, m.findCursor, m.filtering, m.silencing, m.configSort, m.tlAll, "\n", screen(m))
}

// Issue 21: the help lists exactly the keys that work. In every view,
// every key of every binding the help shows there (keyMap.inView), and
// every key of the hint bar, does something: it changes what is shown or
// starts a command. Keys that go up are pressed at the bottom.
func TestHelpListsOnlyKeysThatWork(t *testing.T) {
	views := append([]struct {
		name string
		v    view
		open string
	}{{"main", viewMain, ""}}, scrollingViews...)
	for _, sv := range views {
		t.Run(sv.name, func(t *testing.T) {
			var keys []string
			for _, group := range newKeyMap().inView(sv.v) {
				for _, b := range group {
					keys = append(keys, b.Keys()...)
				}
			}
			for _, h := range hints(sv.v) {
				if h.key == "/" {
					keys = append(keys, h.key)
					continue
				}
				keys = append(keys, strings.Split(h.key, "/")...)
			}
			for _, k := range keys {
				m := openView(t, sv.open)
				if upward(k) {
					send(m, pressKey("G"))
				}
				before := state(m)
				cmd := send(m, pressKey(k))
				if cmd == nil && state(m) == before {
					t.Errorf("the %s view lists %q, which does nothing there", sv.name, k)
				}
			}
		})
	}
}

// upward reports whether k moves up, so it can only act below the top.
func upward(k string) bool {
	switch k {
	case "k", "up", "g", "home", "pgup", "b", "ctrl+u":
		return true
	}
	return false
}
