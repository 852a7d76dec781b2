package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pageNames lists the *.1 files of dir, sorted.
func pageNames(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		names[i] = filepath.Base(name)
	}
	slices.Sort(names)
	return names
}

func TestManCommand(t *testing.T) {
	t.Run("the root page on stdout", func(t *testing.T) {
		stdout, stderr, code := runCLI(t, "man")
		if code != 0 || stderr != "" {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		// The header carries the fixed date, never today's: the same
		// binary prints the same page on any day.
		if !strings.HasPrefix(stdout, ".nh\n.TH \"VENDORWATCH\" \"1\" \"Dec 2026\" \"vendorwatch\" \"vendorwatch manual\"\n") {
			t.Errorf("the page does not open with its fixed header:\n%.300s", stdout)
		}
		for _, want := range []string{"\\fB--once\\fP", "vendorwatch-serve(1)", "vendorwatch-man(1)"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("the root page lacks %q", want)
			}
		}
		if strings.Contains(stdout, "Auto generated") {
			t.Error("the page carries cobra's generation stamp, whose date changes with every run")
		}
	})
	t.Run("one command's page", func(t *testing.T) {
		stdout, _, code := runCLI(t, "man", "rotation", "done")
		if code != 0 || !strings.Contains(stdout, `.TH "VENDORWATCH-ROTATION-DONE"`) {
			t.Fatalf("exit %d, page:\n%.300s", code, stdout)
		}
	})
	t.Run("every page into a directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "man1")
		stdout, _, code := runCLI(t, "man", "--dir", dir)
		if code != 0 || !strings.HasPrefix(stdout, "wrote ") {
			t.Fatalf("exit %d, stdout %q", code, stdout)
		}
		if got, want := pageNames(t, dir), pageNames(t, manDir); !slices.Equal(got, want) {
			t.Errorf("man --dir wrote %v, docs/man holds %v", got, want)
		}
	})
	t.Run("completes command names", func(t *testing.T) {
		stdout, _, code := runCLI(t, "__complete", "man", "rotation", "d")
		if code != 0 || !strings.HasPrefix(stdout, "dismiss\ndone\n:4\n") {
			t.Errorf("exit %d, completions %q; want dismiss and done, no files", code, stdout)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"an unknown command", []string{"man", "rotatoin"}, `no command "rotatoin"`},
		{"an unknown subcommand", []string{"man", "rotation", "finish"}, `no command "rotation finish"`},
		{"a command with --dir", []string{"man", "serve", "--dir", "x"}, "name no command with it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tc.args...)
			if code != 3 || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 3 and %q", code, stdout, stderr, tc.want)
			}
		})
	}
}
