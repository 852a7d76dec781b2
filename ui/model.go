package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Options tune the dashboard. The zero value is ready to use.
type Options struct {
	// Now is the clock (time.Now when nil). Tests fix it.
	Now func() time.Time
	// Location is the time zone times are shown in (time.Local when nil).
	Location *time.Location
	// OpenURL opens a link in the user's browser (the system opener when
	// nil). It runs in a command, never in Update.
	OpenURL func(ctx context.Context, url string) error
	// TimelineLimit is how many timeline events to ask for (500 when 0).
	TimelineLimit int
	// Source says where the vendors come from, shown at the right of the
	// main view's footer and atop the help screen: "config
	// ~/.config/vendorwatch/config.yaml", "built-in defaults", "remote
	// https://vw.internal", "demo". Empty shows nothing.
	Source string
}

// view is the screen being shown.
type view int

const (
	viewMain view = iota
	viewDetail
	viewTimeline
	viewHelp
	viewMaintenances
)

// Model is the dashboard's Bubble Tea model. Create it with New; Run
// starts it with a backend.
type Model struct {
	backend Backend
	opts    Options
	keys    keyMap
	th      theme
	dark    bool
	profile colorprofile.Profile
	// every schedules the clock and after the flash's expiry: tea.Every
	// and tea.Tick outside tests.
	every, after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

	width, height int

	// report is the latest report; seen is false until the first one.
	report   correlate.Report
	seen     bool
	inFlight int
	checking map[string]bool
	// critical holds the critical findings of the latest report, to ring
	// the bell when one appears.
	critical map[string]bool

	// rows are indices into report.Vendors in display order, after sort
	// and filter. selected is the selected vendor's id, so the cursor
	// follows a vendor when rows move.
	rows       []int
	selected   string
	picked     bool // the user moved the selection
	configSort bool

	view, back view

	filter    textinput.Model
	filtering bool

	spin     spinner.Model
	spinning bool

	detail viewport.Model

	// tl shows the timeline of every vendor (tlAll) or of the selected
	// one; tlSeq numbers the requests so a late answer to an old one is
	// dropped.
	tl        viewport.Model
	tlAll     bool
	tlVendor  string
	tlEntries []TimelineEntry
	tlErr     string
	tlLoading bool
	tlSeq     int

	// mt shows the maintenance calendar of the latest report.
	mt viewport.Model

	// hp shows the help screen, which scrolls when the window is short.
	hp   viewport.Model
	help help.Model

	flash      string
	flashStyle flashKind
	flashID    int

	// banner is the backend's line under the header ("" for none).
	banner string

	// findFocus gives the main view's keys to the findings list (tab),
	// whose cursor is findCursor, an index into report.Findings.
	findFocus  bool
	findCursor int
	findKey    string // the cursor's finding (correlate's Finding.Key)
	// silencing is true while the duration prompt of 'a' is open for
	// silenceTarget.
	silencing     bool
	silenceTarget correlate.Finding
	prompt        textinput.Model
	promptErr     string // why the duration typed was refused
}

// New returns a dashboard over b. It shows nothing useful until its first
// WindowSizeMsg and Update arrive.
func New(b Backend, o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.OpenURL == nil {
		o.OpenURL = openBrowser
	}
	if o.TimelineLimit <= 0 {
		o.TimelineLimit = 500
	}
	m := &Model{
		backend:  redacted(b),
		opts:     o,
		keys:     newKeyMap(),
		dark:     true,
		profile:  colorprofile.TrueColor,
		every:    tea.Every,
		after:    tea.Tick,
		checking: map[string]bool{},
		critical: map[string]bool{},
		spin:     spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		detail:   viewport.New(),
		tl:       viewport.New(),
		mt:       viewport.New(),
		hp:       viewport.New(),
		help:     help.New(),
		tlAll:    true,
	}
	m.filter = textinput.New()
	m.filter.Prompt = "/"
	m.filter.Placeholder = "filter vendors"
	m.filter.CharLimit = 64
	m.prompt = textinput.New()
	m.prompt.Prompt = "silence for: "
	m.prompt.CharLimit = 16
	m.setTheme()
	return m
}

// Init asks the terminal for its background colour (the answer arrives as
// tea.BackgroundColorMsg; until then the dark theme is used) and starts
// the minute clock.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.clock())
}

// clockMsg is the minute tick of the header clock.
type clockMsg time.Time

// clock schedules the next minute tick, aligned to the wall clock. It is
// the only timer that runs while the dashboard is idle: one wake-up a
// minute keeps the header clock and the relative times ("12m ago")
// right even when checks are minutes apart, at no measurable cost.
// Nothing on screen shows seconds, so nothing needs a faster tick.
func (m *Model) clock() tea.Cmd {
	return m.every(time.Minute, func(t time.Time) tea.Msg { return clockMsg(t) })
}

func (m *Model) setTheme() {
	m.th = newTheme(m.dark, m.profile)
	m.help.Styles = m.th.help
	m.spin.Style = m.th.accent
	m.filter.SetStyles(filterStyles(m.th))
	m.rebuild()
}

// Update handles a message. It never does I/O: anything that waits is a
// command.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.rebuild()
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.setTheme()
		return m, nil
	case tea.ColorProfileMsg:
		m.profile = msg.Profile
		m.setTheme()
		return m, nil
	case Update:
		return m, m.onUpdate(msg)
	case spinner.TickMsg:
		if m.inFlight == 0 {
			m.spinning = false // drop the tick: the spinner stops
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case clockMsg:
		m.rebuild() // relative times moved on
		return m, m.clock()
	case flashDoneMsg:
		if int(msg) == m.flashID {
			m.flash = ""
		}
		return m, nil
	case timelineMsg:
		return m, m.onTimeline(msg)
	case silencedMsg:
		return m, m.onSilenced(msg)
	case reportMsg:
		return m, m.onReport(msg)
	case openedMsg:
		if msg.err != nil {
			return m, m.setFlash(flashError, "could not open "+termtext.Line(msg.url)+": "+termtext.Line(msg.err.Error()))
		}
		return m, m.setFlash(flashInfo, "opened "+termtext.Line(msg.url))
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	case tea.MouseWheelMsg:
		return m, m.onWheel(msg)
	}
	return m, nil
}
