package app

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/statusline"
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

// RemoteSnapshotFile caches a --remote server's snapshot for the widget.
const RemoteSnapshotFile = "remote-snapshot.json"

// snapshotFile is the file the widget reads: the local history's snapshot,
// or the cached copy of the --remote server's.
func (o Options) snapshotFile() string {
	if o.Remote != "" {
		return RemoteSnapshotFile
	}
	return history.SnapshotFile
}

// LineRequest is what --tmux asks of the line.
type LineRequest struct {
	Format output.LineFormat
	// Style is the kind of bar the line is drawn on (default, dark, light).
	Style    statusline.Style
	ASCII    bool
	MaxWidth int
	// MaxAge is how old the snapshot may be before a refresh starts; a
	// snapshot three times older is marked stale.
	MaxAge time.Duration
}

// StatusLine is the one-line status from the state dir's snapshot. When
// the snapshot is missing or older than r.MaxAge it starts one detached
// background refresh and answers with what it has: it never waits for a
// vendor.
func StatusLine(o Options, r LineRequest, now time.Time) statusline.Output {
	dir := StateDir(o.StateDir)
	rep := ReadSnapshot(dir, o.snapshotFile())
	var age time.Duration
	if rep != nil {
		age = max(now.Sub(rep.GeneratedAt), 0)
		// A check that found nothing changed leaves the local snapshot's
		// content as it is and only sets its time (history.StateRefresh):
		// the file's time is when a check last confirmed it.
		if fi, err := os.Stat(filepath.Join(dir, o.snapshotFile())); err == nil && o.Remote == "" {
			age = min(age, max(now.Sub(fi.ModTime()), 0))
		}
	}
	if dir != "" && (rep == nil || age > r.MaxAge) {
		startRefresh(o, dir)
	}
	var names map[string]string
	if o.Remote != "" && rep != nil {
		names = localNames(o.ConfigPath, rep)
	}
	return output.LineOutput(rep, output.LineOptions{
		Format: r.Format, Style: r.Style, ASCII: r.ASCII, MaxWidth: r.MaxWidth, Names: names,
		Age: age, Stale: rep != nil && age > 3*r.MaxAge,
	})
}

// RefreshLock takes the lock of the one background refresh in dir, so many
// tmux clients start only one. held is true, with no error, when another
// refresh has it.
func RefreshLock(dir string) (lock *Lock, held bool, err error) {
	if dir == "" {
		return nil, false, errors.New("no state dir")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, err
	}
	lock, err = TryLock(filepath.Join(dir, refreshLockFile), false)
	if errors.Is(err, ErrLockHeld) {
		return nil, true, nil
	}
	return lock, false, err
}

// Refresh is the background refresh of the local snapshot: one check,
// recorded, which rewrites snapshot.json.
func (a *App) Refresh(ctx context.Context, stderr io.Writer) error {
	store := a.OpenHistory(ctx, stderr)
	if store == nil {
		return errors.New("cannot refresh the snapshot without the history store")
	}
	defer store.Close()
	_, err := a.Once(ctx, store)
	return err
}

// ReadSnapshot reads what the line needs of the latest report, or nil when
// there is none or it cannot be read (a refresh will replace it). Only the
// few fields the line shows are decoded. (A fresh local snapshot never gets
// here: statusline's fast path answers from its digest first.)
func ReadSnapshot(dir, name string) *correlate.Report {
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
func localNames(configPath string, rep *correlate.Report) map[string]string {
	names := map[string]string{}
	cat := catalog.Builtin()
	for _, v := range rep.Vendors {
		if e, ok := cat.Curated(v.ID); ok {
			names[v.ID] = e.Name
		}
	}
	if path, err := config.Locate(configPath); err == nil && path != "" {
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

func (anyVendor) Has(string) bool { return true }

func (anyVendor) Suggest(string) string { return "" }

func (anyVendor) AdminAPI(string) (config.AdminAPI, bool) {
	return config.AdminAPI{KeyFallback: true}, true
}

func (anyVendor) AdminVendors() []string { return nil }

// startRefresh starts one detached `vendorwatch --tmux-refresh` unless a
// dashboard or serve keeps the snapshot fresh, or a refresh already runs.
// Its stdio is not the widget's, so tmux is never held open.
func startRefresh(o Options, dir string) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	locks := []string{liveLockFile, refreshLockFile}
	if o.Remote != "" {
		locks = locks[1:] // a local dashboard does not keep the server's copy fresh
	}
	for _, name := range locks {
		l, err := TryLock(filepath.Join(dir, name), false)
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
	c.SysProcAttr = Detached()
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
func refreshArgs(o Options, dir string) []string {
	// The refresh runs in dir: a relative --state-dir would name a
	// directory inside it. The command has made its path flags absolute
	// already (issue 21); this keeps refreshArgs right for any caller.
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	args := []string{"--tmux-refresh", "--state-dir", dir}
	// A config named by $VENDORWATCH_CONFIG is passed on as --config: the
	// refresh inherits the variable, and a relative path in it would be
	// read in the state dir.
	cfg := o.ConfigPath
	if cfg == "" {
		cfg = os.Getenv(config.EnvConfig)
	}
	if cfg != "" {
		if abs, err := filepath.Abs(cfg); err == nil {
			args = append(args, "--config", abs)
		}
	}
	if len(o.Only) > 0 {
		args = append(args, "--only", strings.Join(o.Only, ","))
	}
	if o.Timeout > 0 {
		args = append(args, "--timeout", o.Timeout.String())
	}
	if o.Remote != "" {
		args = append(args, "--remote", o.Remote)
	}
	return args
}

// HoldLiveLock is taken by long-running modes that keep snapshot.json
// fresh; the widget then never starts a refresh of its own. Release it
// with Unlock; nil when the state dir is unusable.
func HoldLiveLock(dir string) *Lock {
	if dir == "" || os.MkdirAll(dir, 0o700) != nil {
		return nil
	}
	l, err := TryLock(filepath.Join(dir, liveLockFile), true)
	if err != nil {
		return nil
	}
	return l
}
