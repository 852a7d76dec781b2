package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// RunOptions tune Run.
type RunOptions struct {
	Options
	// NoColor turns colour off (--no-color). NO_COLOR set to any value
	// does too (no-color.org), even where colorprofile would not.
	NoColor bool
	// Input and Output are the terminal (os.Stdin and os.Stdout when nil).
	Input  io.Reader
	Output io.Writer
}

// frameRate is the renderer's frame rate. Bubble Tea's renderer wakes on
// a ticker at this rate even when nothing changed (it compares the frame
// and writes nothing), so the rate is the idle dashboard's cost: measured
// on a 2-core VM, 60 fps (the default) idles at 1.1-1.4% CPU, 20 fps at
// about 0.45%. 20 fps adds at most 50 ms to a key's echo and is faster
// than the spinner's 12 frames a second.
const frameRate = 20

// backendGrace is how long Run waits for the backend to stop after the
// dashboard quits.
const backendGrace = 2 * time.Second

// Run shows the dashboard until the user quits or ctx ends. The backend
// runs in its own goroutine and delivers its updates with Program.Send,
// which is safe from any goroutine; it is stopped before Run returns.
func Run(parent context.Context, b Backend, o RunOptions) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	b = redacted(b) // everything drawn or copied is redacted (issue 16)

	opts := []tea.ProgramOption{tea.WithContext(parent), tea.WithFPS(frameRate)}
	if o.Input != nil {
		opts = append(opts, tea.WithInput(o.Input))
	}
	if o.Output != nil {
		opts = append(opts, tea.WithOutput(o.Output))
	}
	if o.NoColor || os.Getenv("NO_COLOR") != "" {
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	p := tea.NewProgram(New(b, o.Options), opts...)

	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx, func(u Update) { p.Send(u) })
	}()

	_, err := p.Run()
	cancel()
	select {
	case <-done:
	case <-time.After(backendGrace):
		// A check is stuck past its own timeouts; do not hold the exit.
	}
	if errors.Is(err, tea.ErrProgramKilled) && parent.Err() != nil {
		return nil // stopped by a signal through ctx: a normal end
	}
	return err
}
