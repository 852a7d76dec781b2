package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fileperm"
)

// commandsConfig holds a cmd: secret on line 5 and a command notifier's
// command on line 8.
const commandsConfig = `vendors:
  - id: openai
    keys:
      - name: prod
        secret: "cmd:op read op://Prod/OpenAI/credential"
notify:
  - type: command
    command: /usr/local/bin/page-oncall
`

// referencesConfig holds only env: and file: references.
const referencesConfig = `vendors:
  - id: openai
    keys:
      - name: prod
        secret: env:OPENAI_API_KEY
      - name: canary
        secret: file:~/.config/vendorwatch/canary
`

// writeMode writes src to a file and gives it mode (past the umask).
func writeMode(t *testing.T, src string, mode fs.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// A config others can change chooses the commands run as the user who
// holds every key: its cmd: secrets and command notifiers are refused,
// each at its line, naming the file, its mode and the fix. env: and file:
// references stay allowed, and a file others may only read may run
// commands.
func TestCommandsRefusedInAWritableConfig(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	t.Parallel()
	for _, c := range []struct {
		mode     fs.FileMode
		refused  bool
		describe string
	}{
		{0o600, false, ""},
		{0o644, false, ""},
		{0o640, false, ""},
		{0o664, true, "mode 0664: group rw-, others r--"},
		{0o620, true, "mode 0620: group -w-, others ---"},
		{0o666, true, "mode 0666: group rw-, others rw-"},
		{0o602, true, "mode 0602: group ---, others -w-"},
	} {
		t.Run(c.mode.String(), func(t *testing.T) {
			t.Parallel()
			path := writeMode(t, commandsConfig, c.mode)
			_, err := Load(path, cat)
			if !c.refused {
				if err != nil {
					t.Fatalf("mode %04o: %v", c.mode, err)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("mode %04o: err = %v, want the commands refused", c.mode, err)
			}
			if len(ce.Problems) != 2 {
				t.Errorf("want two problems, got:\n%s", err)
			}
			hasProblem(t, ce, 5, "a cmd: secret runs a command as you", "refused in "+path, "which others can change", c.describe, "chmod 600 "+path, "env:NAME or file:PATH")
			hasProblem(t, ce, 8, "a command notifier runs a command as you", "refused in "+path, c.describe, "chmod 600 "+path)
			if _, err := Load(writeMode(t, referencesConfig, c.mode), cat); err != nil {
				t.Errorf("env: and file: in mode %04o: %v", c.mode, err)
			}
		})
	}
}

// A config another user owns is refused the same way, whatever its mode:
// told through the access seam, since a test cannot always chown.
func TestCommandsRefusedInAnotherUsersConfig(t *testing.T) {
	t.Parallel()
	other := fileperm.Access{Mode: 0o600, Owner: 1001, Self: 1000, POSIX: true}
	_, err := parse([]byte(commandsConfig), "/srv/vw/config.yaml", other, cat)
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 2 {
		t.Fatalf("err = %v, want the cmd: secret and the command notifier refused", err)
	}
	hasProblem(t, ce, 5, "refused in /srv/vw/config.yaml", "owned by", "uid 1001", "uid 1000", "chown 1000 /srv/vw/config.yaml", "chmod 600")
	// A literal secret in another user's file is not private either.
	lit := "vendors:\n  - id: openai\n    keys:\n      - name: prod\n        secret: sk-proj-abcdefghijklmn\n"
	_, err = parse([]byte(lit), "/srv/vw/config.yaml", other, cat)
	if !errors.As(err, &ce) {
		t.Fatalf("literal in another user's file: err = %v", err)
	}
	hasProblem(t, ce, 5, "a literal secret is refused", "which others can read", "owned by")
	// Root's file is trusted, as sshd and sudo trust it.
	root := fileperm.Access{Mode: 0o644, Owner: 0, Self: 1000, POSIX: true}
	if _, err := parse([]byte(commandsConfig), "/etc/vendorwatch.yaml", root, cat); err != nil {
		t.Errorf("root's 0644 config: %v", err)
	}
	// Where modes mean nothing (Windows), commands are not refused.
	if _, err := parse([]byte(commandsConfig), "c.yaml", fileperm.Access{Mode: 0o666, Owner: -1, Self: -1}, cat); err != nil {
		t.Errorf("no POSIX modes: %v", err)
	}
}

// The same with a real chown, where the test may chown (as root).
func TestCommandsRefusedInAChownedConfig(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() != 0 {
		t.Skip("chown needs root")
	}
	t.Parallel()
	path := writeMode(t, commandsConfig, 0o600)
	if err := os.Chown(path, 4242, 4242); err != nil {
		t.Skipf("chown: %v", err)
	}
	_, err := Load(path, cat)
	if err == nil || !strings.Contains(err.Error(), "uid 4242") || !strings.Contains(err.Error(), "runs a command as you") {
		t.Errorf("a config uid 4242 owns, loaded as root: err = %v", err)
	}
	if _, err := Load(writeMode(t, referencesConfig, 0o600), cat); err != nil {
		t.Errorf("env: and file: references: %v", err)
	}
}

// The literal-secret message names the file, its mode and the fix too.
func TestLiteralRefusalNamesModeAndFix(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	t.Parallel()
	path := writeMode(t, "vendors:\n  - id: openai\n    keys:\n      - name: prod\n        secret: sk-proj-abcdefghijklmn\n", 0o640)
	_, err := Load(path, cat)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	hasProblem(t, ce, 5, "a literal secret is refused in "+path, "mode 0640: group r--, others ---", "chmod 600 "+path)
}
