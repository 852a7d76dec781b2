package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	"internal/jsonarrays": 0,
	"internal/zstdpack":   0,
	"internal/atomicfile": 2, // above redact: every file it writes is redacted
	"internal/fileperm":   0,
	"internal/flock":      0,
	"internal/loopback":   0,
	"internal/redact":     1,
	"internal/layout":     0,
	"internal/fixture":    2,
	"statusline":          0,
	"statusline/fastpath": 1,
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
	// Reliability figures from history rows (report --sla): pure, beside
	// the history that reads them.
	"sla":       9,
	"monitor":   10,
	"notify":    10,
	"output":    10,
	"readiness": 10,
	"ui":        10,
	"serve":     11,
	"chart":     11,
	"setup":     11, // vendorwatch init: detection, the form, the file
	"app":       12,
	"remote":    12,
	// The commands, and tools beside the program.
	"":                     13,
	"cmd/vwbench":          13,
	"providers/admintest":  13,
	"providers/vendortest": 13,
	"internal/traffictest": 13,
	"providers/catalog/internal/gendirectory": 13,
	"providers/catalog/internal/gencatalog":   13,
}

// pure packages never depend on these, directly or through anything they
// import: they take plain data and give plain data.
var pure = []string{"observe", "correlate", "output", "ui", "readiness", "sla"}

// forbiddenInPure are the packages (or, ending in "/", the families of
// packages) that pure packages must not reach. database/sql/driver, a
// handful of interfaces that colour libraries implement, is not SQL.
var forbiddenInPure = []string{
	"net/http", "database/sql",
	"go.yaml.in/", "gopkg.in/yaml.", "github.com/PuerkitoBio/goquery", "github.com/PuerkitoBio/goquery/",
	"github.com/mmcdole/gofeed", "github.com/mmcdole/gofeed/",
}

// slowInits are outside libraries that do work in their package init:
// gonum.org/v1/plot parsed a dozen embedded fonts (go-fonts, go-latex)
// at every start of every vendorwatch process, chart or not. Go runs
// the init of every package linked, so no package of ours may reach
// them; check a new library with GODEBUG=inittrace=1 (docs/development.md).
var slowInits = []string{"gonum.org/v1/plot", "codeberg.org/go-fonts/", "codeberg.org/go-latex/"}

// ownedImports are outside packages that exactly one package (or family)
// of ours may import directly.
var ownedImports = map[string][]string{
	"github.com/PuerkitoBio/goquery": {"statuspage"},
	"github.com/mmcdole/gofeed":      {"statuspage"},
	"charm.land/bubbletea/v2":        {"ui"},
	"charm.land/bubbles/v2":          {"ui"},
	"modernc.org/sqlite":             {"history"},
	"github.com/spf13/cobra":         {""},
	"charm.land/huh/v2":              {"setup"},
}

// configImporters may import config: the adapters that read it and the
// assembled program.
func configImporter(rel string) bool {
	return rel == "app" || rel == "providers" || strings.HasPrefix(rel, "providers/")
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

// TestLayout checks the module's real import graph.
func TestLayout(t *testing.T) {
	for _, v := range violations(list(t)) {
		t.Error(v)
	}
}

// violations are every rule the packages break: an import that points up
// or sideways, a package with no floor, a pure package that reaches the
// network, SQL, YAML or the parsers, an outside library or one of our
// packages imported where it does not belong.
func violations(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		from, ours := rel(p.ImportPath)
		if !ours {
			continue
		}
		out = append(out, direction(from, p)...)
		out = append(out, purity(from, p)...)
		out = append(out, owners(from, p)...)
		out = append(out, startCost(from, p)...)
	}
	return out
}

// startCost: no package of ours links a library whose init does work
// at every start.
func startCost(from string, p pkg) []string {
	var out []string
	for _, d := range p.Deps {
		for _, lib := range slowInits {
			if d == lib || (strings.HasSuffix(lib, "/") && strings.HasPrefix(d, lib)) {
				out = append(out, fmt.Sprintf("%s links %s, whose init does work at every start of every process", show(from), d))
			}
		}
	}
	return out
}

// direction: imports only point down (DESIGN §2).
func direction(from string, p pkg) []string {
	ff, ok := floors[from]
	if !ok {
		return []string{fmt.Sprintf("package %q has no floor in layout_test.go: place it (DESIGN §2)", p.ImportPath)}
	}
	var out []string
	for _, imp := range p.Imports {
		to, ours := rel(imp)
		if !ours {
			continue
		}
		if tf, ok := floors[to]; !ok || tf >= ff {
			out = append(out, fmt.Sprintf("%s -> %s points up or sideways (floor %d to %d): imports only point down (DESIGN §2)", show(from), show(to), ff, tf))
		}
	}
	return out
}

// purity: the pure packages reach no network, SQL, YAML, HTML or feed
// code, however indirectly.
func purity(from string, p pkg) []string {
	if !slices.Contains(pure, from) {
		return nil
	}
	var out []string
	for _, d := range p.Deps {
		for _, f := range forbiddenInPure {
			if d == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
				out = append(out, fmt.Sprintf("%s reaches %s: it must take and give plain data only (DESIGN §2)", show(from), d))
			}
		}
	}
	return out
}

// owners: the outside libraries and packages that only one place may
// import, and the bottom packages that use the standard library alone.
func owners(from string, p pkg) []string {
	var out []string
	var cfg, hist, poller bool
	for _, imp := range p.Imports {
		for lib, owners := range ownedImports {
			if matches(imp, lib) && !slices.Contains(owners, from) {
				out = append(out, show(from)+" imports "+lib+", which belongs to "+strings.Join(showAll(owners), ", "))
			}
		}
		to, ours := rel(imp)
		switch {
		case !ours:
		case to == "config":
			cfg = true
			if !configImporter(from) {
				out = append(out, show(from)+" imports config, which only providers/* and app may")
			}
		case to == "history":
			hist = true
		case to == "providers":
			poller = true
		}
		if (from == "statusline" || from == "observe") && !isStandard(imp) {
			out = append(out, show(from)+" imports "+imp+": it must use the standard library only")
		}
	}
	if cfg && hist && poller && from != "app" && from != "" {
		out = append(out, show(from)+" imports config, history and the poller together, which only app and the commands do")
	}
	return out
}

// The rules catch what they are for: a graph that breaks each of them.
func TestViolationsAreFound(t *testing.T) {
	m := func(rel string) string {
		if rel == "" {
			return module
		}
		return module + "/" + rel
	}
	bad := []pkg{
		{ImportPath: m("observe"), Imports: []string{m("providers"), "fmt"}},
		{ImportPath: m("correlate"), Imports: []string{m("observe")}, Deps: []string{"net/http", "github.com/mmcdole/gofeed/rss"}},
		{ImportPath: m("output"), Imports: []string{"charm.land/bubbletea/v2", m("config")}},
		{ImportPath: m("monitor"), Imports: []string{m("notify")}},
		{ImportPath: m("newthing")},
		{ImportPath: m("statusline"), Imports: []string{"github.com/charmbracelet/x/ansi"}},
		{ImportPath: m("ui"), Deps: []string{"database/sql/driver"}},
		{ImportPath: m("chart"), Deps: []string{"gonum.org/v1/plot", "codeberg.org/go-fonts/liberation/liberationsans"}},
	}
	got := strings.Join(violations(bad), "\n")
	for _, want := range []string{
		"observe -> providers points up",
		"correlate reaches net/http",
		"correlate reaches github.com/mmcdole/gofeed/rss",
		"output imports charm.land/bubbletea/v2, which belongs to ui",
		"output imports config",
		"monitor -> notify points up or sideways",
		`package "github.com/vendorwatch/vendorwatch/newthing" has no floor`,
		"statusline imports github.com/charmbracelet/x/ansi: it must use the standard library only",
		"chart links gonum.org/v1/plot, whose init",
		"chart links codeberg.org/go-fonts/liberation/liberationsans, whose init",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no violation %q among:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ui reaches") {
		t.Errorf("database/sql/driver (colour libraries implement it) is not SQL:\n%s", got)
	}
	if v := violations([]pkg{{ImportPath: m("correlate"), Imports: []string{m("observe"), "fmt"}, Deps: []string{"fmt"}}}); len(v) != 0 {
		t.Errorf("a clean package has violations: %v", v)
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
