package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// baseEnv are the variables every notification command gets. Nothing
// else of vendorwatch's environment is passed on, so a command never sees
// the keys kept in it (OPENAI_API_KEY, ...).
var baseEnv = []string{"PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "LOGNAME", "TMPDIR"}

// Command runs a program for each event with the Payload as JSON on its
// stdin, without a shell, under a timeout.
type Command struct {
	// Argv is the program and its arguments.
	Argv []string
	// Env names extra environment variables passed through.
	Env []string
	// Timeout bounds one run (default 10 s); the program is killed then.
	Timeout time.Duration
}

var _ Sender = (*Command)(nil)

// Send runs the command once. Besides the JSON on stdin it gets
// VENDORWATCH_EVENT (finding_opened, ...), VENDORWATCH_SEVERITY and
// VENDORWATCH_FINDING (the finding id) in its environment. Its stdout is
// discarded; a failure is reported with the first line of its stderr.
func (c *Command) Send(ctx context.Context, e Event) error {
	if len(c.Argv) == 0 {
		return errors.New("no command")
	}
	p := PayloadOf(e)
	body, err := encode(p)
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	// Everything the command gets leaves the process: its stdin, its
	// arguments and its environment are redacted.
	body = redact.Bytes(body)
	argv := make([]string, len(c.Argv))
	for i, a := range c.Argv {
		argv[i] = redact.String(a)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(body)
	var stderr capBuffer
	stderr.max = 4 << 10
	cmd.Stderr = &stderr
	cmd.Stdout = &capBuffer{max: 0}
	cmd.Env = c.environ(p)
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	name := termtext.Line(filepath.Base(c.Argv[0]))
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s did not finish within %s", name, timeout)
	case errors.Is(err, exec.ErrNotFound):
		return fmt.Errorf("command %q not found", name)
	}
	msg := fmt.Sprintf("%s failed", name)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		msg = fmt.Sprintf("%s exited with status %d", name, ee.ExitCode())
	}
	if line := firstLine(stderr.String()); line != "" {
		msg += ": " + termtext.Clip(line, 160)
	}
	return errors.New(msg)
}

// environ is the command's environment, every value redacted: a variable
// passed through by name that holds a key (OPENAI_API_KEY) arrives
// blanked.
func (c *Command) environ(p Payload) []string {
	env := passEnv(append(append([]string{}, baseEnv...), c.Env...))
	env = append(env,
		"VENDORWATCH_EVENT="+p.Event,
		"VENDORWATCH_SEVERITY="+string(p.Finding.Severity),
		"VENDORWATCH_FINDING="+p.Finding.ID)
	for i, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		env[i] = name + "=" + redact.String(value)
	}
	return env
}

// passEnv returns NAME=value for each named variable that is set.
func passEnv(names []string) []string {
	env := []string{}
	for _, name := range names {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// firstLine is the first non-blank line of a command's output, redacted
// before it is cleaned.
func firstLine(s string) string {
	s = redact.String(s)
	for l := range strings.SplitSeq(s, "\n") {
		if l = termtext.Line(l); l != "" {
			return l
		}
	}
	return ""
}

// capBuffer keeps the first max bytes written and discards the rest.
type capBuffer struct {
	buf bytes.Buffer
	max int
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (b *capBuffer) String() string { return b.buf.String() }
