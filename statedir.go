package main

import (
	"os"
	"path/filepath"
)

// stateDir is the directory for vendorwatch's state (DESIGN §5): the
// --state-dir flag, else $XDG_STATE_HOME/vendorwatch, else
// ~/.local/state/vendorwatch. It returns "" when no home directory can be
// found; callers then keep their state in memory.
func stateDir(o *options) string {
	if o != nil && o.stateDir != "" {
		return o.stateDir
	}
	if x := os.Getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "vendorwatch")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "vendorwatch")
}
