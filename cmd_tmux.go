package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/remote"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// formatNagios is --once's --format for a Nagios/Icinga plugin.
const formatNagios = "nagios"

// lineFormats are --tmux's formats, as --format spells them.
func lineFormats() []string {
	var names []string
	for _, f := range statusline.Formats {
		names = append(names, string(f))
	}
	return names
}

// lineStyles are --style's values.
func lineStyles() []string {
	var names []string
	for _, s := range statusline.Styles {
		names = append(names, string(s))
	}
	return names
}

// runTmux prints the one-line status from the state dir's snapshot and
// returns at once; it never waits for a vendor. It ends with the exit code
// the format asks for (33, urgent, for a critical i3blocks line).
func runTmux(cmd *cobra.Command, o *options) error {
	format := output.LineFormat(o.lineFormat)
	if !slices.Contains(statusline.Formats, format) {
		return fmt.Errorf("--format %q: with --tmux use one of %s", o.lineFormat, strings.Join(lineFormats(), ", "))
	}
	style := statusline.Style(o.lineStyle)
	if !statusline.KnownStyle(style) {
		return fmt.Errorf("--style %q: use one of %s", o.lineStyle, strings.Join(lineStyles(), ", "))
	}
	line := app.StatusLine(o.app(), app.LineRequest{Format: format, Style: style, ASCII: o.ascii, MaxWidth: o.maxWidth, MaxAge: o.maxAge}, time.Now())
	if _, err := fmt.Fprintln(cmd.OutOrStdout(), line.Text); err != nil {
		return err
	}
	if line.Exit != 0 {
		return exitStatus(line.Exit)
	}
	return nil
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
	defer app.OneShotProcs()()
	a, err := load(o)
	if err != nil {
		return err
	}
	return a.Refresh(cmd.Context(), cmd.ErrOrStderr())
}
