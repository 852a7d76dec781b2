package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// updateMan makes TestManPagesAreCurrent write the pages into docs/man
// instead of comparing them:
//
//	go test -run '^TestManPagesAreCurrent$' . -update-man
var updateMan = flag.Bool("update-man", false, "regenerate the manual pages in docs/man")

// manDate is the date every manual page states in its header. It is fixed,
// not the time of the run, so that the pages are the same on every machine
// and the ones committed in docs/man can be checked against the commands.
// Move it forward when the pages change for a release.
var manDate = time.Date(2026, time.December, 6, 0, 0, 0, 0, time.UTC)

// TestManPagesAreCurrent regenerates every manual page from the command
// tree and compares it with the pages committed in docs/man, which the
// binary serves (vendorwatch man): a flag or a command changed without
// its page fails here.
func TestManPagesAreCurrent(t *testing.T) {
	dir := t.TempDir()
	if *updateMan {
		dir = manDir
		old, _ := filepath.Glob(filepath.Join(manDir, "*.1"))
		for _, name := range old {
			if err := os.Remove(name); err != nil {
				t.Fatal(err)
			}
		}
	}
	n, err := generateManPages(newRootCmd(), dir)
	if err != nil {
		t.Fatal(err)
	}
	want := pageNames(t, dir)
	if len(want) != n {
		t.Fatalf("generateManPages made %d pages, the directory holds %d", n, len(want))
	}
	if *updateMan {
		t.Logf("wrote %d pages into %s", n, manDir)
		return
	}
	const fix = "regenerate them: go test -run '^TestManPagesAreCurrent$' . -update-man, then commit docs/man"
	committed := pageNames(t, manDir)
	for _, name := range want {
		if !slices.Contains(committed, name) {
			t.Errorf("docs/man has no %s: %s", name, fix)
			continue
		}
		got, err := os.ReadFile(filepath.Join(manDir, name))
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(fresh) {
			t.Errorf("docs/man/%s is out of date: %s", name, fix)
		}
	}
	for _, name := range committed {
		if !slices.Contains(want, name) {
			t.Errorf("docs/man/%s belongs to no command any more: %s", name, fix)
		}
	}
}

// generateManPages writes one page per available command of root's tree
// into dir with cobra's generator and returns how many it wrote. Each page
// is named as manPageName names it, which is how the binary finds it.
func generateManPages(root *cobra.Command, dir string) (int, error) {
	// The tree is made the same whether it was executed or only built:
	// the completion command cobra adds at execution is added, and the
	// pages carry no generation stamp, whose date would change with every
	// run.
	root.InitDefaultCompletionCmd()
	root.InitDefaultVersionFlag()
	n := 0
	var walk func(*cobra.Command) error
	walk = func(c *cobra.Command) error {
		c.DisableAutoGenTag = true
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
				continue
			}
			if err := walk(sub); err != nil {
				return err
			}
		}
		date := manDate
		header := &doc.GenManHeader{Section: "1", Date: &date, Source: "vendorwatch", Manual: "vendorwatch manual"}
		f, err := os.Create(filepath.Join(dir, manPageName(c)))
		if err != nil {
			return err
		}
		if err := doc.GenMan(c, header, f); err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", c.CommandPath(), err)
		}
		n++
		return f.Close()
	}
	return n, walk(root)
}
