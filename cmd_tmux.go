package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/remote"
)

// runTmux prints the one-line status from the state dir's snapshot and
// returns at once; it never waits for a vendor.
func runTmux(cmd *cobra.Command, o *options) error {
	format := output.LineFormat(o.lineFormat)
	switch format {
	case output.LineTmux, output.LinePlain, output.LineWaybar:
	default:
		return fmt.Errorf("--format %q: use tmux, plain or waybar", o.lineFormat)
	}
	line := app.StatusLine(o.app(), app.LineRequest{Format: format, ASCII: o.ascii, MaxWidth: o.maxWidth, MaxAge: o.maxAge}, time.Now())
	_, err := fmt.Fprintln(cmd.OutOrStdout(), line)
	return err
}

// runTmuxRefresh is the widget's background refresh: one check, recorded,
// which rewrites snapshot.json (or a copy of the --remote server's). It
// exits at once if another refresh is running.
func runTmuxRefresh(cmd *cobra.Command, o *options) error {
	dir := app.StateDir(o.stateDir)
	lock, held, err := app.RefreshLock(dir)
	if held || err != nil {
		return err
	}
	defer lock.Unlock()
	if o.remote != "" {
		return remote.SaveReport(cmd.Context(), o.remote, filepath.Join(dir, app.RemoteSnapshotFile))
	}
	a, err := load(o)
	if err != nil {
		return err
	}
	return a.Refresh(cmd.Context(), cmd.ErrOrStderr())
}
