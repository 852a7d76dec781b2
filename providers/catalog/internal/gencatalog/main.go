// Command gencatalog compiles the curated catalog, providers/catalog's
// catalog.yaml, into catalog_gen.go: the entries as Go composite literals,
// so that a process reads the built-in catalog without parsing YAML.
// catalog.yaml stays the source that people edit. Run it from
// providers/catalog (go generate does):
//
//	go generate -run gencatalog ./providers/catalog
//
// It checks the YAML as catalog.Parse does and writes nothing when that
// fails (an unknown category, a name listed twice, a YAML error). go
// generate builds it with -tags gencatalog, which leaves catalog_gen.go
// out of the catalog package, so a generated file that no longer compiles
// (after a field of Entry is renamed) never blocks its own regeneration.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

func main() {
	in := flag.String("in", "catalog.yaml", "the curated catalog")
	out := flag.String("o", "catalog_gen.go", "the Go file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}

// run compiles the catalog at in into the Go file at out, replacing it
// whole or not at all.
func run(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("reading the catalog: %w", err)
	}
	cat, err := catalog.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	src, err := Source(cat.All(), filepath.Base(in))
	if err != nil {
		return err
	}
	return atomicfile.Write(out, atomicfile.Options{Perm: 0o644}, src)
}
