package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Silencer is a backend that can silence a finding ('a'): it stores a
// silence of the finding's vendor, kind and key for d. A backend without
// it (the demo) answers 'a' with a note.
type Silencer interface {
	Silence(ctx context.Context, f correlate.Finding, d time.Duration) (correlate.Silence, error)
}

// errNoSilencer: the backend cannot silence.
var errNoSilencer = errors.New("this dashboard cannot silence: run it with a state dir, or use vendorwatch silence add")

// Silence passes a silence on to the wrapped backend, when it can.
func (r redactedBackend) Silence(ctx context.Context, f correlate.Finding, d time.Duration) (correlate.Silence, error) {
	s, ok := r.b.(Silencer)
	if !ok {
		return correlate.Silence{}, errNoSilencer
	}
	sl, err := s.Silence(ctx, f, d)
	return redact.Value(sl), redactErr(err)
}

// silencedMsg is the answer to a silence asked for with 'a'.
type silencedMsg struct {
	s   correlate.Silence
	err error
}

// SilenceFor is what the dashboard's prompt reads: "30m", "2h", "1d".
func SilenceFor(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n float64
		n, err = strconv.ParseFloat(days, 64)
		d = time.Duration(n * 24 * float64(time.Hour))
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 || d > correlate.MaxSilence {
		return 0, fmt.Errorf("%q: give a duration such as 30m, 2h or 1d, at most 30d", s)
	}
	return d, nil
}

// selectedFinding is the finding 'a' would silence: the one under the
// findings cursor when the findings have the focus, else the selected
// vendor's first finding.
func (m *Model) selectedFinding() (correlate.Finding, bool) {
	fs := m.report.Findings
	if m.findFocus {
		if m.findCursor >= 0 && m.findCursor < len(fs) {
			return fs[m.findCursor], true
		}
		return correlate.Finding{}, false
	}
	if v, ok := m.current(); ok {
		if vf := m.report.FindingsFor(v.ID); len(vf) > 0 {
			return vf[0], true
		}
	}
	return correlate.Finding{}, false
}

// startSilence opens the duration prompt for the selected finding.
func (m *Model) startSilence() tea.Cmd {
	f, ok := m.selectedFinding()
	switch {
	case !ok:
		return m.setFlash(flashError, "no finding selected: tab moves to the findings")
	case len(f.Vendors) == 0:
		return m.setFlash(flashError, "only a finding about a vendor can be silenced")
	case f.Silenced != nil:
		return m.setFlash(flashInfo, "already "+silencedNote(*f.Silenced, m.opts.Now(), m.opts.Location))
	}
	if !m.canSilence() {
		return m.setFlash(flashError, errNoSilencer.Error())
	}
	m.silencing, m.silenceTarget, m.promptErr = true, f, ""
	m.prompt.Reset()
	m.prompt.SetValue("2h")
	m.prompt.CursorEnd()
	m.layout()
	return m.prompt.Focus()
}

// onPromptKey edits the duration of a silence: enter stores it, esc
// drops it.
func (m *Model) onPromptKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.silencing = false
		m.prompt.Blur()
		m.layout()
		return nil
	case "enter":
		d, err := SilenceFor(m.prompt.Value())
		if err != nil {
			m.promptErr = err.Error()
			return nil
		}
		m.silencing = false
		m.prompt.Blur()
		m.layout()
		f, s := m.silenceTarget, m.backend.(Silencer)
		return tea.Batch(m.setFlash(flashInfo, "silencing…"), func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			sl, err := s.Silence(ctx, f, d)
			return silencedMsg{s: sl, err: err}
		})
	}
	m.promptErr = ""
	var cmd tea.Cmd
	m.prompt, cmd = m.prompt.Update(msg)
	return cmd
}

// onSilenced tells how a silence went; the finding shows it dimmed from
// the next check.
func (m *Model) onSilenced(msg silencedMsg) tea.Cmd {
	if msg.err != nil {
		return m.setFlash(flashError, "silence failed: "+termtext.Line(msg.err.Error()))
	}
	return tea.Batch(m.setFlash(flashInfo, fmt.Sprintf("silence #%d: %s until %s (vendorwatch silence expire %d ends it)",
		msg.s.ID, termtext.Line(msg.s.Vendor), clockAt(msg.s.Until, m.opts.Now(), m.opts.Location), msg.s.ID)), m.checkNow())
}

// canSilence reports whether the backend under the redactor can
// silence.
func (m *Model) canSilence() bool {
	b := m.backend
	if r, ok := b.(redactedBackend); ok {
		b = r.b
	}
	_, ok := b.(Silencer)
	return ok
}

// moveFinding moves the findings cursor by d, within the findings.
func (m *Model) moveFinding(d int) {
	fs := m.report.Findings
	m.findCursor = min(max(m.findCursor+d, 0), max(len(fs)-1, 0))
	m.findKey = ""
	if m.findCursor < len(fs) {
		m.findKey = fs[m.findCursor].Key()
	}
	if m.findFocus && m.findCursor < len(fs) && len(fs[m.findCursor].Vendors) > 0 {
		// The vendor row and its detail follow the finding's vendor, when
		// the filter shows it.
		was := m.selected
		m.selected = fs[m.findCursor].Vendors[0]
		if m.cursor() < 0 {
			m.selected = was
		} else {
			m.picked = true
		}
		m.layout()
	}
}

// followFinding keeps the findings cursor on its finding when a new
// report moves it, and leaves the findings when there are none.
func (m *Model) followFinding() {
	for i, f := range m.report.Findings {
		if f.Key() == m.findKey {
			m.findCursor = i
			return
		}
	}
	if len(m.report.Findings) == 0 {
		m.findFocus = false
	}
	m.moveFinding(0)
}
