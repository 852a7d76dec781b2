package main

import (
	"bytes"
	"fmt"
	"text/template"
)

// releaseURL is where a published release's files are downloaded from;
// the formula points there. Publishing itself is not the build's job.
const releaseURL = "https://github.com/vendorwatch/vendorwatch/releases/download"

// formulaData fills packaging/homebrew/vendorwatch.rb.
type formulaData struct {
	m       meta
	sums    map[string]string // archive file name → SHA-256
	BaseURL string
}

// PlainVersion is the version without its v, as Homebrew compares them.
func (d formulaData) PlainVersion() string { return d.m.plainVersion() }

// Archive is the file name of the archive of goos/goarch.
func (d formulaData) Archive(goos, goarch string) string {
	return archiveName(d.m, target{goos, goarch})
}

// SHA256 is the sum of that archive; it fails when the archive was not
// built, so a formula never points at a file the release lacks.
func (d formulaData) SHA256(goos, goarch string) (string, error) {
	name := d.Archive(goos, goarch)
	sum, ok := d.sums[name]
	if !ok {
		return "", fmt.Errorf("the formula needs %s, which this build did not make (build every target, or --skip formula)", name)
	}
	return sum, nil
}

// renderFormula fills the formula template from the archives' sums.
func renderFormula(tmpl string, m meta, sums map[string]string) ([]byte, error) {
	t, err := template.New("vendorwatch.rb").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("packaging/homebrew/vendorwatch.rb: %w", err)
	}
	var b bytes.Buffer
	d := formulaData{m: m, sums: sums, BaseURL: releaseURL + "/" + m.version}
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("packaging/homebrew/vendorwatch.rb: %w", err)
	}
	return b.Bytes(), nil
}
