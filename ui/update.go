package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// bell is the terminal bell, written raw: Println-style commands print
// nothing in the alternate screen.
const bell = "\a"

// onUpdate takes a backend update: the new report, what is in flight, and
// whether a finding just turned critical.
func (m *Model) onUpdate(u Update) tea.Cmd {
	var cmds []tea.Cmd
	m.report, m.seen, m.inFlight = u.Report, true, u.InFlight
	if m.report.Verdict.Word == "" && len(m.report.Vendors) > 0 {
		m.report.Verdict = correlate.VerdictOf(m.report) // a report not made by Assess
	}
	m.banner = termtext.Line(u.Banner)
	clear(m.checking)
	for _, id := range u.Checking {
		m.checking[id] = true
	}
	if m.inFlight <= 0 {
		m.inFlight = 0
		clear(m.checking)
	}
	if m.inFlight > 0 && !m.spinning {
		m.spinning = true
		cmds = append(cmds, m.spin.Tick)
	}
	if m.newCritical() {
		cmds = append(cmds, tea.Raw(bell))
	}
	m.rebuild()
	m.followFinding()
	if m.view == viewTimeline && u.Recorded && !m.tlLoading {
		cmds = append(cmds, m.loadTimeline())
	}
	return tea.Batch(cmds...)
}

// newCritical records the report's critical findings and reports whether
// one of them was not critical before, so the bell rings once per finding
// (correlate's Finding.Key) turning critical, not on every check while it
// stays so.
func (m *Model) newCritical() bool {
	now := map[string]bool{}
	rang := false
	for _, f := range m.report.Findings {
		if f.Severity != correlate.SeverityCritical {
			continue
		}
		id := f.Key()
		now[id] = true
		if !m.critical[id] {
			rang = true
		}
	}
	m.critical = now
	return rang
}

// onKey handles a key press in the current view.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if m.filtering {
		return m.onFilterKey(msg)
	}
	if m.silencing {
		return m.onPromptKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		if m.view == viewHelp {
			m.view = m.back
		} else {
			m.back, m.view = m.view, viewHelp
			m.hp.GotoTop()
		}
		m.layout()
		return nil
	case key.Matches(msg, k.Refresh):
		return tea.Batch(m.checkNow(), m.setFlash(flashInfo, "checking every vendor now"))
	case key.Matches(msg, k.Copy):
		return tea.Batch(m.loadReport(), m.setFlash(flashInfo, "building the incident report…"))
	case key.Matches(msg, k.Open):
		return m.openCurrent()
	}
	switch m.view {
	case viewDetail:
		return m.onDetailKey(msg)
	case viewTimeline:
		return m.onTimelineKey(msg)
	case viewMaintenances:
		if key.Matches(msg, k.Back) {
			m.view = m.back
			m.layout()
			return nil
		}
		m.scroll(&m.mt, msg)
		return nil
	case viewHelp:
		if key.Matches(msg, k.Back) {
			m.view = m.back
			m.layout()
			return nil
		}
		m.scroll(&m.hp, msg)
		return nil
	}
	return m.onMainKey(msg)
}

func (m *Model) onMainKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Findings):
		m.findFocus = !m.findFocus && len(m.report.Findings) > 0
		m.moveFinding(0)
		return nil
	case key.Matches(msg, k.Silence):
		return m.startSilence()
	case m.findFocus && key.Matches(msg, k.Up):
		m.moveFinding(-1)
	case m.findFocus && key.Matches(msg, k.Down):
		m.moveFinding(1)
	case m.findFocus && key.Matches(msg, k.Top):
		m.moveFinding(-len(m.report.Findings))
	case m.findFocus && key.Matches(msg, k.Bottom):
		m.moveFinding(len(m.report.Findings))
	case m.findFocus && key.Matches(msg, k.PageUp):
		m.moveFinding(-5)
	case m.findFocus && key.Matches(msg, k.PageDown):
		m.moveFinding(5)
	case m.findFocus && key.Matches(msg, k.Back):
		m.findFocus = false
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Top):
		m.move(-len(m.rows))
	case key.Matches(msg, k.Bottom):
		m.move(len(m.rows))
	case key.Matches(msg, k.PageUp):
		m.move(-10)
	case key.Matches(msg, k.PageDown):
		m.move(10)
	case key.Matches(msg, k.Enter):
		if _, ok := m.current(); ok {
			m.view = viewDetail
			m.detail.GotoTop()
			m.layout()
		}
	case key.Matches(msg, k.Back):
		if m.filter.Value() != "" {
			m.filter.Reset()
			m.rebuild()
		}
	case key.Matches(msg, k.Filter):
		m.filtering = true
		m.layout()
		return m.filter.Focus()
	case key.Matches(msg, k.Sort):
		m.configSort = !m.configSort
		m.rebuild()
		if m.configSort {
			return m.setFlash(flashInfo, "sorted as configured")
		}
		return m.setFlash(flashInfo, "sorted worst first")
	case key.Matches(msg, k.Timeline):
		return m.openTimeline(viewMain, true)
	case key.Matches(msg, k.Maintenances):
		m.back, m.view = viewMain, viewMaintenances
		m.mt.GotoTop()
		m.layout()
	}
	return nil
}

func (m *Model) onDetailKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back):
		m.view = viewMain
		m.layout()
		return nil
	case key.Matches(msg, m.keys.Timeline):
		return m.openTimeline(viewDetail, false)
	}
	m.scroll(&m.detail, msg)
	return nil
}

func (m *Model) onTimelineKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back):
		m.view = m.back
		m.layout()
		return nil
	case key.Matches(msg, m.keys.TimelineVendor):
		if m.selected == "" {
			return nil
		}
		m.tlAll = !m.tlAll
		m.tl.GotoTop()
		return m.loadTimeline()
	}
	m.scroll(&m.tl, msg)
	return nil
}

// scroll moves the text of a scrolling view by the dashboard's own keys
// (keyMap.scrollKeys), the same in every view: a line, a page, or to
// either end. Other keys do nothing here, so the help lists exactly what
// works.
func (m *Model) scroll(vp *viewport.Model, msg tea.KeyPressMsg) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		vp.PageUp()
	case key.Matches(msg, k.PageDown):
		vp.PageDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	}
}

// onFilterKey edits the vendor filter: the table follows each key stroke;
// enter keeps the filter, esc drops it.
func (m *Model) onFilterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "enter":
		m.filtering = false
		m.filter.Blur()
		m.layout()
		return nil
	case "esc":
		m.filtering = false
		m.filter.Blur()
		m.filter.Reset()
		m.rebuild()
		return nil
	case "up", "down":
		if msg.String() == "up" {
			m.move(-1)
		} else {
			m.move(1)
		}
		return nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	m.rebuild()
	return cmd
}

// onWheel scrolls whatever the view scrolls: the selection on the main
// view, the text elsewhere.
func (m *Model) onWheel(msg tea.MouseWheelMsg) tea.Cmd {
	switch m.view {
	case viewDetail:
		m.detail, _ = m.detail.Update(msg)
	case viewTimeline:
		m.tl, _ = m.tl.Update(msg)
	case viewMaintenances:
		m.mt, _ = m.mt.Update(msg)
	case viewHelp:
		m.hp, _ = m.hp.Update(msg)
	case viewMain:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(-1)
		case tea.MouseWheelDown:
			m.move(1)
		}
	}
	return nil
}

// openTimeline shows the timeline, of every vendor or of the selected one,
// and asks the backend for its entries.
func (m *Model) openTimeline(from view, all bool) tea.Cmd {
	m.back, m.view = from, viewTimeline
	m.tlAll = all || m.selected == ""
	m.tl.GotoTop()
	return m.loadTimeline()
}

func (m *Model) onTimeline(msg timelineMsg) tea.Cmd {
	if msg.seq != m.tlSeq {
		return nil // an answer to an older question
	}
	m.tlLoading = false
	m.tlEntries, m.tlErr = msg.entries, ""
	if msg.err != nil {
		m.tlErr = termtext.Line(msg.err.Error())
	}
	m.layout()
	return nil
}

func (m *Model) onReport(msg reportMsg) tea.Cmd {
	if msg.err != nil {
		return m.setFlash(flashError, "no incident report: "+termtext.Line(msg.err.Error()))
	}
	lines := strings.Count(msg.text, "\n") + 1
	return tea.Batch(
		tea.SetClipboard(redact.String(msg.text)), // OSC 52 is an exit too
		m.setFlash(flashInfo, fmt.Sprintf("copied the incident report (%d lines) to the clipboard (OSC 52)", lines)),
	)
}

// flashKind styles the flash line.
type flashKind int

const (
	flashInfo flashKind = iota
	flashError
)

// flashDoneMsg clears the flash line it belongs to.
type flashDoneMsg int

// flashFor is how long a flash message stays.
const flashFor = 5 * time.Second

// setFlash shows a message in place of the key hints for a few seconds.
func (m *Model) setFlash(kind flashKind, text string) tea.Cmd {
	m.flashID++
	m.flash, m.flashStyle = text, kind
	id := m.flashID
	return m.after(flashFor, func(time.Time) tea.Msg { return flashDoneMsg(id) })
}
