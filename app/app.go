// Package app is the assembled program every command shares: the config
// and the catalog resolved into vendors, the state dir and its locks, the
// history, the checker (the poller over the adapters), the monitor, the
// notifiers and the dashboard's backends, local and demo. A command reads
// its flags into Options, makes one call here and writes what it gets.
package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// Options are the settings every mode may take (DESIGN §5's common flags)
// and the program's own.
type Options struct {
	// ConfigPath is --config ("" to look in the usual places).
	ConfigPath string
	// Only keeps just these vendor ids (--only).
	Only []string
	// Timeout is --timeout (0: the config's).
	Timeout time.Duration
	// StateDir is --state-dir ("" for the default).
	StateDir string
	// Remote is --remote: a serve to read instead of the vendors.
	Remote string
	// Version names the build in the User-Agent and serve's build info.
	Version string
	// Clock and RetryWait set the poller's clock and the pause before a
	// retry; zero values are real time and the default pause. The tests
	// that replay the incident log set them.
	Clock     func() time.Time
	RetryWait time.Duration
	// NotifyBackoff is the pause after a notification's n-th failed
	// delivery (nil: notify.DefaultBackoff, 30 s doubling to 15 min). The
	// end-to-end tests of retries set it.
	NotifyBackoff func(attempt int) time.Duration
}

// UserAgent is what every request of this build says it is.
func (o Options) UserAgent() string { return "vendorwatch/" + o.Version }

// App is a loaded config with the vendors it resolves to.
type App struct {
	Config  *config.Config
	Vendors []catalog.Vendor
	// Source says where the config came from, for humans.
	Source string
	// StateDir is the --state-dir (or its default), "" when there is none.
	StateDir string
	// NotifyOff is serve --notify=false: the replica sends no
	// notifications and leaves its outbox alone, for HA behind
	// Alertmanager (docs/ha.md).
	NotifyOff bool

	opts Options
}

// Load finds and validates the config, merges it with the catalog and
// applies --only and --timeout.
func Load(o Options) (*App, error) {
	cat := catalog.Builtin()
	path, err := config.Locate(o.ConfigPath)
	if err != nil {
		return nil, err
	}
	a := &App{StateDir: StateDir(o.StateDir), opts: o}
	if path == "" {
		a.Config = catalog.DefaultConfig(cat)
		def, _ := config.DefaultPath()
		a.Source = "built-in default vendors (no config file at " + Tildify(def) + "; vendorwatch init writes one)"
	} else {
		if a.Config, err = config.Load(path, configCatalog{cat}); err != nil {
			return nil, err
		}
		a.Source = Tildify(path)
		if err := a.Config.RequireVendors(a.Source); err != nil {
			return nil, err
		}
	}
	if o.Timeout > 0 {
		if o.Timeout < config.MinTimeout || o.Timeout > config.MaxTimeout {
			return nil, fmt.Errorf("--timeout %s is outside %s..%s", o.Timeout, config.MinTimeout, config.MaxTimeout)
		}
		a.Config.Timeout = config.Duration(o.Timeout)
	}
	if a.Vendors, err = catalog.Resolve(a.Config, cat, o.Only); err != nil {
		return nil, err
	}
	return a, nil
}

// SourceLabel names where the vendors come from, for the dashboard's
// first screen: "config ~/.config/vendorwatch/config.yaml", or "built-in
// defaults" when no config file was found.
func (a *App) SourceLabel() string {
	if a.Config == nil || a.Config.Path == "" {
		return "built-in defaults"
	}
	return "config " + Tildify(a.Config.Path)
}

// Client is a new HTTP client with the config's timeout and concurrency,
// remembering in the state dir which hosts offer only HTTP/1.1.
func (a *App) Client() *fetch.Client {
	return fetch.New(fetch.Options{Timeout: a.Config.Timeout.D(), Concurrency: a.Config.Concurrency, UserAgent: a.opts.UserAgent(), StateDir: a.StateDir})
}

// VendorIDs lists the vendors' ids, each with its name after a tab, for
// shell completion.
func (a *App) VendorIDs() []string {
	ids := make([]string, 0, len(a.Vendors))
	for _, v := range a.Vendors {
		ids = append(ids, v.ID+"\t"+v.Name)
	}
	return ids
}

// StateDir is the directory for vendorwatch's state (DESIGN §5): flag
// (--state-dir), else $XDG_STATE_HOME/vendorwatch, else
// ~/.local/state/vendorwatch. It returns "" when no home directory can be
// found; callers then keep their state in memory. The rule lives in
// statusline, whose fast path answers --tmux before main starts.
func StateDir(flag string) string { return statusline.StateDir(flag) }

// Tildify shortens a path under the home directory to ~/...
func Tildify(path string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return path
	}
	if rel, err := filepath.Rel(home, path); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.Join("~", rel)
	}
	return path
}
