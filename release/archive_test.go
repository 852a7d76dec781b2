package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

var testDate = time.Date(2026, 12, 6, 6, 37, 1, 0, time.UTC)

func testEntries() []entry {
	return []entry{
		{name: "vw/vendorwatch", mode: 0o755, body: []byte("binary")},
		{name: "vw", mode: fs.ModeDir | 0o755},
		{name: "vw/README.md", mode: 0o644, body: []byte("readme")},
	}
}

// reversed is es in the opposite order, as another walk of the same
// files might gather them.
func reversed(es []entry) []entry {
	out := make([]entry, len(es))
	for i, e := range es {
		out[len(es)-1-i] = e
	}
	return out
}

// TestArchivesAreReproducible checks that the same files give the same
// bytes whatever order they come in, and that every header carries the
// release's time and root's ids, not the building machine's.
func TestArchivesAreReproducible(t *testing.T) {
	t.Parallel()
	for _, format := range []struct {
		name  string
		write func(io.Writer, []entry, time.Time) error
	}{{"tar.gz", writeTarGz}, {"zip", writeZip}} {
		t.Run(format.name, func(t *testing.T) {
			t.Parallel()
			var a, b bytes.Buffer
			if err := format.write(&a, testEntries(), testDate); err != nil {
				t.Fatal(err)
			}
			if err := format.write(&b, reversed(testEntries()), testDate); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Error("the same entries in another order gave other bytes")
			}
			var c bytes.Buffer
			if err := format.write(&c, testEntries(), testDate.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(a.Bytes(), c.Bytes()) {
				t.Error("the date is not in the archive")
			}
		})
	}
}

func TestTarGzHeaders(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := writeTarGz(&buf, testEntries(), testDate); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		t.Errorf("the gzip header has a time %v or a name %q", zr.ModTime, zr.Name)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if !h.ModTime.Equal(testDate) || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: time %v, owner %d:%d (%q:%q), want %v and 0:0 without names", h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname, testDate)
		}
		if h.Name == "vw/vendorwatch" && h.Mode != 0o755 {
			t.Errorf("the binary has mode %o, want 755", h.Mode)
		}
	}
	want := []string{"vw/", "vw/README.md", "vw/vendorwatch"}
	if len(names) != len(want) {
		t.Fatalf("entries %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("entries %v, want %v", names, want)
			break
		}
	}
}

func TestZipHeaders(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := writeZip(&buf, testEntries(), testDate); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(testDate) {
			t.Errorf("%s: time %v, want %v", f.Name, f.Modified, testDate)
		}
		if f.Name == "vw/vendorwatch" && f.Mode().Perm() != 0o755 {
			t.Errorf("the binary has mode %v, want 0755", f.Mode())
		}
	}
}

// TestArchiveDocsIncludeManPages checks that the man pages of docs/man
// (vendorwatch man writes them) go into the archives under man/ and are
// handed to the packages, and that a checkout without them still builds.
func TestArchiveDocsIncludeManPages(t *testing.T) {
	t.Parallel()
	src := t.TempDir()
	for name, body := range map[string]string{
		"README.md": "readme", "config.example.yaml": "vendors: []\n", "docs/vendorwatch.service": "[Unit]\n",
	} {
		writeTestFile(t, filepath.Join(src, name), body)
	}
	docs, man, err := archiveDocs(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(man) != 0 || len(docs) != 3 {
		t.Errorf("without docs/man: %d docs and man pages %v, want 3 and none", len(docs), man)
	}
	writeTestFile(t, filepath.Join(src, "docs/man/vendorwatch.1"), ".TH VENDORWATCH 1\n")
	writeTestFile(t, filepath.Join(src, "docs/man/vendorwatch-serve.1"), ".TH VENDORWATCH-SERVE 1\n")
	docs, man, err = archiveDocs(src)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range docs {
		names = append(names, d.name)
	}
	for _, want := range []string{"man", "man/vendorwatch.1", "man/vendorwatch-serve.1"} {
		if !slices.Contains(names, want) {
			t.Errorf("the archive's docs %v lack %s", names, want)
		}
	}
	if len(man) != 2 {
		t.Errorf("the packages get man pages %v, want both", man)
	}
}

func writeTestFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
