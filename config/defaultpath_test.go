package config

import (
	"path/filepath"
	"testing"
)

// A relative $XDG_CONFIG_HOME is ignored (XDG base directory spec): the
// default config is the same file from every working directory.
func TestDefaultPathIgnoresRelativeXDG(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "relative/dir")
	got, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".config", "vendorwatch", "config.yaml"); got != want {
		t.Errorf("DefaultPath = %q, want %q", got, want)
	}
}
