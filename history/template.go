package history

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// schemaTemplate is a new database at SchemaVersion, gzipped: the file
// the migrations write into an empty one, and the same pages. A new
// history is this file put in place (placeTemplate), where writing the
// schema through SQLite, some thirty tables and indexes parsed and
// written one by one, took a tenth of a first --once's CPU over 10
// vendors. TestTemplateIsTheMigratedSchema holds it to the migrations;
// `go test ./history -run TestTemplateIsTheMigratedSchema -update-template`
// writes it again after a migration is added.
//
//go:embed schema.db.gz
var schemaTemplate []byte

// templateFile is the template's name in the package, for the test that
// writes it.
const templateFile = "schema.db.gz"

// placeTemplate puts a copy of the template at path, unless a file is
// there, and reports whether it did. The copy is written and synced
// under a temporary name beside path, then linked to path: another
// process creating the same database at the same moment either finds the
// whole file or links its own first, and a crash leaves no half file
// where the database goes. A template that cannot be placed is no error:
// the caller writes the schema through SQLite instead, which reports what
// is wrong with the directory.
func placeTemplate(path string) bool {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".new-*")
	if err != nil {
		return false
	}
	defer os.Remove(tmp.Name())
	err = writeTemplate(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	return err == nil && os.Link(tmp.Name(), path) == nil
}

// writeTemplate writes the template, inflated, to f and syncs it.
func writeTemplate(f *os.File) error {
	zr, err := gzip.NewReader(bytes.NewReader(schemaTemplate))
	if err != nil {
		return fmt.Errorf("the schema template: %w", err)
	}
	if _, err := io.Copy(f, zr); err != nil {
		return fmt.Errorf("the schema template: %w", err)
	}
	return f.Sync()
}

// fileMissing reports whether nothing is at path.
func fileMissing(path string) bool {
	_, err := os.Lstat(path)
	return errors.Is(err, fs.ErrNotExist)
}
