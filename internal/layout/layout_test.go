package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/vendorwatch/vendorwatch"

// floors places every package of the module (DESIGN §2). A package may
// import only packages on a lower floor: data flows up, imports point
// down. A new package must be given a floor here before it builds into
// the test's approval.
var floors = map[string]int{
	// Small helpers with one owner each, and the status line's fast path,
	// which must start without the rest of the program.
	"internal/lazyregexp": 0,
	"internal/termtext":   0,
	"internal/atomicfile": 0,
	"internal/flock":      0,
	"internal/loopback":   0,
	"internal/layout":     0,
	"internal/fixture":    0,
	"statusline":          0,
	// What a check saw: data only.
	"observe": 1,
	// Status page formats into that data; the only home of goquery and
	// gofeed.
	"statuspage": 2,
	// YAML in, validated config out.
	"config": 3,
	// The vendor adapters, each one job, and the poller over them.
	"providers/fetch":      4,
	"providers/catalog":    4,
	"demo":                 4,
	"providers/probe":      5,
	"providers/statusread": 5,
	"providers/admin":      6,
	"providers/traffic":    6,
	"providers":            7,
	// Pure judgement, then memory, then what uses both.
	"correlate": 8,
	"history":   9,
	"monitor":   10,
	"notify":    10,
	"output":    10,
	"ui":        10,
	"app":       11,
	"serve":     11,
	"remote":    12,
	// The commands, and tools beside the program.
	"":                     13,
	"cmd/vwbench":          13,
	"providers/admintest":  13,
	"providers/vendortest": 13,
	"providers/catalog/internal/gendirectory": 13,
}

// pure packages never depend on these, directly or through anything they
// import: they take plain data and give plain data.
var pure = []string{"observe", "correlate", "output", "ui"}

// forbiddenInPure are the packages (or, ending in "/", the families of
// packages) that pure packages must not reach. database/sql/driver, a
// handful of interfaces that colour libraries implement, is not SQL.
var forbiddenInPure = []string{
	"net/http", "database/sql",
	"go.yaml.in/", "gopkg.in/yaml.", "github.com/PuerkitoBio/goquery", "github.com/PuerkitoBio/goquery/",
	"github.com/mmcdole/gofeed", "github.com/mmcdole/gofeed/",
}

// ownedImports are outside packages that exactly one package (or family)
// of ours may import directly.
var ownedImports = map[string][]string{
	"github.com/PuerkitoBio/goquery": {"statuspage"},
	"github.com/mmcdole/gofeed":      {"statuspage"},
	"charm.land/bubbletea/v2":        {"ui"},
	"charm.land/bubbles/v2":          {"ui"},
	"modernc.org/sqlite":             {"history"},
	"github.com/spf13/cobra":         {""},
}

// configImporters may import config: the adapters that read it and the
// assembled program.
func configImporter(rel string) bool {
	return rel == "app" || rel == "providers" || strings.HasPrefix(rel, "providers/")
}

// allowed are today's known violations, each to be removed by the step
// that fixes it. The test fails on any edge not listed, and on a listed
// one that no longer exists, so the list only ever shrinks.
var allowed = []string{
	"(root) imports config, which only providers/* and app may",
}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
}

func list(t *testing.T) []pkg {
	t.Helper()
	touchSources(t)
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(goCmd, "list", "-e", "-json=ImportPath,Imports,Deps,Standard", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// touchSources reads every Go file of the module. go test caches a
// result until a file the test opened changes; go list reads the files
// in another process, so without this an edited import would be judged
// by a stale result.
func touchSources(t *testing.T) {
	t.Helper()
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod") {
			_, err = os.ReadFile(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rel is a package's path inside the module ("" for the root), and
// whether it is ours.
func rel(path string) (string, bool) {
	if path == module {
		return "", true
	}
	r, ok := strings.CutPrefix(path, module+"/")
	return r, ok
}

func matches(path, pattern string) bool {
	if strings.HasSuffix(pattern, "/") {
		return strings.HasPrefix(path, pattern)
	}
	return path == pattern || strings.HasPrefix(path, pattern+"/")
}

// TestImportDirection fails on every import that points up, or sideways
// between packages on one floor, and on every package without a floor.
func TestImportDirection(t *testing.T) {
	var found []string
	for _, p := range list(t) {
		from, ours := rel(p.ImportPath)
		if !ours {
			continue
		}
		ff, ok := floors[from]
		if !ok {
			t.Errorf("package %q has no floor in layout_test.go: place it (DESIGN §2)", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			to, ours := rel(imp)
			if !ours {
				continue
			}
			tf, ok := floors[to]
			if ok && tf < ff {
				continue
			}
			edge := show(from) + " -> " + show(to)
			found = append(found, edge)
			if !slices.Contains(allowed, edge) {
				t.Errorf("%s points up or sideways (floor %d to %d): imports only point down (DESIGN §2)", edge, ff, tf)
			}
		}
	}
	for _, a := range allowed {
		if strings.Contains(a, " -> ") && !slices.Contains(found, a) {
			t.Errorf("%s is allowed in layout_test.go but no longer exists: remove it from the list", a)
		}
	}
}

// TestPurePackages checks that the pure packages reach no network, SQL,
// YAML, HTML or feed code, however indirectly.
func TestPurePackages(t *testing.T) {
	var found []string
	for _, p := range list(t) {
		from, ours := rel(p.ImportPath)
		if !ours || !slices.Contains(pure, from) {
			continue
		}
		for _, d := range p.Deps {
			for _, f := range forbiddenInPure {
				if d != f && !(strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
					continue
				}
				v := show(from) + " reaches " + f
				if !slices.Contains(found, v) {
					found = append(found, v)
				}
			}
		}
	}
	for _, v := range found {
		if !slices.Contains(allowed, v) {
			t.Errorf("%s: it must take and give plain data only (DESIGN §2)", v)
		}
	}
	for _, a := range allowed {
		if strings.Contains(a, " reaches ") && !slices.Contains(found, a) {
			t.Errorf("%s is allowed in layout_test.go but no longer happens: remove it from the list", a)
		}
	}
}

// TestOwners checks the outside libraries and packages that only one
// place may import, and that the bottom packages use the standard library
// alone.
func TestOwners(t *testing.T) {
	var found []string
	note := func(v string) {
		found = append(found, v)
		if !slices.Contains(allowed, v) {
			t.Error(v)
		}
	}
	for _, p := range list(t) {
		from, ours := rel(p.ImportPath)
		if !ours {
			continue
		}
		var cfg, hist, poller bool
		for _, imp := range p.Imports {
			for lib, owners := range ownedImports {
				if matches(imp, lib) && !slices.Contains(owners, from) {
					note(show(from) + " imports " + lib + ", which belongs to " + strings.Join(showAll(owners), ", "))
				}
			}
			to, ours := rel(imp)
			switch {
			case !ours:
			case to == "config":
				cfg = true
				if !configImporter(from) {
					note(show(from) + " imports config, which only providers/* and app may")
				}
			case to == "history":
				hist = true
			case to == "providers":
				poller = true
			}
			if (from == "statusline" || from == "observe") && !isStandard(imp) {
				note(show(from) + " imports " + imp + ": it must use the standard library only")
			}
		}
		if cfg && hist && poller && from != "app" && from != "" {
			note(show(from) + " imports config, history and the poller together, which only app and the commands do")
		}
	}
	for _, a := range allowed {
		if !strings.Contains(a, " -> ") && !strings.Contains(a, " reaches ") && !slices.Contains(found, a) {
			t.Errorf("%s is allowed in layout_test.go but no longer happens: remove it from the list", a)
		}
	}
}

// isStandard reports whether path is a standard-library package: no dot
// in its first element.
func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func show(rel string) string {
	if rel == "" {
		return "(root)"
	}
	return rel
}

func showAll(rels []string) []string {
	out := make([]string, len(rels))
	for i, r := range rels {
		out[i] = show(r)
	}
	return out
}
