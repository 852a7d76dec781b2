package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// manDate is the date every manual page states in its header. It is fixed,
// not the time of the run, so that the pages are the same on every machine
// and the ones committed in docs/man can be checked against the commands.
// Move it forward when the pages change for a release.
var manDate = time.Date(2026, time.December, 6, 0, 0, 0, 0, time.UTC)

// manDir is where the repository keeps the generated pages.
const manDir = "docs/man"

func newManCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "man [COMMAND...]",
		Short: "Print the manual page of vendorwatch or of one command, or write them all with --dir",
		Long: `Print a manual page (roff, section 1) generated from the commands' own help: the
page of vendorwatch itself, or of the command named (vendorwatch man rotation done).
With --dir, write one page per command into that directory instead (vendorwatch.1,
vendorwatch-serve.1, …), as the repository keeps them in ` + manDir + `.`,
		Example: `  vendorwatch man | man -l -
  vendorwatch man serve | man -l -
  vendorwatch man --dir ~/.local/share/man/man1`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: completeCommandPath,
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			if dir != "" {
				if len(args) > 0 {
					return errors.New("--dir writes every command's page: name no command with it")
				}
				n, err := writeManPages(root, dir)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %d manual pages to %s\n", n, dir)
				return nil
			}
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 || !target.IsAvailableCommand() && target != root {
				return fmt.Errorf("no command %q: vendorwatch --help lists them", strings.Join(args, " "))
			}
			prepareManTree(root)
			return doc.GenMan(target, manHeader(), cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "write every command's page into `DIR` (created if missing) instead of printing one")
	return cmd
}

// completeCommandPath completes the command names man takes: the
// subcommands of the command the words so far name.
func completeCommandPath(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	target, rest, err := cmd.Root().Find(args)
	if err != nil || len(rest) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []string
	for _, c := range target.Commands() {
		if c.IsAvailableCommand() && strings.HasPrefix(c.Name(), toComplete) {
			names = append(names, c.Name())
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// manHeader is the header of every page; a fresh one each time, because
// cobra fills the title of the page into it.
func manHeader() *doc.GenManHeader {
	date := manDate
	return &doc.GenManHeader{Section: "1", Date: &date, Source: "vendorwatch", Manual: "vendorwatch manual"}
}

// prepareManTree makes the command tree the same whether it was executed
// or only built (as in the tests): the completion command cobra adds at
// execution is added, and the pages carry no generation stamp, whose date
// would change with every run.
func prepareManTree(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	root.InitDefaultVersionFlag()
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// writeManPages writes one page per available command of root's tree into
// dir and returns how many it wrote.
func writeManPages(root *cobra.Command, dir string) (int, error) {
	prepareManTree(root)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("man: %w", err)
	}
	if err := doc.GenManTreeFromOpts(root, doc.GenManTreeOptions{Header: manHeader(), Path: dir, CommandSeparator: "-"}); err != nil {
		return 0, fmt.Errorf("man: writing the pages into %s: %w", dir, err)
	}
	n := 0
	var count func(*cobra.Command)
	count = func(c *cobra.Command) {
		n++
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
				count(sub)
			}
		}
	}
	count(root)
	return n, nil
}
