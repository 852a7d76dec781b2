package app

import (
	"path/filepath"
	"testing"
)

func TestStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	t.Setenv("HOME", "/home/u")
	if got := StateDir("/flag"); got != "/flag" {
		t.Errorf("flag: %q", got)
	}
	if got := StateDir(""); got != filepath.Join("/x/state", "vendorwatch") {
		t.Errorf("XDG: %q", got)
	}
	t.Setenv("XDG_STATE_HOME", "relative/not/allowed")
	if got := StateDir(""); got != filepath.Join("/home/u", ".local", "state", "vendorwatch") {
		t.Errorf("home: %q", got)
	}
}
