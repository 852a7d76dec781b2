package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

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
	rep.Verdict = correlate.VerdictOf(rep)
	m := newTestModel(t, &fakeBackend{}, 140, 60)
	send(m, Update{Report: rep})
	main := plain(m)
	header, _, _ := strings.Cut(main, "\n")
	if !strings.Contains(header, "1 silenced") {
		t.Errorf("the header does not say a finding is silenced: %q", header)
	}
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

// silencer is a fake backend that can silence, recording what it was
// asked.
type silencer struct {
	*fakeBackend
	got []string
}

func (s *silencer) Silence(_ context.Context, f correlate.Finding, d time.Duration) (correlate.Silence, error) {
	s.got = append(s.got, f.Key()+" "+d.String())
	return correlate.Silence{ID: 5, Vendor: f.Vendors[0], Until: now.Add(d)}, nil
}

// deliver runs cmd, and the commands of a batch, handing every message
// of the kind keep accepts back to the model.
func deliver(m *Model, cmd tea.Cmd, keep func(tea.Msg) bool) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			deliver(m, c, keep)
		}
	default:
		if keep(msg) {
			m.Update(msg)
		}
	}
}

// tab moves the keys to the findings list; j moves its cursor; a opens
// the duration prompt for the finding under it, and enter silences it
// for what was typed. A bad duration is refused with the prompt kept.
func TestSilenceFromTheDashboard(t *testing.T) {
	b := &silencer{fakeBackend: &fakeBackend{}}
	m := New(b, Options{Now: func() time.Time { return now }, Location: time.UTC})
	m.every = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	m.after = m.every
	rep := incidentReport()
	send(m, tea.WindowSizeMsg{Width: 140, Height: 50}, Update{Report: rep})
	send(m, tea.KeyPressMsg{Code: tea.KeyTab})
	if v, _ := m.current(); v.ID != rep.Findings[0].Vendors[0] || v.ID == m.report.Vendors[m.rows[0]].ID {
		t.Errorf("the selected vendor is %s, want the first finding's %s (not the top row's)", v.ID, rep.Findings[0].Vendors[0])
	}
	send(m, press("j"))
	if !strings.Contains(plain(m), "▸ ✖ "+rep.Findings[1].Title[:20]) {
		t.Errorf("the cursor is not on the second finding:\n%s", plain(m))
	}
	if v, _ := m.current(); v.ID != rep.Findings[1].Vendors[0] {
		t.Errorf("the selected vendor is %s, not the finding's %s", v.ID, rep.Findings[1].Vendors[0])
	}
	send(m, press("a"))
	if !strings.Contains(plain(m), "silence for: 2h") {
		t.Fatalf("no duration prompt:\n%s", plain(m))
	}
	send(m, tea.KeyPressMsg{Code: tea.KeyBackspace}, tea.KeyPressMsg{Code: tea.KeyBackspace})
	typeText(m, "soon")
	send(m, press("enter"))
	if !strings.Contains(plain(m), "give a duration") || !m.silencing {
		t.Errorf("a bad duration was not refused:\n%s", plain(m))
	}
	for range 4 {
		send(m, tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText(m, "3h")
	cmd := send(m, press("enter"))
	deliver(m, cmd, func(msg tea.Msg) bool { _, ok := msg.(silencedMsg); return ok })
	if want := rep.Findings[1].Key() + " 3h0m0s"; len(b.got) != 1 || b.got[0] != want {
		t.Errorf("silenced %q, want %q", b.got, want)
	}
	if !strings.Contains(plain(m), "silence #5") {
		t.Errorf("no word of the silence:\n%s", plain(m))
	}

	// A backend that cannot silence says so.
	plainM := newTestModel(t, &fakeBackend{}, 140, 50)
	send(plainM, press("a"))
	if plainM.silencing || !strings.Contains(plain(plainM), "cannot silence") {
		t.Errorf("a backend without silences:\n%s", plain(plainM))
	}
}
