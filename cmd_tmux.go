package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/remote"
)

// Files in the state dir that coordinate the tmux widget with the
// processes that keep snapshot.json fresh.
const (
	// liveLockFile is held (shared) by the dashboard and serve while they
	// run: they rewrite snapshot.json after every check, so the widget need
	// not start a refresh.
	liveLockFile = "live.lock"
	// refreshLockFile is held by the one background refresh the widget
	// starts, so many tmux clients start only one.
	refreshLockFile = "refresh.lock"
	// refreshLogFile keeps the last background refresh's messages.
	refreshLogFile = "tmux-refresh.log"
)

// runTmux prints the one-line status from the state dir's snapshot and
// returns at once. When the snapshot is missing or older than --max-age it
// starts one detached background refresh and prints what it has: it never
// waits for a vendor.
func runTmux(cmd *cobra.Command, o *options) error {
	format := output.LineFormat(o.lineFormat)
	switch format {
	case output.LineTmux, output.LinePlain, output.LineWaybar:
	default:
		return &exitError{code: 3, err: fmt.Errorf("--format %q: use tmux, plain or waybar", o.lineFormat)}
	}
	dir := stateDir(o)
	now := time.Now()
	rep := readSnapshot(dir, snapshotFile(o))
	var age time.Duration
	if rep != nil {
		age = max(now.Sub(rep.GeneratedAt), 0)
	}
	if dir != "" && (rep == nil || age > o.maxAge) {
		startRefresh(o, dir)
	}
	var names map[string]string
	if o.remote != "" && rep != nil {
		names = localNames(o, rep)
	}
	line := output.Line(rep, output.LineOptions{
		Format: format, ASCII: o.ascii, MaxWidth: o.maxWidth, Names: names,
		Age: age, Stale: rep != nil && age > 3*o.maxAge,
	})
	_, err := fmt.Fprintln(cmd.OutOrStdout(), line)
	return err
}

// remoteSnapshotFile caches a --remote server's snapshot for the widget.
const remoteSnapshotFile = "remote-snapshot.json"

// snapshotFile is the file the widget reads: the local history's snapshot,
// or the cached copy of the --remote server's.
func snapshotFile(o *options) string {
	if o.remote != "" {
		return remoteSnapshotFile
	}
	return history.SnapshotFile
}

// readSnapshot reads what the line needs of the latest report, or nil when
// there is none or it cannot be read (a refresh will replace it). Only the
// few fields the line shows are decoded. (A fresh local snapshot never gets
// here: statusline's fast path answers from its digest first.)
func readSnapshot(dir, name string) *correlate.Report {
	if dir == "" {
		return nil
	}
	return readLine(filepath.Join(dir, name))
}

// readLine decodes the line's fields of a report file, or returns nil.
func readLine(path string) *correlate.Report {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	rep, err := output.ReadLineReport(data)
	if err != nil {
		return nil
	}
	return &rep
}

// localNames names the vendors of a --remote server's report from this
// machine's config and the curated catalog, so the server's own vendor
// names — remote text — never reach the line; a vendor known to neither
// shows its id. A snapshot the local history wrote needs none of this: its
// names already come from the local config.
func localNames(o *options, rep *correlate.Report) map[string]string {
	names := map[string]string{}
	cat := catalog.Builtin()
	for _, v := range rep.Vendors {
		if e, ok := cat.Curated(v.ID); ok {
			names[v.ID] = e.Name
		}
	}
	if path, err := config.Locate(o.configPath); err == nil && path != "" {
		if cfg, err := config.Load(path, anyVendor{}); err == nil {
			for _, v := range cfg.Vendors {
				if v.Name != "" {
					names[v.ID] = v.Name
				}
			}
		}
	}
	return names
}

// anyVendor accepts every vendor id: localNames only wants names, and
// checking ids against the directory would load it.
type anyVendor struct{}

func (anyVendor) Has(string) bool       { return true }
func (anyVendor) Suggest(string) string { return "" }
func (anyVendor) AdminAPI(string) (config.AdminAPI, bool) {
	return config.AdminAPI{KeyFallback: true}, true
}
func (anyVendor) AdminVendors() []string { return nil }

// startRefresh starts one detached `vendorwatch --tmux-refresh` unless a
// dashboard or serve keeps the snapshot fresh, or a refresh already runs.
// Its stdio is not the widget's, so tmux is never held open.
func startRefresh(o *options, dir string) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	locks := []string{liveLockFile, refreshLockFile}
	if o.remote != "" {
		locks = locks[1:] // a local dashboard does not keep the server's copy fresh
	}
	for _, name := range locks {
		l, err := tryLock(filepath.Join(dir, name), false)
		if err != nil {
			return // held: someone is already refreshing, or cannot tell
		}
		l.Unlock()
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	c := exec.Command(exe, refreshArgs(o, dir)...)
	c.Dir = dir
	c.SysProcAttr = detached()
	if log, err := os.OpenFile(filepath.Join(dir, refreshLogFile), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err == nil {
		c.Stderr = log
		defer log.Close()
	}
	if c.Start() == nil {
		_ = c.Process.Release()
	}
}

// refreshArgs passes the flags that decide what is checked on to the
// background refresh.
func refreshArgs(o *options, dir string) []string {
	args := []string{"--tmux-refresh", "--state-dir", dir}
	if o.configPath != "" {
		if abs, err := filepath.Abs(o.configPath); err == nil {
			args = append(args, "--config", abs)
		}
	}
	if len(o.only) > 0 {
		args = append(args, "--only", strings.Join(o.only, ","))
	}
	if o.timeout > 0 {
		args = append(args, "--timeout", o.timeout.String())
	}
	if o.remote != "" {
		args = append(args, "--remote", o.remote)
	}
	return args
}

// runTmuxRefresh is the background refresh: one check, recorded, which
// rewrites snapshot.json. It exits at once if another refresh holds the
// lock.
func runTmuxRefresh(cmd *cobra.Command, o *options) error {
	dir := stateDir(o)
	if dir == "" {
		return &exitError{code: 3, err: errors.New("no state dir")}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &exitError{code: 3, err: err}
	}
	lock, err := tryLock(filepath.Join(dir, refreshLockFile), false)
	if errors.Is(err, errLockHeld) {
		return nil
	} else if err != nil {
		return &exitError{code: 3, err: err}
	}
	defer lock.Unlock()
	if o.remote != "" {
		return refreshRemote(cmd, o, dir)
	}
	l, err := load(o)
	if err != nil {
		return err
	}
	store := openHistory(cmd.Context(), o, l, cmd.ErrOrStderr())
	if store == nil {
		return &exitError{code: 3, err: errors.New("cannot refresh the snapshot without the history store")}
	}
	defer store.Close()
	if _, err := monitor.New(oneShot{newChecker(l)}, store).Once(cmd.Context()); err != nil {
		return &exitError{code: 3, err: err}
	}
	return nil
}

// refreshRemote copies the --remote server's snapshot into the state dir
// for the widget. The token comes from the environment, as for every
// --remote mode; nothing is polled and no key is resolved here.
func refreshRemote(cmd *cobra.Command, o *options, dir string) error {
	rep, err := remote.FetchReport(cmd.Context(), o.remote, os.Getenv(remote.EnvToken))
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	var buf bytes.Buffer
	if err := output.WriteJSON(&buf, rep); err != nil {
		return &exitError{code: 3, err: err}
	}
	if err := atomicfile.Write(filepath.Join(dir, remoteSnapshotFile), atomicfile.Options{Perm: 0o644}, buf.Bytes()); err != nil {
		return &exitError{code: 3, err: err}
	}
	return nil
}

// holdLiveLock is taken by long-running modes that keep snapshot.json
// fresh; the widget then never starts a refresh of its own. Release it
// with Unlock; nil when the state dir is unusable.
func holdLiveLock(dir string) *lockFile {
	if dir == "" || os.MkdirAll(dir, 0o700) != nil {
		return nil
	}
	l, err := tryLock(filepath.Join(dir, liveLockFile), true)
	if err != nil {
		return nil
	}
	return l
}
