package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// TestBuiltRelease checks a release that go run . build made, as .ci/release
// does after building one:
//
//	VENDORWATCH_RELEASE_DIST=../dist VENDORWATCH_RELEASE_VERSION=v0.4.0 go test -run TestBuiltRelease .
//
// Every file matches checksums.txt, every archive holds its platform's
// binary under one directory, this machine's binary (from its archive and
// from the image) prints the stamped version, and the formula carries the
// archives' sums. Without the variables it is skipped.
func TestBuiltRelease(t *testing.T) {
	dist, version := os.Getenv("VENDORWATCH_RELEASE_DIST"), os.Getenv("VENDORWATCH_RELEASE_VERSION")
	if dist == "" || version == "" {
		t.Skip("set VENDORWATCH_RELEASE_DIST and VENDORWATCH_RELEASE_VERSION to check a built release")
	}
	m := meta{version: version}
	sums := readChecksums(t, filepath.Join(dist, "checksums.txt"))
	for name, want := range sums {
		f, err := os.Open(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			t.Errorf("%s: sha256 %s, checksums.txt says %s", name, got, want)
		}
	}

	native := target{runtime.GOOS, runtime.GOARCH}
	var nativeBinary string
	for _, p := range defaultTargets {
		goos, goarch, _ := strings.Cut(p, "/")
		tg := target{goos, goarch}
		name := archiveName(m, tg)
		if _, ok := sums[name]; !ok {
			t.Errorf("checksums.txt does not list %s", name)
			continue
		}
		files := archiveFiles(t, filepath.Join(dist, name))
		bin := archiveDir(m, tg) + "/" + tg.exe()
		for _, want := range []string{bin, archiveDir(m, tg) + "/README.md", archiveDir(m, tg) + "/config.example.yaml"} {
			if _, ok := files[want]; !ok {
				t.Errorf("%s has no %s", name, want)
			}
		}
		for f := range files {
			if !strings.HasPrefix(f, archiveDir(m, tg)+"/") {
				t.Errorf("%s: %s is outside the archive's directory", name, f)
			}
		}
		if tg == native {
			nativeBinary = filepath.Join(t.TempDir(), tg.exe())
			if err := os.WriteFile(nativeBinary, files[bin], 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	if nativeBinary != "" {
		checkVersion(t, "the archive's binary", nativeBinary, version)
	}

	rb, err := os.ReadFile(filepath.Join(dist, "vendorwatch.rb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"darwin/amd64", "darwin/arm64", "linux/amd64", "linux/arm64"} {
		goos, goarch, _ := strings.Cut(p, "/")
		if sum := sums[archiveName(m, target{goos, goarch})]; !strings.Contains(string(rb), `sha256 "`+sum+`"`) {
			t.Errorf("the formula lacks the sum of the %s archive", p)
		}
	}

	if native.os == "linux" {
		layoutDir := t.TempDir()
		untar(t, filepath.Join(dist, imageName(m)), layoutDir)
		lp, err := layout.FromPath(layoutDir)
		if err != nil {
			t.Fatal(err)
		}
		top, err := lp.ImageIndex()
		if err != nil {
			t.Fatal(err)
		}
		tm, err := top.IndexManifest()
		if err != nil || len(tm.Manifests) != 1 {
			t.Fatalf("the image layout's index.json: %v, %v", tm, err)
		}
		idx, err := top.ImageIndex(tm.Manifests[0].Digest)
		if err != nil {
			t.Fatal(err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		for _, desc := range im.Manifests {
			if desc.Platform.Architecture != native.arch {
				continue
			}
			img, err := idx.Image(desc.Digest)
			if err != nil {
				t.Fatal(err)
			}
			bin := filepath.Join(t.TempDir(), "vendorwatch")
			if err := os.WriteFile(bin, extract(t, img)["usr/bin/vendorwatch"].body, 0o755); err != nil {
				t.Fatal(err)
			}
			checkVersion(t, "the image's binary", bin, version)
		}
	}
}

func checkVersion(t *testing.T, what, bin, version string) {
	t.Helper()
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Errorf("%s --version: %v\n%s", what, err, out)
		return
	}
	if !strings.HasPrefix(string(out), "vendorwatch "+version+" (commit ") || !strings.Contains(string(out), ", built ") {
		t.Errorf("%s --version printed %q, want vendorwatch %s with its commit and date", what, out, version)
	}
}

func readChecksums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("checksums.txt: bad line %q", sc.Text())
		}
		sums[name] = sum
	}
	return sums
}

// archiveFiles reads a release archive (tar.gz or zip) into memory.
func archiveFiles(t *testing.T, path string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		return files
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		if files[h.Name], err = io.ReadAll(tr); err != nil {
			t.Fatal(err)
		}
	}
}
