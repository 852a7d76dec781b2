package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Every command below runs in its own goroutine, may wait, and never
// touches the model: it returns a message and Update applies it.

// backendTimeout bounds each call into the backend, since a command cannot
// be cancelled once started.
const backendTimeout = 10 * time.Second

// timelineMsg carries the answer to a timeline request.
type timelineMsg struct {
	seq     int
	entries []TimelineEntry
	err     error
}

// reportMsg carries the Markdown incident report for the clipboard.
type reportMsg struct {
	text string
	err  error
}

// openedMsg says whether a link could be opened.
type openedMsg struct {
	url string
	err error
}

// checkNow asks the backend for a check of every vendor.
func (m *Model) checkNow() tea.Cmd {
	b := m.backend
	return func() tea.Msg {
		b.CheckNow()
		return nil
	}
}

// loadTimeline asks for the timeline of the current filter. Each request
// has a sequence number so a slow answer to an old filter is dropped.
func (m *Model) loadTimeline() tea.Cmd {
	m.tlSeq++
	m.tlLoading = true
	seq, vendor, limit, b := m.tlSeq, "", m.opts.TimelineLimit, m.backend
	if !m.tlAll {
		vendor = m.selected
	}
	m.tlVendor = vendor
	m.layout()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), backendTimeout)
		defer cancel()
		entries, err := b.Timeline(ctx, vendor, limit)
		return timelineMsg{seq: seq, entries: entries, err: err}
	}
}

// loadReport asks the backend for the Markdown incident report.
func (m *Model) loadReport() tea.Cmd {
	b := m.backend
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), backendTimeout)
		defer cancel()
		text, err := b.IncidentReport(ctx)
		return reportMsg{text: text, err: err}
	}
}

// openCurrent opens the selected vendor's first open incident, else its
// status page, in the browser.
func (m *Model) openCurrent() tea.Cmd {
	v, ok := m.current()
	if !ok {
		return nil
	}
	link := v.Status.PageURL
	if open := v.Status.Open(); len(open) > 0 && open[0].URL != "" {
		link = open[0].URL
	}
	if !webURL(link) {
		return m.setFlash(flashError, "no web page to open for "+termtext.Line(v.Name))
	}
	opener := m.opts.OpenURL
	return tea.Batch(m.setFlash(flashInfo, "opening "+termtext.Line(link)+" …"), func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), backendTimeout)
		defer cancel()
		return openedMsg{url: link, err: opener(ctx, link)}
	})
}

// webURL reports whether s is an absolute http or https URL. Links come
// from status pages, so anything else (file:, javascript:, an option
// starting with "-") is never handed to the opener.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// openBrowser opens an http(s) URL with the system's opener. The opener's
// output is discarded (it would write over the dashboard), and it is not
// killed when it outlives the wait: it may be the browser itself.
func openBrowser(ctx context.Context, link string) error {
	if !webURL(link) {
		return errors.New("not a web address")
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", link)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", link)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" && os.Getenv("BROWSER") == "" {
			// Without a graphical session xdg-open falls back to a text
			// browser on this very terminal.
			return errors.New("no graphical session; open the link yourself")
		}
		cmd = exec.Command("xdg-open", link)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", cmd.Args[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%s: %w", cmd.Args[0], err)
		}
		return nil
	case <-ctx.Done():
		return nil // still running: most likely the browser opened
	case <-time.After(3 * time.Second):
		return nil
	}
}
