package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// leakyBackend hands the dashboard a key, split by invisible characters,
// in every way a backend can: a key's message in the report, the banner,
// a timeline entry, the incident report, an error.
type leakyBackend struct{ fakeBackend }

const disguisedKey = "5f0c9a1e-3b7d\u200b-4e2a-8c6f\x1b[0m-9d1b2a3c4e5f"

func (l *leakyBackend) Run(ctx context.Context, send func(Update)) {
	rep := incidentReport()
	rep.Vendors[1].Keys[0].Message = "VAPI rejected " + disguisedKey
	send(Update{Report: rep, Banner: "demo " + disguisedKey})
}

func (l *leakyBackend) Timeline(context.Context, string, int) ([]TimelineEntry, error) {
	return []TimelineEntry{{Vendor: "vapi", Text: "Key prod: " + disguisedKey}}, nil
}

func (l *leakyBackend) IncidentReport(context.Context) (string, error) {
	return "# Incident\n\n- VAPI echoed " + disguisedKey + "\n", nil
}

// noVAPIKey fails when s shows 8 characters of the VAPI key in a row,
// once escape sequences and invisible characters are gone.
func noVAPIKey(t *testing.T, where, s string) {
	t.Helper()
	plain := strings.NewReplacer("\u200b", "", "\x1b[0m", "").Replace(s)
	key := fixture.VAPIKey
	for i := 0; i+8 <= len(key); i++ {
		if strings.Contains(plain, key[i:i+8]) {
			t.Fatalf("%s shows %q of the key:\n%s", where, key[i:i+8], s)
		}
	}
}

// Everything the dashboard draws, and what it copies to the clipboard,
// has been redacted on its way in.
func TestDashboardRedactsWhatItShows(t *testing.T) {
	redact.Register(fixture.VAPIKey)
	b := &leakyBackend{}
	m := New(b, Options{Now: func() time.Time { return now }, Location: time.UTC})

	var updates []Update
	m.backend.Run(context.Background(), func(u Update) { updates = append(updates, u) })
	if len(updates) != 1 {
		t.Fatalf("%d updates", len(updates))
	}
	send(m, tea.WindowSizeMsg{Width: 120, Height: 40}, updates[0])
	send(m, press("enter"))
	noVAPIKey(t, "the dashboard", screen(m))
	if updates[0].Banner != "demo [redacted]" {
		t.Errorf("banner = %q", updates[0].Banner)
	}

	tl := m.loadTimeline()().(timelineMsg)
	noVAPIKey(t, "the timeline", tl.entries[0].Text)

	rep := m.loadReport()().(reportMsg)
	noVAPIKey(t, "the incident report for the clipboard", rep.text)
	if !strings.Contains(rep.text, "VAPI echoed [redacted]") {
		t.Errorf("report = %q", rep.text)
	}
}
