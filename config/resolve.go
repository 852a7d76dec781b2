package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/shlex"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// DefaultCmdTimeout bounds a cmd: secret reference. Secret-manager CLIs
// (gcloud, op, vault) answer in a second or two when all is well.
const DefaultCmdTimeout = 15 * time.Second

// maxSecretBytes caps what a file or command may yield: a key is tens of
// bytes, so anything near this is not a key.
const maxSecretBytes = 64 << 10

// Codes of a SecretError, for machines (the KeyResult's code).
const (
	SecretEnvUnset       = "env_unset"
	SecretFileUnreadable = "file_unreadable"
	SecretCmdFailed      = "cmd_failed"
	SecretCmdTimeout     = "cmd_timeout"
	SecretEmpty          = "secret_empty"
	SecretMalformed      = "secret_malformed"
)

// SecretError says why a secret reference did not resolve. It names the
// reference (env:NAME, file:PATH, cmd:COMMAND), never a value.
type SecretError struct {
	// Ref is the reference as written, e.g. "env:OPENAI_API_KEY".
	Ref string
	// Code is one of the Secret* codes.
	Code string
	// Reason is a short, scrubbed sentence.
	Reason string
}

func (e *SecretError) Error() string { return e.Ref + ": " + e.Reason }

// Resolver turns secret references into secrets. The zero value is ready
// to use: it reads the process environment and gives commands
// DefaultCmdTimeout.
type Resolver struct {
	// CmdTimeout bounds each cmd: reference (default DefaultCmdTimeout).
	CmdTimeout time.Duration
	// LookupEnv reads a variable (default os.LookupEnv).
	LookupEnv func(string) (string, bool)
}

// Resolve returns the secret ref points at. The value lives only in the
// caller's memory: nothing is cached or written anywhere. It is
// registered with the process's redactor (internal/redact) before it is
// returned, so that every exit blanks it from then on; this is the one
// place vendorwatch resolves a secret. A failure is a *SecretError that
// names the reference and never the value.
func (r *Resolver) Resolve(ctx context.Context, ref SecretRef) (string, error) {
	var (
		val string
		err *SecretError
	)
	switch ref.Kind {
	case SecretEnv:
		val, err = r.env(ref)
	case SecretFile:
		val, err = readSecretFile(ref)
	case SecretCmd:
		val, err = r.run(ctx, ref)
	case SecretLiteral:
		val = ref.Value
	default:
		return "", &SecretError{Ref: "(no secret)", Code: SecretMalformed, Reason: "no secret reference given"}
	}
	if err != nil {
		return "", err
	}
	clean, cerr := cleanSecret(ref, val)
	if cerr != nil {
		// A value refused as malformed (a command that printed more than
		// the key) may still hold the key: its long words are registered,
		// not its prose.
		for _, w := range strings.Fields(val) {
			if len(w) >= 16 {
				redact.Register(w)
			}
		}
		return "", cerr
	}
	redact.Register(clean)
	return clean, nil
}

// cleanSecret trims a value and refuses what cannot be a key: nothing at
// all, or several lines (a command that printed more than the key).
func cleanSecret(ref SecretRef, val string) (string, error) {
	val = strings.TrimSpace(val)
	if val == "" {
		return "", &SecretError{Ref: ref.String(), Code: SecretEmpty, Reason: "is empty"}
	}
	if strings.ContainsAny(val, "\r\n") {
		return "", &SecretError{Ref: ref.String(), Code: SecretMalformed, Reason: "holds several lines; a key is one line (print only the key)"}
	}
	if strings.IndexFunc(val, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "", &SecretError{Ref: ref.String(), Code: SecretMalformed, Reason: "holds control characters; a key is printable text"}
	}
	return val, nil
}

func (r *Resolver) env(ref SecretRef) (string, *SecretError) {
	lookup := r.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, ok := lookup(ref.Value)
	if !ok {
		return "", &SecretError{Ref: ref.String(), Code: SecretEnvUnset, Reason: "the variable is not set"}
	}
	return v, nil
}

// ExpandHome replaces a leading ~ or ~/ with the home directory.
func ExpandHome(path string) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot expand ~: %w", err)
	}
	return filepath.Join(home, path[1:]), nil
}

func readSecretFile(ref SecretRef) (string, *SecretError) {
	fail := func(reason string) (string, *SecretError) {
		return "", &SecretError{Ref: ref.String(), Code: SecretFileUnreadable, Reason: reason}
	}
	path, err := ExpandHome(ref.Value)
	if err != nil {
		return fail(err.Error())
	}
	f, err := os.Open(path)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fail("no such file")
		case errors.Is(err, fs.ErrPermission):
			return fail("permission denied")
		}
		return fail("cannot open the file")
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return fail("is a directory, not a file")
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSecretBytes+1))
	if err != nil {
		return fail("cannot read the file")
	}
	if len(b) > maxSecretBytes {
		return fail("is too large to be a key")
	}
	return string(b), nil
}

// SplitCommand splits a cmd: reference into argv the way a POSIX shell
// would (quotes and backslashes), without running a shell: no pipes,
// variables or globbing.
func SplitCommand(cmd string) ([]string, error) {
	argv, err := shlex.Split(cmd)
	if err != nil {
		return nil, fmt.Errorf("cannot split the command into words: %w", err)
	}
	if len(argv) == 0 {
		return nil, errors.New("the command is empty")
	}
	return argv, nil
}

// run executes a cmd: reference without a shell, under a timeout, with no
// stdin. Its trimmed stdout is the secret; its stderr is only ever shown
// as a scrubbed one-line summary.
func (r *Resolver) run(ctx context.Context, ref SecretRef) (string, *SecretError) {
	fail := func(code, reason string) (string, *SecretError) {
		return "", &SecretError{Ref: ref.String(), Code: code, Reason: reason}
	}
	argv, err := SplitCommand(ref.Value)
	if err != nil {
		return fail(SecretMalformed, err.Error())
	}
	timeout := r.CmdTimeout
	if timeout <= 0 {
		timeout = DefaultCmdTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	stdout := &capWriter{max: maxSecretBytes}
	stderr := &capWriter{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = time.Second // a child that keeps the pipes open cannot hold us
	err = cmd.Run()
	out := stdout.String()
	switch {
	case ctx.Err() != nil:
		return fail(SecretCmdTimeout, fmt.Sprintf("did not finish within %s", timeout))
	case errors.Is(err, exec.ErrNotFound):
		return fail(SecretCmdFailed, fmt.Sprintf("command %q not found in PATH", termtext.Line(filepath.Base(argv[0]))))
	case err != nil:
		var ee *exec.ExitError
		reason := "could not run"
		if errors.As(err, &ee) {
			reason = fmt.Sprintf("exited with status %d", ee.ExitCode())
		}
		if s := summarize(stderr.String(), out); s != "" {
			reason += ": " + s
		}
		return fail(SecretCmdFailed, reason)
	case stdout.over:
		return fail(SecretMalformed, "printed too much to be a key")
	}
	return out, nil
}

// summarize reduces a command's stderr to its first non-blank line,
// scrubbed of anything key-like and of known values, cleaned of control
// characters and cut to 160 characters.
func summarize(stderr string, known ...string) string {
	var lines []string
	for l := range strings.SplitSeq(stderr, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	var trimmed []string
	for _, k := range known {
		if k = strings.TrimSpace(k); k != "" {
			trimmed = append(trimmed, k)
		}
	}
	s := termtext.Line(redactWords(Redact(lines[0], append(known, trimmed...)...)))
	s = termtext.Clip(s, 160)
	if len(lines) > 1 {
		s += fmt.Sprintf(" (+%d more lines)", len(lines)-1)
	}
	return s
}

// capWriter keeps the first max bytes written to it and notes overflow.
type capWriter struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.max - w.buf.Len(); room < len(p) {
		w.over = true
		if room > 0 {
			w.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return w.buf.Write(p)
}

func (w *capWriter) String() string { return w.buf.String() }

func isLetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }

// redactWords blanks every word of 20 or more characters that mixes
// letters and digits: a command that fails may print a secret of a shape
// no pattern knows, and a summary can do without such words.
func redactWords(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if len(w) >= 20 && strings.ContainsAny(w, "0123456789") && strings.IndexFunc(w, isLetter) >= 0 {
			words[i] = "[redacted]"
		}
	}
	return strings.Join(words, " ")
}
