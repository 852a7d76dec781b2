package ui

import (
	"fmt"
	"image/color"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// sgr matches the styling sequences the dashboard itself emits.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

func stripSGR(s string) string { return sgr.ReplaceAllString(s, "") }

// TestGolden renders the main, detail and timeline views of the
// 2026-05-21 picture at 80x24 and 120x40 in the dark, light and no-colour
// themes. Rewrite with: go test ./ui -run TestGolden -update
func TestGolden(t *testing.T) {
	views := []struct {
		name string
		keys []string
	}{
		{"main", nil},
		{"detail-vapi", []string{"enter"}},
		{"detail-openai", []string{"j", "enter"}},
		{"timeline", []string{"t"}},
		{"help", []string{"?"}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			for _, size := range [][2]int{{80, 24}, {120, 40}} {
				t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
					for _, th := range themes {
						t.Run(th.name, func(t *testing.T) {
							b := &fakeBackend{entries: incidentTimeline()}
							m := newTestModel(t, b, size[0], size[1], th.msgs...)
							for _, k := range v.keys {
								runCmd(t, m, send(m, press(k)))
							}
							out := screen(m)
							checkFrame(t, out, size[0], size[1])
							if th.name == "nocolor" && strings.Contains(out, "\x1b[38") {
								t.Error("the no-colour theme emits a colour")
							}
							golden.RequireEqual(t, out)
						})
					}
				})
			}
		})
	}
}

// checkFrame asserts the screen is exactly w x h cells at most.
func checkFrame(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("screen has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, n, w, ansi.Strip(l))
		}
	}
}

// TestGoldenContent checks, in plain text, what the goldens are for: the
// answer at a glance on the main view, and the evidence in the others.
func TestGoldenContent(t *testing.T) {
	b := &fakeBackend{entries: incidentTimeline()}
	m := newTestModel(t, b, 80, 24)
	main := plain(m)
	for _, want := range []string{
		"✖ KEY: OpenAI key prod revoked", "(+2 more)", "12:57", "FINDINGS  2 critical · 1 warning",
		"▸✖ VAPI", "major outage", "1/1 fail", " ✖ OpenAI", "operational", "1/2 fail", "2h00m",
		"✖ OpenAI key prod revoked while OpenAI reports operational", "→ Look for OpenAI's leak notice",
		"▲ VAPI depends on OpenAI",
	} {
		if !strings.Contains(main, want) {
			t.Errorf("main view lacks %q:\n%s", want, main)
		}
	}
	if strings.Index(main, "VAPI  ") > strings.Index(main, "Anthropic") {
		t.Errorf("vendors are not worst first:\n%s", main)
	}

	send(m, press("enter"))
	detail := plain(m)
	if !strings.Contains(detail, "✖ VAPI · critical · major outage") || !strings.Contains(detail, "→ It is them") {
		t.Errorf("detail view does not open on VAPI's findings:\n%s", detail)
	}
	content := stripSGR(m.detail.GetContent())
	for _, want := range []string{
		"API and dashboard down", "identified · impact major",
		"started 12:45 (12m ago) · updated 12:52 (5m ago)", "https://status.vapi.ai/incident/901977",
		"12:52 (5m ago)  identified", "Our dashboard cannot reach our backend", "12:45 (12m ago)  investigating",
	} {
		if !strings.Contains(content, want) {
			t.Errorf("detail view lacks %q:\n%s", want, content)
		}
	}
	// Scrolling reaches the oldest update, the keys and the sources.
	for range 60 {
		send(m, press("j"))
	}
	rest := plain(m)
	for _, want := range []string{"9f1c…e2d4", "vendor error", "betterstack", "https://status.vapi.ai/index.json"} {
		if !strings.Contains(rest, want) {
			t.Errorf("scrolled detail lacks %q:\n%s", want, rest)
		}
	}

	send(m, press("esc"), press("j"), press("enter"))
	keys := m.detail.GetContent()
	for _, want := range []string{
		"prod  sk-proj-…MxYA  invalid key  HTTP 401 · invalid_api_key · 231ms",
		"since 10:57 (2h00m ago) · 120 checks in a row", "canary-1 (canary)  sk-proj-…Q2aB  ok",
		"Incorrect API key provided",
	} {
		if !strings.Contains(stripSGR(keys), want) {
			t.Errorf("OpenAI detail lacks %q:\n%s", want, stripSGR(keys))
		}
	}
}

// TestWideShowsDetailBeside checks that wide terminals show the selected
// vendor's evidence beside the table, and narrow ones do not.
func TestWideShowsDetailBeside(t *testing.T) {
	for _, tt := range []struct {
		w, h int
		side bool
	}{{80, 24, false}, {119, 40, false}, {120, 40, true}, {200, 50, true}} {
		t.Run(fmt.Sprintf("%dx%d", tt.w, tt.h), func(t *testing.T) {
			m := newTestModel(t, &fakeBackend{}, tt.w, tt.h)
			out := plain(m)
			if got := strings.Contains(out, "INCIDENTS"); got != tt.side {
				t.Errorf("detail beside the table = %v, want %v:\n%s", got, tt.side, out)
			}
			checkFrame(t, screen(m), tt.w, tt.h)
		})
	}
}

// TestNarrowTerminalsDropColumns checks that the least useful columns go
// first and the frame never overflows.
func TestNarrowTerminalsDropColumns(t *testing.T) {
	for _, w := range []int{40, 60, 70, 80} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m := newTestModel(t, &fakeBackend{}, w, 20)
			checkFrame(t, screen(m), w, 20)
			out := plain(m)
			if !strings.Contains(out, "VAPI") || !strings.Contains(out, "STATUS") {
				t.Errorf("width %d lost the essentials:\n%s", w, out)
			}
			if w < 70 && strings.Contains(out, "LATENCY") {
				t.Errorf("width %d kept LATENCY:\n%s", w, out)
			}
		})
	}
}

// TestThemeFollowsTheTerminal checks the palette for each colour profile
// and background: hand-picked 256 colours (automatic downsampling turns
// the selected row's grey into teal), the terminal's own 16 colours, and
// reverse video where there is no colour.
func TestThemeFollowsTheTerminal(t *testing.T) {
	for _, tt := range []struct {
		name     string
		msgs     []tea.Msg
		selected string // how the selected row is marked
	}{
		{"truecolor dark", []tea.Msg{tea.ColorProfileMsg{Profile: colorprofile.TrueColor}, tea.BackgroundColorMsg{Color: color.Black}}, "48;2;45;51;59"},
		{"truecolor light", []tea.Msg{tea.ColorProfileMsg{Profile: colorprofile.TrueColor}, tea.BackgroundColorMsg{Color: color.White}}, "48;2;231;236;240"},
		{"256 dark", []tea.Msg{tea.ColorProfileMsg{Profile: colorprofile.ANSI256}, tea.BackgroundColorMsg{Color: color.Black}}, "48;5;237"},
		{"256 light", []tea.Msg{tea.ColorProfileMsg{Profile: colorprofile.ANSI256}, tea.BackgroundColorMsg{Color: color.White}}, "48;5;254"},
		{"16 colours", []tea.Msg{tea.ColorProfileMsg{Profile: colorprofile.ANSI}}, "\x1b[1;7;31m✖"},
		{"no colour", []tea.Msg{tea.ColorProfileMsg{Profile: colorprofile.Ascii}}, "\x1b[7m"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestModel(t, &fakeBackend{}, 80, 24, tt.msgs...)
			row := strings.Split(screen(m), "\n")[2] // VAPI, selected
			if !strings.Contains(row, tt.selected) {
				t.Errorf("selected row %q lacks %q", row, tt.selected)
			}
		})
	}
}
