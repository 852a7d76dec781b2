package ui

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// TestIdleSchedulesNoTicks checks the ~0% CPU promise from the model's
// side: with nothing in flight, nothing the model does schedules a timer
// except the header clock, once a minute; the spinner runs only while
// checks are in flight and stops by itself after.
func TestIdleSchedulesNoTicks(t *testing.T) {
	var clocks []time.Duration
	m := New(&fakeBackend{}, Options{Now: func() time.Time { return now }})
	m.every = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		clocks = append(clocks, d)
		return func() tea.Msg { return fn(now) }
	}
	// noTimers fails when a command produces a tick or does not return at
	// once (a tea.Tick that is waiting).
	noTimers := func(step string, cmd tea.Cmd) {
		t.Helper()
		msgs, pending := collect(cmd, time.Second)
		if pending > 0 {
			t.Errorf("%s: %d command(s) still waiting: a timer", step, pending)
		}
		for _, msg := range msgs {
			switch msg.(type) {
			case spinner.TickMsg, clockMsg, flashDoneMsg:
				t.Errorf("%s: scheduled %T", step, msg)
			}
		}
	}

	msgs, pending := collect(m.Init(), time.Second)
	if pending > 0 || len(clocks) != 1 || clocks[0] != time.Minute {
		t.Fatalf("Init: clocks %v, pending %d", clocks, pending)
	}
	for _, msg := range msgs {
		if _, ok := msg.(clockMsg); !ok && !is(msg, "tea.backgroundColorMsg") {
			t.Errorf("Init produced %T", msg)
		}
	}

	noTimers("window size", send(m, tea.WindowSizeMsg{Width: 120, Height: 40}))
	noTimers("first report", send(m, Update{Report: incidentReport()}))
	noTimers("same report again", send(m, Update{Report: incidentReport()}))
	for _, k := range []string{"j", "k", "enter", "j", "esc", "?", "esc"} {
		noTimers("key "+k, send(m, press(k)))
	}

	// A check starts: the spinner ticks, and keeps ticking while it runs.
	msgs, _ = collect(send(m, Update{Report: incidentReport(), InFlight: 1, Checking: []string{"vapi"}}), time.Second)
	tick := findTick(msgs)
	if tick == nil {
		t.Fatalf("a check in flight started no spinner: %#v", msgs)
	}
	if !strings.Contains(plain(m), "checking 1") {
		t.Errorf("no 'checking' in the header:\n%s", plain(m))
	}
	// A second check starting does not start a second spinner.
	msgs, _ = collect(send(m, Update{Report: incidentReport(), InFlight: 2, Checking: []string{"vapi", "openai"}}), time.Second)
	if findTick(msgs) != nil {
		t.Error("a second spinner was started")
	}
	msgs, _ = collect(send(m, *tick), time.Second)
	if tick = findTick(msgs); tick == nil {
		t.Fatal("the spinner stopped while checks are in flight")
	}

	// Everything is done: the next tick is dropped and nothing follows.
	noTimers("checks done", send(m, Update{Report: incidentReport(), InFlight: 0, Recorded: true}))
	noTimers("late spinner tick", send(m, *tick))
	if m.spinning || strings.Contains(plain(m), "checking") {
		t.Errorf("still spinning after the checks: %v\n%s", m.spinning, plain(m))
	}

	// The minute clock re-arms itself, and only itself.
	clocks = nil
	send(m, clockMsg(now))
	if len(clocks) != 1 || clocks[0] != time.Minute {
		t.Errorf("clock tick scheduled %v", clocks)
	}
}

func findTick(msgs []tea.Msg) *spinner.TickMsg {
	for _, msg := range msgs {
		if t, ok := msg.(spinner.TickMsg); ok {
			return &t
		}
	}
	return nil
}
