package app

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
)

// dirWithMode makes a dir and gives it mode (past the umask).
func dirWithMode(t *testing.T, mode fs.FileMode) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A state dir its group or others may enter is reported with its mode and
// the command that tightens it; a private one, or one not made yet, is
// not.
func TestStateDirProblem(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	t.Parallel()
	for _, c := range []struct {
		mode fs.FileMode
		want string
	}{
		{0o700, ""},
		{0o755, "is open to others (mode 0755: group r-x, others r-x)"},
		{0o750, "mode 0750: group r-x, others ---"},
		{0o711, "mode 0711: group --x, others --x"},
		{0o777, "mode 0777: group rwx, others rwx"},
	} {
		t.Run(c.mode.String(), func(t *testing.T) {
			t.Parallel()
			dir := dirWithMode(t, c.mode)
			got := StateDirProblem(dir)
			if c.want == "" {
				if got != "" {
					t.Errorf("mode %04o: %q, want no problem", c.mode, got)
				}
				return
			}
			if !strings.Contains(got, c.want) || !strings.HasSuffix(got, "chmod 700 "+dir) {
				t.Errorf("mode %04o: %q, want it to say %q and end with the fix", c.mode, got, c.want)
			}
		})
	}
	if got := StateDirProblem(filepath.Join(t.TempDir(), "not-yet")); got != "" {
		t.Errorf("a dir not made yet: %q", got)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if got := StateDirProblem(file); got != "is not a directory" {
		t.Errorf("a file: %q", got)
	}
}

// Opening the history warns about a loose state dir on stderr and leaves
// the dir as the user made it; a dir it makes is the user's alone, and so
// is every file written in it.
func TestOpenHistoryStateDirModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	t.Parallel()
	ctx := context.Background()
	loose := dirWithMode(t, 0o755)
	a := &App{Config: config.Default(), StateDir: loose}
	var stderr strings.Builder
	store := a.OpenHistory(ctx, &stderr)
	if store == nil {
		t.Fatalf("no history: %s", stderr.String())
	}
	store.Close()
	if want := "vendorwatch: warning: the state dir " + loose + " is open to others (mode 0755"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
	if info, _ := os.Stat(loose); info.Mode().Perm() != 0o755 {
		t.Errorf("the user's dir was changed to %04o", info.Mode().Perm())
	}

	fresh := filepath.Join(t.TempDir(), "xdg", "vendorwatch")
	a = &App{Config: config.Default(), StateDir: fresh}
	stderr.Reset()
	store = a.OpenHistory(ctx, &stderr)
	if store == nil {
		t.Fatalf("no history: %s", stderr.String())
	}
	defer store.Close()
	if stderr.Len() != 0 {
		t.Errorf("a new dir: stderr = %q", stderr.String())
	}
	if _, err := a.Once(ctx, store); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Dir(fresh), fresh} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v, %v; want a 0700 dir", p, info.Mode(), err)
		}
	}
	entries, _ := os.ReadDir(fresh)
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name())
		if info, err := e.Info(); err != nil || info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v, want 0600", e.Name(), info.Mode())
		}
	}
	for _, want := range []string{"history.db", "snapshot.json"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("no %s among %v", want, names)
		}
	}
}

// check-config says where the state dir is and whether it is private,
// without making it.
func TestStateDirLine(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	t.Parallel()
	loose := dirWithMode(t, 0o750)
	if got := stateDirLine(loose); !strings.HasPrefix(got, "state dir: "+loose+", WARNING: it is open to others (mode 0750") {
		t.Errorf("loose: %q", got)
	}
	if got := stateDirLine(dirWithMode(t, 0o700)); !strings.HasSuffix(got, "(readable by you alone)") {
		t.Errorf("private: %q", got)
	}
	missing := filepath.Join(t.TempDir(), "later")
	if got := stateDirLine(missing); !strings.Contains(got, "not made yet") {
		t.Errorf("missing: %q", got)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("check-config made the state dir")
	}
	if got := stateDirLine(""); !strings.Contains(got, "none") {
		t.Errorf("none: %q", got)
	}
}
