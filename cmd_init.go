package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/setup"
)

// initOptions are init's own flags.
type initOptions struct {
	yes        bool
	vendors    []string
	heldBy     []string
	output     string
	force      bool
	noCheck    bool
	accessible bool
}

func newInitCmd(o *options) *cobra.Command {
	opt := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a private config from the keys and secret-manager tools found here",
		Long: `init writes your first config: the vendors to watch and references to your keys
(env:OPENAI_API_KEY, cmd:op read …), never a key. It finds keys in the conventional
variables (OPENAI_API_KEY, VAPI_API_KEY, ANTHROPIC_API_KEY, …) and offers cmd:
references for op, gcloud, firebase and vault when they are on the PATH. The form
offers the catalog's vendors by category and asks which vendors hold which key
(VAPI holds your OpenAI key). --yes takes the answers without asking: the vendors
whose keys were found (or --vendors), with those keys.

The file goes to --config (or --output), else $VENDORWATCH_CONFIG, else
$XDG_CONFIG_HOME/vendorwatch/config.yaml, with mode 0600 in a 0700 directory. An
existing file is never overwritten without --force, which keeps it as a
timestamped .bak beside the new one. Then init runs check-config and a first
check (--no-check skips both).`,
		Example: `  vendorwatch init                                # the form (in a terminal)
  vendorwatch init --yes                          # the keys found here, their vendors
  vendorwatch init --yes --vendors openai,vapi --held-by openai=vapi
  vendorwatch init --yes --config ./team.yaml --no-check`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInit(cmd, o, opt) },
	}
	f := cmd.Flags()
	f.BoolVarP(&opt.yes, "yes", "y", false, "ask nothing: the vendors whose keys are found here (or --vendors), with those keys")
	f.StringSliceVar(&opt.vendors, "vendors", nil, "the vendors to watch, by catalog id (comma-separated; see vendorwatch catalog)")
	f.StringArrayVar(&opt.heldBy, "held-by", nil, "custody: `KEYVENDOR=HOLDER`, such as openai=vapi (VAPI holds your OpenAI key); repeatable")
	f.StringVarP(&opt.output, "output", "o", "", "write the config to `PATH` (same as --config)")
	f.BoolVar(&opt.force, "force", false, "replace an existing config, keeping it as a timestamped .bak")
	f.BoolVar(&opt.noCheck, "no-check", false, "write the file only: no check-config, no first check")
	f.BoolVar(&opt.accessible, "accessible", false, "ask one question per line with numbered choices, for screen readers (also $ACCESSIBLE); reads answers from a pipe too")
	_ = cmd.RegisterFlagCompletionFunc("vendors", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var ids []string
		for _, e := range catalog.Builtin().All() {
			ids = append(ids, e.ID+"\t"+e.Name)
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// runInit finds the keys and tools, asks (or takes the defaults),
// renders and validates the file, writes it, then checks it.
func runInit(cmd *cobra.Command, o *options, opt *initOptions) error {
	flagPath := opt.output
	if o.configPath != "" && opt.output != "" && o.configPath != opt.output {
		return errors.New("--config and --output name two different files: give one")
	} else if flagPath == "" {
		flagPath = o.configPath
	}
	path, err := app.InitPath(flagPath)
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if _, err := os.Lstat(path); err == nil && !opt.force {
		return fmt.Errorf("%s already exists; init never overwrites a config: edit it (vendorwatch check-config validates it), or run vendorwatch init --force, which keeps the old one as a .bak", app.Tildify(path))
	}

	cat := catalog.Builtin()
	found := setup.Detect(cat, setup.System())
	answers, err := setup.Defaults(cat, found, opt.vendors, opt.heldBy)
	if err != nil {
		return err
	}
	if !opt.yes {
		// ACCESSIBLE is the Charm tools' common switch for line-by-line
		// prompts.
		t, err := initTerminal(cmd, opt.accessible || os.Getenv("ACCESSIBLE") != "")
		if err != nil {
			return err
		}
		if answers, err = setup.Ask(cmd.Context(), cat, found, answers, app.Tildify(path), t); err != nil {
			return err
		}
	}
	data, err := setup.Render(cat, found, answers)
	if err != nil {
		return err
	}
	if err := app.ValidateConfig(data, path); err != nil {
		return fmt.Errorf("the config init made does not validate, so nothing was written: %w", err)
	}
	backup, err := setup.Write(path, data, opt.force, time.Now())
	if err != nil {
		return err
	}

	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "wrote %s (mode 0600): %d vendor(s), %d key reference(s), no key.\n", app.Tildify(path), len(answers.Vendors), answers.KeyCount())
	if answers.KeyCount() == 0 {
		fmt.Fprintln(out, "no key is probed yet: export a vendor's key variable (OPENAI_API_KEY, VAPI_API_KEY, …) and run init --force again, or add keys: to the file (its comments show how)")
	}
	if backup != "" {
		fmt.Fprintf(out, "the old config is kept as %s\n", app.Tildify(backup))
	}
	if !opt.noCheck {
		if err := firstCheck(cmd, o, path, out); err != nil {
			return err
		}
	}
	writeNext(out, path)
	return nil
}

// initTerminal is where the form runs: the terminal on stdin and stdout,
// or, in accessible mode, any input (one answer per line).
func initTerminal(cmd *cobra.Command, accessible bool) (setup.Terminal, error) {
	in := cmd.InOrStdin()
	out, outTTY := terminal(cmd)
	inFile, inTTY := in.(*os.File)
	inTTY = inTTY && term.IsTerminal(inFile.Fd())
	switch {
	case accessible && outTTY:
		return setup.Terminal{In: setup.LineReader(in), Out: out, Accessible: true}, nil
	case accessible:
		return setup.Terminal{In: setup.LineReader(in), Out: cmd.OutOrStdout(), Accessible: true}, nil
	case !outTTY || !inTTY:
		return setup.Terminal{}, errors.New("init asks its questions in a terminal, and this is not one: run vendorwatch init --yes (with --vendors openai,vapi to choose the vendors, --held-by openai=vapi for custody), or --accessible to answer line by line")
	}
	return setup.Terminal{In: in, Out: out}, nil
}

// firstCheck runs check-config on the written file, then one check of
// every vendor, as --once would, without ending init with its level.
func firstCheck(cmd *cobra.Command, o *options, path string, out io.Writer) error {
	co := *o
	co.configPath = path
	a, err := load(&co)
	if err != nil {
		return fmt.Errorf("the config was written but does not load: %w", err)
	}
	fmt.Fprintln(out, "\n== vendorwatch check-config")
	ctx := cmd.Context()
	if err := a.CheckConfig(ctx, out); err != nil {
		return err
	}
	fmt.Fprintln(out, "\n== a first check (vendorwatch --once)")
	rep, err := checkOnce(cmd, a)
	if err != nil {
		return err
	}
	if err := output.WriteTable(out, rep, output.TableOptions{NoColor: o.noColor}); err != nil {
		return err
	}
	fmt.Fprintf(out, "first check: %s (vendorwatch --once would exit %d)\n", rep.Overall, rep.Overall.ExitCode())
	return nil
}

// writeNext prints the commands to run next, with --config when the file
// is not where vendorwatch looks by itself.
func writeNext(out io.Writer, path string) {
	flag := ""
	if loc, err := app.InitPath(""); err != nil || !samePath(loc, path) {
		flag = " --config " + shellQuote(app.Tildify(path))
	}
	fmt.Fprintf(out, "\nNext:\n  vendorwatch%s                 # the dashboard, watching this config\n", flag)
	fmt.Fprintf(out, "  vendorwatch%s check-config    # validate it and resolve every key again\n", flag)
	fmt.Fprintf(out, "  vendorwatch%s --once          # one check, for scripts (exit code = level)\n", flag)
}

func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// shellQuote quotes a path for a shell when it needs it; ~/ stays bare so
// the shell expands it.
func shellQuote(s string) string {
	if !strings.ContainsAny(s, " '\"$`\\!*?;&|<>()") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
