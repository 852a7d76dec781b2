package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/internal/procs"
	"github.com/vendorwatch/vendorwatch/remote"
)

// options are the flags common to every mode (DESIGN §5).
type options struct {
	configPath string
	only       []string
	timeout    time.Duration
	stateDir   string
	remote     string
	noColor    bool

	once bool
	json bool
	demo bool

	// The tmux widget.
	tmux        bool
	tmuxRefresh bool
	maxWidth    int
	ascii       bool
	lineFormat  string
	lineStyle   string
	maxAge      time.Duration
}

func newRootCmd() *cobra.Command {
	o := &options{}
	root := &cobra.Command{
		Use:   "vendorwatch",
		Short: "Is it us or them? Watch every vendor's status page, our own API keys and the links between them.",
		Long: `vendorwatch watches the vendors a team depends on three ways at once: the vendor's
own status page, a live free probe of the team's own API keys, and the links between
vendors (VAPI holds our OpenAI key), and turns them into findings with advice.

Run with no flags for the interactive dashboard, --once for one check (exit code =
level: 0 ok, 1 warning, 2 critical, 3 unknown or bad config), or --tmux for a status line.
--demo shows the dashboard against simulated vendors replaying a real incident: no
network, no config and no keys needed.`,
		Example: `  vendorwatch --demo                 # try it: simulated vendors replay a real incident
  vendorwatch init                   # write your config from the keys found here, then check it
  vendorwatch --once                 # one check, a table
  vendorwatch --once --json | jq .overall
  vendorwatch --once --only openai,vapi
  vendorwatch --once --format nagios # a Nagios/Icinga check: status line, perfdata, plugin exit code
  vendorwatch --tmux --format i3blocks --max-width 60
  vendorwatch catalog voice
  vendorwatch check-config`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionLine(),
		// Every command, the subcommands too, sees its path flags made
		// absolute before it runs. A process package procs held to one
		// processor from its command line gets them back unless it is the
		// one-shot check it guessed.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.HasParent() || !o.once && !o.tmuxRefresh {
				procs.Release()
			}
			return o.absPaths()
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			nagios := o.lineFormat == formatNagios
			tmuxOnly := (cmd.Flags().Changed("format") && !nagios) || cmd.Flags().Changed("style") || cmd.Flags().Changed("max-width") || cmd.Flags().Changed("ascii") || cmd.Flags().Changed("max-age")
			switch {
			case nagios && (!o.once || o.json):
				return errors.New("--format nagios goes with --once, without --json")
			case tmuxOnly && !o.tmux:
				return errors.New("--format, --style, --max-width, --ascii and --max-age go with --tmux (only --format nagios goes with --once)")
			case o.tmuxRefresh:
				return runTmuxRefresh(cmd, o)
			case o.tmux && o.once:
				return errors.New("--tmux and --once do not go together")
			case o.tmux:
				return runTmux(cmd, o)
			case o.demo:
				return runDemo(cmd, o)
			case o.once:
				return runOnce(cmd, o)
			case o.json:
				return errors.New("--json goes with --once")
			}
			return runDashboard(cmd, o)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&o.configPath, "config", "", "config file (default $VENDORWATCH_CONFIG, else $XDG_CONFIG_HOME/vendorwatch/config.yaml)")
	pf.StringSliceVar(&o.only, "only", nil, "check only these vendor ids (comma-separated)")
	pf.DurationVar(&o.timeout, "timeout", 0, "per-request timeout (default from the config, 10s)")
	pf.StringVar(&o.stateDir, "state-dir", "", "history, snapshot cache and HTTP validators (default $XDG_STATE_HOME/vendorwatch)")
	pf.BoolVar(&o.noColor, "no-color", false, "no colour in any output (NO_COLOR is honoured too)")
	pf.StringVar(&o.remote, "remote", "", "read the vendorwatch serve at `URL` (http(s)://host:port or unix:/path) instead of polling vendors; no key is used here (token from $"+remote.EnvToken+", extra CA from $"+remote.EnvCAFile+")")

	f := root.Flags()
	f.BoolVar(&o.once, "once", false, "check everything once, print a table (or --json) and exit with the level")
	f.BoolVar(&o.json, "json", false, "with --once: print schema-1 JSON")
	f.BoolVar(&o.tmux, "tmux", false, "print one status line for tmux from the cached snapshot; never waits for a vendor")
	f.StringVar(&o.lineFormat, "format", "tmux", "with --tmux: tmux (#[…] styles), plain (shell prompts), waybar (JSON), i3blocks, polybar or xbar (also SwiftBar); with --once: nagios (a Nagios/Icinga plugin's output and exit code)")
	f.StringVar(&o.lineStyle, "style", "default", "with --tmux: the bar the line is drawn on: default (tmux's green bar; the dark bars of i3bar, polybar and waybar), dark or light")
	f.IntVar(&o.maxWidth, "max-width", 0, "with --tmux: cap the line at this many cells (0: no cap)")
	f.BoolVar(&o.ascii, "ascii", false, "with --tmux: ASCII markers (X ! o ?) instead of ✖ ▲ ● ?")
	f.DurationVar(&o.maxAge, "max-age", 60*time.Second, "with --tmux: refresh the snapshot in the background when it is older than this")
	f.BoolVar(&o.tmuxRefresh, "tmux-refresh", false, "the --tmux widget's background refresh")
	_ = f.MarkHidden("tmux-refresh")
	_ = root.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(append(lineFormats(), formatNagios), cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("style", cobra.FixedCompletions(lineStyles(), cobra.ShellCompDirectiveNoFileComp))
	f.BoolVar(&o.demo, "demo", false, "the dashboard against simulated vendors replaying a real incident (no network, no config, no keys); with --once, one table")

	root.SetVersionTemplate("vendorwatch {{.Version}}\n")
	root.AddCommand(newCatalogCmd(), newCheckConfigCmd(o))
	root.AddCommand(newReportCmd(o))
	root.AddCommand(newEvidenceCmd(o))
	root.AddCommand(newImportOPMLCmd(o))
	root.AddCommand(newServeCmd(o))
	root.AddCommand(newDoctorCmd(o))
	root.AddCommand(newRotationCmd(o))
	root.AddCommand(newMaintenancesCmd(o))
	root.AddCommand(newNotifyCmd(o))
	root.AddCommand(newSilenceCmd(o))
	root.AddCommand(newInitCmd(o))
	root.AddCommand(newManCmd())
	_ = root.RegisterFlagCompletionFunc("only", completeVendorIDs(o))
	return root
}

// completeVendorIDs completes --only from the config's vendors.
func completeVendorIDs(o *options) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		a, err := app.Load(app.Options{ConfigPath: o.configPath})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return a.VendorIDs(), cobra.ShellCompDirectiveNoFileComp
	}
}

// absPaths resolves the path flags (--config, --state-dir) once, against
// the working directory the command was started in. Everything after
// uses the absolute paths: the tmux widget's background refresh runs in
// the state dir, where a relative path would name another place.
func (o *options) absPaths() error {
	for _, p := range []struct {
		flag string
		path *string
	}{{"--config", &o.configPath}, {"--state-dir", &o.stateDir}} {
		if *p.path == "" || filepath.IsAbs(*p.path) {
			continue
		}
		abs, err := filepath.Abs(*p.path)
		if err != nil {
			return fmt.Errorf("%s %s: %w", p.flag, *p.path, err)
		}
		*p.path = abs
	}
	return nil
}

// app is what every mode shares of the flags.
func (o *options) app() app.Options {
	ao := app.Options{ConfigPath: o.configPath, Only: o.only, Timeout: o.timeout, StateDir: o.stateDir, Remote: o.remote, Version: versionString()}
	if tweakApp != nil {
		tweakApp(&ao)
	}
	return ao
}

// tweakApp, when set, changes the options of every app a command loads:
// the tests that replay the incident log put their clock there.
var tweakApp func(*app.Options)

// load loads the config into the app every command works with.
func load(o *options) (*app.App, error) { return app.Load(o.app()) }
