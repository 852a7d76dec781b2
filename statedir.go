package main

import "github.com/vendorwatch/vendorwatch/statusline"

// stateDir is the directory for vendorwatch's state (DESIGN §5): the
// --state-dir flag, else $XDG_STATE_HOME/vendorwatch, else
// ~/.local/state/vendorwatch. It returns "" when no home directory can be
// found; callers then keep their state in memory. The rule lives in
// statusline, whose fast path answers --tmux before main starts.
func stateDir(o *options) string {
	if o == nil {
		return statusline.StateDir("")
	}
	return statusline.StateDir(o.stateDir)
}
