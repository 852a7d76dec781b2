package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Issue 21: the first screen says where the vendors come from: the
// config file in use or the built-in defaults, at the right of the main
// view's footer (a long path keeps its file name) and atop the help.
func TestFirstScreenNamesTheConfig(t *testing.T) {
	for _, tc := range []struct {
		source string
		w      int
		want   string
	}{
		{"config ~/.config/vendorwatch/config.yaml", 120, "config ~/.config/vendorwatch/config.yaml"},
		{"config ~/.config/vendorwatch/config.yaml", 80, "  …/vendorwatch/config.yaml"},
		{"built-in defaults", 80, "built-in defaults"},
		{"built-in defaults, and a long note", 60, "  built-in defaults, …"},
		{"config /srv/teams/payments/on-call/vendorwatch/production.yaml", 60, "  …/production.yaml"},
	} {
		m := New(&fakeBackend{}, Options{Now: func() time.Time { return now }, Location: time.UTC,
			OpenURL: func(context.Context, string) error { return nil }, Source: tc.source})
		m.every = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
		m.after = m.every
		send(m, tea.WindowSizeMsg{Width: tc.w, Height: 24}, Update{Report: incidentReport()})
		lines := strings.Split(strings.TrimRight(plain(m), "\n"), "\n")
		footer := lines[len(lines)-1]
		if !strings.HasSuffix(footer, tc.want) || !strings.Contains(footer, "? help  q quit") {
			t.Errorf("%d cells, source %q: footer %q, want the hints and then %q", tc.w, tc.source, footer, tc.want)
		}
		send(m, press("?"))
		if out := plain(m); !strings.Contains(out, "VENDORS FROM  "+tc.source[:min(len(tc.source), tc.w-20)]) {
			t.Errorf("%d cells: help does not name %q:\n%s", tc.w, tc.source, out)
		}
	}
}
