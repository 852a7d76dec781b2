package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// entry is one file or directory of an archive or an image layer.
type entry struct {
	name     string      // slash-separated, relative, no trailing slash
	mode     fs.FileMode // permission bits, with fs.ModeDir for a directory
	uid, gid int
	body     []byte
}

// sortEntries orders entries by name so that every archive lists its
// files in one order, whatever order they were gathered in.
func sortEntries(es []entry) {
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.name, b.name) })
}

// writeTar writes es as an uncompressed tar with every time set to mtime,
// numeric owners and no user or group names: the same entries give the
// same bytes on any machine.
func writeTar(w io.Writer, es []entry, mtime time.Time) error {
	sortEntries(es)
	tw := tar.NewWriter(w)
	for _, e := range es {
		mode := int64(e.mode.Perm())
		if e.mode&fs.ModeSticky != 0 {
			mode |= 0o1000
		}
		h := &tar.Header{
			Name:    e.name,
			Mode:    mode,
			Uid:     e.uid,
			Gid:     e.gid,
			ModTime: mtime,
			Format:  tar.FormatPAX,
		}
		if e.mode.IsDir() {
			h.Typeflag = tar.TypeDir
			h.Name += "/"
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(e.body))
		}
		// PAX records would carry access and change times; USTAR holds
		// everything here when the names are short, so use it then.
		if len(h.Name) <= 100 {
			h.Format = tar.FormatUSTAR
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("tar %s: %w", e.name, err)
		}
		if _, err := tw.Write(e.body); err != nil {
			return fmt.Errorf("tar %s: %w", e.name, err)
		}
	}
	return tw.Close()
}

// writeTarGz writes es as a gzipped tar; the gzip header has no name and
// no time.
func writeTarGz(w io.Writer, es []entry, mtime time.Time) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := writeTar(zw, es, mtime); err != nil {
		return err
	}
	return zw.Close()
}

// writeZip writes es as a zip with every time set to mtime.
func writeZip(w io.Writer, es []entry, mtime time.Time) error {
	sortEntries(es)
	zw := zip.NewWriter(w)
	for _, e := range es {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(e.mode)
		if e.mode.IsDir() {
			h.Name += "/"
			h.Method = zip.Store
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("zip %s: %w", e.name, err)
		}
		if _, err := fw.Write(e.body); err != nil {
			return fmt.Errorf("zip %s: %w", e.name, err)
		}
	}
	return zw.Close()
}

// writeFile creates name and fills it with write, removing it again if
// anything fails, so that a failed build leaves no half artefact.
func writeFile(name string, write func(io.Writer) error) (err error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(name)
		}
	}()
	return write(f)
}

// archiveEntries are the files of one platform's archive, under one
// top-level directory named like the archive.
func archiveEntries(dir string, t target, binary []byte, docs []entry) []entry {
	es := []entry{
		{name: dir, mode: fs.ModeDir | 0o755},
		{name: path.Join(dir, t.exe()), mode: 0o755, body: binary},
	}
	for _, d := range docs {
		d.name = path.Join(dir, d.name)
		es = append(es, d)
	}
	return es
}
