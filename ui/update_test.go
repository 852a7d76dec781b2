package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// collect runs cmd and every command it batches, each in its own
// goroutine as Bubble Tea does, and returns the messages that arrive
// within wait. Commands still running then (timers) are counted in
// pending.
func collect(cmd tea.Cmd, wait time.Duration) (msgs []tea.Msg, pending int) {
	if cmd == nil {
		return nil, 0
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		select {
		case msg := <-done:
			if batch, ok := msg.(tea.BatchMsg); ok {
				for _, c := range batch {
					if c != nil {
						wg.Add(1)
						go func() { defer wg.Done(); run(c) }()
					}
				}
				return
			}
			mu.Lock()
			msgs = append(msgs, msg)
			mu.Unlock()
		case <-time.After(wait):
			mu.Lock()
			pending++
			mu.Unlock()
		}
	}
	run(cmd)
	wg.Wait()
	return msgs, pending
}

// runCmd delivers to m the messages cmd produces at once, as the program
// would; timers are left alone.
func runCmd(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	msgs, _ := collect(cmd, 3*time.Second)
	for _, msg := range msgs {
		if _, tick := msg.(spinner.TickMsg); msg != nil && !tick {
			m.Update(msg)
		}
	}
}

// is reports whether a message is of the named type, for Bubble Tea's
// unexported messages such as tea.setClipboardMsg.
func is(msg tea.Msg, typ string) bool { return fmt.Sprintf("%T", msg) == typ }

func TestKeys(t *testing.T) {
	t.Run("j/k and arrows move the selection, which follows the vendor", func(t *testing.T) {
		m := newTestModel(t, &fakeBackend{}, 80, 24)
		steps := []struct {
			key, want string
		}{{"j", "openai"}, {"j", "anthropic"}, {"down", "github"}, {"j", "github"}, {"k", "anthropic"}, {"up", "openai"}, {"G", "github"}, {"g", "vapi"}}
		for _, s := range steps {
			send(m, press(s.key))
			if m.selected != s.want {
				t.Fatalf("after %s selected %q, want %q", s.key, m.selected, s.want)
			}
		}
		send(m, press("j"))
		// A new report that reorders the rows keeps the same vendor
		// selected.
		rep := incidentReport()
		rep.Vendors[2].Level = correlate.LevelCritical // Anthropic goes above OpenAI
		send(m, Update{Report: rep})
		if m.selected != "openai" {
			t.Errorf("selection moved to %q with the rows", m.selected)
		}
	})
	t.Run("enter opens the detail and esc goes back", func(t *testing.T) {
		m := newTestModel(t, &fakeBackend{}, 80, 24)
		send(m, press("enter"))
		if m.view != viewDetail || !strings.Contains(plain(m), "VAPI · critical · major outage") {
			t.Fatalf("enter: view %d\n%s", m.view, plain(m))
		}
		send(m, press("j")) // scrolls the detail, does not move the selection
		if m.selected != "vapi" || m.detail.YOffset() != 1 {
			t.Errorf("j in detail: selected %q, offset %d", m.selected, m.detail.YOffset())
		}
		send(m, press("j"), Update{Report: incidentReport()}) // a check finishes while reading
		if m.view != viewDetail || m.detail.YOffset() != 2 {
			t.Errorf("a new report moved the reader: view %d, offset %d", m.view, m.detail.YOffset())
		}
		send(m, press("esc"))
		if m.view != viewMain {
			t.Errorf("esc: view %d", m.view)
		}
	})
	t.Run("t shows the timeline, v switches to the selected vendor", func(t *testing.T) {
		b := &fakeBackend{entries: incidentTimeline()}
		m := newTestModel(t, b, 100, 30)
		runCmd(t, m, send(m, press("t")))
		out := plain(m)
		if m.view != viewTimeline || !strings.Contains(out, "TIMELINE · all vendors · 7 events") ||
			!strings.Contains(out, "12:52 5m ago    ▲ VAPI       Incident update (identified)") || !strings.Contains(out, "10:57 2h00m ago ✖ OpenAI") {
			t.Fatalf("timeline:\n%s", out)
		}
		if strings.Index(out, "12:52") > strings.Index(out, "10:57") {
			t.Errorf("timeline is not newest first:\n%s", out)
		}
		runCmd(t, m, send(m, press("v")))
		out = plain(m)
		_, body, _ := strings.Cut(out, "\n") // the header's verdict names OpenAI's key
		if !strings.Contains(out, "TIMELINE · VAPI · 4 events") || strings.Contains(body, "OpenAI key prod") {
			t.Errorf("timeline of VAPI:\n%s", out)
		}
		if got := fmt.Sprint(b.timelines); got != "[ vapi]" {
			t.Errorf("timeline requests = %q", got)
		}
		send(m, press("esc"))
		if m.view != viewMain {
			t.Errorf("esc from the timeline: view %d", m.view)
		}
	})
	t.Run("t from the detail shows that vendor's timeline", func(t *testing.T) {
		b := &fakeBackend{entries: incidentTimeline()}
		m := newTestModel(t, b, 100, 30)
		send(m, press("j"), press("enter"))
		runCmd(t, m, send(m, press("t")))
		if got := fmt.Sprint(b.timelines); got != "[openai]" {
			t.Errorf("timeline requests = %q", got)
		}
		send(m, press("esc"))
		if m.view != viewDetail {
			t.Errorf("esc from the timeline went to view %d, want the detail", m.view)
		}
	})
	t.Run("? toggles the full help", func(t *testing.T) {
		m := newTestModel(t, &fakeBackend{}, 80, 24)
		send(m, press("?"))
		out := plain(m)
		for _, want := range []string{"KEYS", "check now", "copy report", "open page", "timeline", "LEVELS", "set-clipboard on"} {
			if !strings.Contains(out, want) {
				t.Errorf("help lacks %q:\n%s", want, out)
			}
		}
		send(m, press("?"))
		if m.view != viewMain {
			t.Errorf("? again: view %d", m.view)
		}
	})
	t.Run("q and ctrl+c quit", func(t *testing.T) {
		for _, k := range []string{"q", "ctrl+c"} {
			m := newTestModel(t, &fakeBackend{}, 80, 24)
			msgs, _ := collect(send(m, press(k)), time.Second)
			if len(msgs) != 1 || !is(msgs[0], "tea.QuitMsg") {
				t.Errorf("%s gave %#v", k, msgs)
			}
		}
	})
	t.Run("/ filters vendors as you type; q is text there", func(t *testing.T) {
		m := newTestModel(t, &fakeBackend{}, 80, 24)
		send(m, press("/"))
		typeText(m, "an")
		if got := rowsOf(m); got != "[anthropic]" {
			t.Errorf("filter an: rows %s", got)
		}
		typeText(m, "q")
		if got := rowsOf(m); got != "[]" || !strings.Contains(plain(m), "No vendor matches /anq") {
			t.Errorf("filter anq: rows %s\n%s", got, plain(m))
		}
		send(m, press("esc"))
		if got := rowsOf(m); got != "[vapi openai anthropic github]" || m.filtering {
			t.Errorf("esc: rows %s, filtering %v", got, m.filtering)
		}
		send(m, press("/"))
		typeText(m, "AI")
		send(m, press("enter"))
		if got := rowsOf(m); got != "[openai]" || m.filtering || !strings.Contains(plain(m), "/AI (esc clears)") {
			t.Errorf("enter keeps the filter: rows %s\n%s", got, plain(m))
		}
		send(m, press("esc"))
		if got := rowsOf(m); len(m.rows) != 4 {
			t.Errorf("esc clears a kept filter: rows %s", got)
		}
	})
	t.Run("s sorts as configured and back", func(t *testing.T) {
		m := newTestModel(t, &fakeBackend{}, 80, 24)
		send(m, press("s"))
		if got := rowsOf(m); got != "[openai vapi anthropic github]" {
			t.Errorf("config order: %s", got)
		}
		send(m, press("s"))
		if got := rowsOf(m); got != "[vapi openai anthropic github]" {
			t.Errorf("worst first: %s", got)
		}
	})
	t.Run("the mouse wheel moves the selection and scrolls the detail", func(t *testing.T) {
		m := newTestModel(t, &fakeBackend{}, 80, 24)
		send(m, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
		if m.selected != "openai" {
			t.Errorf("wheel down: selected %q", m.selected)
		}
		send(m, tea.MouseWheelMsg{Button: tea.MouseWheelUp}, press("enter"), tea.MouseWheelMsg{Button: tea.MouseWheelDown})
		if m.detail.YOffset() == 0 {
			t.Error("the wheel does not scroll the detail")
		}
	})
}

func rowsOf(m *Model) string {
	var ids []string
	for _, i := range m.rows {
		ids = append(ids, m.report.Vendors[i].ID)
	}
	return fmt.Sprint(ids)
}

func TestActions(t *testing.T) {
	t.Run("r asks the backend to check now", func(t *testing.T) {
		b := &fakeBackend{}
		m := newTestModel(t, b, 80, 24)
		runCmd(t, m, send(m, press("r")))
		if b.checks != 1 || !strings.Contains(plain(m), "checking every vendor now") {
			t.Errorf("checks = %d\n%s", b.checks, plain(m))
		}
	})
	t.Run("c copies the backend's report through OSC 52", func(t *testing.T) {
		b := &fakeBackend{report: "# Incident\n\n- VAPI down\n"}
		m := newTestModel(t, b, 80, 24)
		msgs, _ := collect(send(m, press("c")), time.Second)
		var rep tea.Msg
		for _, msg := range msgs {
			if _, ok := msg.(reportMsg); ok {
				rep = msg
			}
		}
		if rep == nil {
			t.Fatalf("c produced %#v", msgs)
		}
		msgs, _ = collect(send(m, rep), time.Second)
		var clip []tea.Msg
		for _, msg := range msgs {
			if is(msg, "tea.setClipboardMsg") {
				clip = append(clip, msg)
			}
		}
		if len(clip) != 1 || fmt.Sprint(clip[0]) != b.report {
			t.Errorf("clipboard messages %#v", msgs)
		}
		if !strings.Contains(plain(m), "copied the incident report (4 lines)") {
			t.Errorf("no confirmation:\n%s", plain(m))
		}
	})
	t.Run("o opens the open incident, else the status page, never a non-web link", func(t *testing.T) {
		var opened []string
		b := &fakeBackend{}
		m := newTestModel(t, b, 80, 24)
		m.opts.OpenURL = func(_ context.Context, u string) error { opened = append(opened, u); return nil }
		runCmd(t, m, send(m, press("o")))
		send(m, press("j"))
		runCmd(t, m, send(m, press("o")))
		rep := incidentReport()
		rep.Vendors[3].Status.PageURL = "javascript:alert(1)"
		send(m, Update{Report: rep}, press("G"))
		runCmd(t, m, send(m, press("o")))
		want := "[https://status.vapi.ai/incident/901977 https://status.openai.com]"
		if got := fmt.Sprint(opened); got != want {
			t.Errorf("opened %s, want %s", got, want)
		}
		if !strings.Contains(plain(m), "no web page to open for GitHub") {
			t.Errorf("no refusal shown:\n%s", plain(m))
		}
	})
	t.Run("the flash message expires", func(t *testing.T) {
		m := newTestModel(t, &fakeBackend{}, 80, 24)
		send(m, press("s"))
		id := m.flashID
		send(m, press("s"))
		send(m, flashDoneMsg(id)) // the first one's timer: too old
		if m.flash == "" {
			t.Error("an old timer cleared a newer flash")
		}
		send(m, flashDoneMsg(m.flashID))
		if m.flash != "" || !strings.Contains(plain(m), "q quit") {
			t.Errorf("flash %q stays", m.flash)
		}
	})
}

// TestBell checks that a finding turning critical rings the bell once,
// and that it rings again only for another one.
func TestBell(t *testing.T) {
	rings := func(cmd tea.Cmd) int {
		msgs, _ := collect(cmd, time.Second)
		n := 0
		for _, msg := range msgs {
			if raw, ok := msg.(tea.RawMsg); ok && raw.Msg == bell {
				n++
			}
		}
		return n
	}
	calm := incidentReport()
	calm.Findings = calm.Findings[2:] // only the warning
	m := New(&fakeBackend{}, Options{Now: func() time.Time { return now }})
	steps := []struct {
		name     string
		findings []correlate.Finding
		want     int
	}{
		{"a warning does not ring", calm.Findings, 0},
		{"two findings turning critical ring once", incidentReport().Findings, 1},
		{"staying critical does not ring", incidentReport().Findings, 0},
		{"one closes", incidentReport().Findings[1:], 0},
		{"it opens again and rings", incidentReport().Findings, 1},
	}
	for _, s := range steps {
		rep := incidentReport()
		rep.Findings = s.findings
		if got := rings(send(m, Update{Report: rep})); got != s.want {
			t.Errorf("%s: bell rang %d times, want %d", s.name, got, s.want)
		}
	}
}

func TestWebURL(t *testing.T) {
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"https://status.vapi.ai/incident/901977", true},
		{"http://127.0.0.1:8080/status", true},
		{"javascript:alert(1)", false},
		{"file:///etc/passwd", false},
		{"--help", false},
		{"https://", false},
		{"", false},
	} {
		if got := webURL(tt.url); got != tt.ok {
			t.Errorf("webURL(%q) = %v, want %v", tt.url, got, tt.ok)
		}
	}
}
