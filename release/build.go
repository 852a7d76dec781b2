package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// archiveName is the file name of t's archive: tar.gz, or zip for Windows.
func archiveName(m meta, t target) string {
	ext := ".tar.gz"
	if t.os == "windows" {
		ext = ".zip"
	}
	return archiveDir(m, t) + ext
}

// archiveDir is the one directory at the top of t's archive.
func archiveDir(m meta, t target) string {
	return fmt.Sprintf("vendorwatch_%s_%s_%s", m.plainVersion(), t.os, t.arch)
}

// imageName is the file name of the OCI image layout tarball.
func imageName(m meta) string {
	return fmt.Sprintf("vendorwatch_%s_oci.tar", m.plainVersion())
}

func sortedTargets[V any](m map[target]V) []target {
	ts := make([]target, 0, len(m))
	for t := range m {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b target) int { return strings.Compare(a.String(), b.String()) })
	return ts
}

// build makes every artefact of o into o.out, then checksums.txt.
func build(ctx context.Context, o options, log io.Writer) error {
	var err error
	if o.src == "" {
		if o.src, err = git(ctx, ".", "rev-parse", "--show-toplevel"); err != nil {
			return fmt.Errorf("not in a checkout (give --src): %w", err)
		}
	}
	if o.out == "" {
		o.out = filepath.Join(o.src, "dist")
	}
	m, err := readMeta(ctx, o.src, o.version)
	if err != nil {
		return err
	}
	if err := emptyDir(o.out); err != nil {
		return err
	}
	fmt.Fprintf(log, "release %s, commit %s, date %s, into %s\n", m.version, m.commit, m.date.Format("2006-01-02T15:04:05Z"), o.out)
	if strings.HasSuffix(m.commit, "-dirty") {
		fmt.Fprintln(log, "warning: the tree has uncommitted changes; the commit is stamped with -dirty")
	}

	stage, err := os.MkdirTemp("", "vendorwatch-release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)

	docs, manPages, err := archiveDocs(o.src)
	if err != nil {
		return err
	}
	linux := map[target][]byte{}
	binPaths := map[target]string{}
	for _, t := range o.targets {
		fmt.Fprintf(log, "build %s\n", t)
		bin := filepath.Join(stage, t.os+"_"+t.arch, t.exe())
		if err := goBuild(ctx, o.src, t, m, bin); err != nil {
			return err
		}
		body, err := os.ReadFile(bin)
		if err != nil {
			return err
		}
		name := archiveName(m, t)
		es := archiveEntries(archiveDir(m, t), t, body, docs)
		write := func(w io.Writer) error { return writeTarGz(w, es, m.date) }
		if t.os == "windows" {
			write = func(w io.Writer) error { return writeZip(w, es, m.date) }
		}
		if err := writeFile(filepath.Join(o.out, name), write); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(log, "  %s\n", name)
		if t.os == "linux" {
			linux[t], binPaths[t] = body, bin
		}
	}

	if !o.skip["packages"] && len(linux) > 0 {
		in, err := stagePackageInput(o.src, stage, manPages)
		if err != nil {
			return err
		}
		for _, t := range sortedTargets(linux) {
			in.binary = binPaths[t]
			for _, format := range packageFormats {
				name, err := buildPackage(format, m, t, in, o.out)
				if err != nil {
					return err
				}
				fmt.Fprintf(log, "  %s\n", name)
			}
		}
	}

	if !o.skip["image"] && len(linux) > 0 {
		ca, err := os.ReadFile(o.caBundle)
		if err != nil {
			return fmt.Errorf("the image needs CA certificates (--ca-bundle, apt-get install ca-certificates): %w", err)
		}
		if err := writeImage(m, linux, ca, filepath.Join(o.out, imageName(m))); err != nil {
			return err
		}
		fmt.Fprintf(log, "  %s\n", imageName(m))
	}

	sums, err := writeChecksums(o.out)
	if err != nil {
		return err
	}
	fmt.Fprintln(log, "  checksums.txt")

	if !o.skip["formula"] {
		tmpl, err := os.ReadFile(filepath.Join(o.src, "packaging", "homebrew", "vendorwatch.rb"))
		if err != nil {
			return err
		}
		rb, err := renderFormula(string(tmpl), m, sums)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(o.out, "vendorwatch.rb"), rb, 0o644); err != nil {
			return err
		}
		fmt.Fprintln(log, "  vendorwatch.rb")
	}
	return nil
}

// emptyDir makes sure dir exists and holds nothing: a release never
// mixes its files with an earlier one's.
func emptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(names) > 0 {
		return fmt.Errorf("%s is not empty: remove it or choose another --out", dir)
	}
	return nil
}

// archiveDocs are the files every archive carries beside the binary, and
// the man pages found in docs/man (engineers generate them with
// vendorwatch man; a checkout without them builds without them).
func archiveDocs(src string) (docs []entry, manPages []string, err error) {
	for _, name := range []string{"README.md", "config.example.yaml", "LICENSE", "docs/vendorwatch.service"} {
		body, err := os.ReadFile(filepath.Join(src, name))
		if errors.Is(err, fs.ErrNotExist) && name == "LICENSE" {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, entry{name: filepath.Base(name), mode: 0o644, body: body})
	}
	manPages, err = filepath.Glob(filepath.Join(src, "docs", "man", "*.1"))
	if err != nil {
		return nil, nil, err
	}
	slices.Sort(manPages)
	if len(manPages) > 0 {
		docs = append(docs, entry{name: "man", mode: fs.ModeDir | 0o755})
	}
	for _, p := range manPages {
		body, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, entry{name: "man/" + filepath.Base(p), mode: 0o644, body: body})
	}
	return docs, manPages, nil
}

// stagePackageInput writes the packaged unit into stage and names the
// other files the packages take from the checkout.
func stagePackageInput(src, stage string, manPages []string) (packageInput, error) {
	doc, err := os.ReadFile(filepath.Join(src, "docs", "vendorwatch.service"))
	if err != nil {
		return packageInput{}, err
	}
	unit, err := packagedUnit(string(doc))
	if err != nil {
		return packageInput{}, err
	}
	unitPath := filepath.Join(stage, "vendorwatch.service")
	if err := os.WriteFile(unitPath, []byte(unit), 0o644); err != nil {
		return packageInput{}, err
	}
	return packageInput{
		unit:     unitPath,
		config:   filepath.Join(src, "config.example.yaml"),
		readme:   filepath.Join(src, "README.md"),
		manPages: manPages,
		scripts:  filepath.Join(src, "packaging", "nfpm"),
	}, nil
}

// writeChecksums writes checksums.txt (sha256sum's format, names
// sorted) for every file in dir and returns the sums by name.
func writeChecksums(dir string) (map[string]string, error) {
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	var b strings.Builder
	for _, n := range names {
		if n.IsDir() || n.Name() == "checksums.txt" {
			continue
		}
		f, err := os.Open(filepath.Join(dir, n.Name()))
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		sums[n.Name()] = hex.EncodeToString(h.Sum(nil))
		fmt.Fprintf(&b, "%s  %s\n", sums[n.Name()], n.Name())
	}
	return sums, os.WriteFile(filepath.Join(dir, "checksums.txt"), []byte(b.String()), 0o644)
}
