//go:build linux && !android

package fetch

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The places crypto/x509 reads a Linux system's trusted roots from, and
// the variables that override them: the first bundle file found, then
// every file of every directory.
var (
	rootFiles = []string{
		"/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Gentoo
		"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL 6
		"/etc/ssl/ca-bundle.pem",                            // openSUSE
		"/etc/pki/tls/cacert.pem",                           // OpenELEC
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7
		"/etc/ssl/cert.pem",                                 // Alpine
	}
	rootDirs = []string{"/etc/ssl/certs", "/etc/pki/tls/certs"}
)

const (
	rootFileEnv = "SSL_CERT_FILE"
	rootDirEnv  = "SSL_CERT_DIR"
)

// rootSources are the files and directories crypto/x509 reads a Linux
// system's roots from under the current environment: the first of files
// that can be read, then every file of dirs.
func rootSources() (files, dirs []string) {
	files = rootFiles
	if f := os.Getenv(rootFileEnv); f != "" {
		files = []string{f}
	}
	dirs = rootDirs
	if d := os.Getenv(rootDirEnv); d != "" {
		dirs = strings.Split(d, ":")
	}
	return files, dirs
}

// loadRoots loads the roots crypto/x509 would load on Linux, from the same
// files and directories and under the same variables, and reads each
// certificate once. On Debian, /etc/ssl/certs holds every root twice, in
// the bundle and in its own file, and the bundle is also the file read
// first: x509.SystemCertPool decodes and parses about 430 certificates
// for 145 roots. Copies are recognized by their PEM text, before it is
// decoded. With no root found it returns nil, and crypto/tls loads the
// system's roots its own way and reports what it finds.
func loadRoots() *x509.CertPool {
	r := readRoots(rootSources())
	if r.added == 0 {
		return nil
	}
	return r.pool
}

// loadBundleRoots loads the roots of the first file crypto/x509 reads
// them from (the distribution's bundle, or the one SSL_CERT_FILE names),
// without the directories read after it: a part of every root, which a
// client with nothing remembered starts from (clientTransport). nil when
// that file holds no root.
func loadBundleRoots() *x509.CertPool {
	files, _ := rootSources()
	r := readRoots(files, nil)
	if r.added == 0 {
		return nil
	}
	return r.pool
}

// readRoots reads the first of files that can be read, then every file of
// dirs but links to their neighbours.
func readRoots(files, dirs []string) *rootReader {
	r := &rootReader{pool: x509.NewCertPool(), seen: map[string]struct{}{}}
	walkRootFiles(files, dirs, func(_ string, data []byte) bool {
		r.add(data)
		return false
	})
	return r
}

// walkRootFiles calls visit with the content of each file crypto/x509
// reads roots from: the first of files that can be read, then every file
// of dirs but links to their neighbours; until visit returns true.
func walkRootFiles(files, dirs []string, visit func(path string, data []byte) (stop bool)) {
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			if visit(f, data) {
				return
			}
			break
		}
	}
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if sameDirLink(d, e) {
				continue
			}
			path := filepath.Join(d, e.Name())
			if data, err := os.ReadFile(path); err == nil && visit(path, data) {
				return
			}
		}
	}
}

// rootFileRead tells whether crypto/x509 reads roots from path under
// files and dirs (rootSources): path is the first of files that exists,
// or a file of one of dirs that is not a link to its neighbour.
func rootFileRead(path string, files, dirs []string) bool {
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			if f == path {
				return true
			}
			break
		}
	}
	dir, name := filepath.Split(path)
	if name == "" {
		return false
	}
	dir = filepath.Clean(dir)
	for _, d := range dirs {
		if d != "" && filepath.Clean(d) == dir {
			info, err := os.Lstat(path)
			return err == nil && !sameDirLink(dir, fs.FileInfoToDirEntry(info))
		}
	}
	return false
}

// locateRoot finds where the root of DER der lies in the files
// crypto/x509 reads (rootSources): the first file, in reading order, with
// a PEM block of it, and that block's offset and length. Blocks are
// decoded only when their text holds der's first line of base64, and the
// walk stops at the first match: on Debian the bundle, read first, holds
// every root.
func locateRoot(der []byte) (rootLocation, bool) {
	files, dirs := rootSources()
	b64 := base64.StdEncoding.EncodeToString(der)
	firstLine := []byte(b64[:min(len(b64), 64)])
	var loc rootLocation
	found := false
	walkRootFiles(files, dirs, func(path string, data []byte) bool {
		eachPEMBlock(data, func(off int, text []byte) {
			if !found && bytes.Contains(text, firstLine) && bytes.Equal(certificateDER(text), der) {
				loc = rootLocation{File: path, Offset: int64(off), Length: len(text), SHA256: rootSum(der)}
				found = true
			}
		})
		return found
	})
	return loc, found
}

// sameDirLink reports whether e is a symbolic link to another file of the
// same directory (OpenSSL's hash names), which crypto/x509 skips.
func sameDirLink(dir string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	target, err := os.Readlink(filepath.Join(dir, e.Name()))
	return err == nil && !strings.Contains(target, "/")
}

// rootReader adds the certificates of PEM files to a pool, skipping a
// block whose text it has already read. added counts the certificates it
// parsed and added.
type rootReader struct {
	pool  *x509.CertPool
	seen  map[string]struct{}
	added int
}

// first reports whether the reader meets a PEM block's text for the first
// time.
func (r *rootReader) first(text []byte) bool {
	if _, ok := r.seen[string(text)]; ok {
		return false
	}
	r.seen[string(text)] = struct{}{}
	return true
}

// add adds the certificates of one PEM file, block by block.
func (r *rootReader) add(data []byte) {
	eachPEMBlock(data, func(_ int, text []byte) {
		// AppendCertsFromPEM skips what is not a certificate, and keeps
		// the pool as small as crypto/x509's own: a root is parsed again
		// only when a handshake needs it.
		if r.first(text) && r.pool.AppendCertsFromPEM(text) {
			r.added++
		}
	})
}

var (
	pemBegin = []byte("-----BEGIN ")
	pemEnd   = []byte("-----END ")
)

// eachPEMBlock calls visit with the text of each PEM block of data, from
// its BEGIN line to the end of its END line, and its offset in data.
func eachPEMBlock(data []byte, visit func(off int, text []byte)) {
	off := 0
	for {
		start := bytes.Index(data[off:], pemBegin)
		if start < 0 {
			return
		}
		start += off
		end := bytes.Index(data[start:], pemEnd)
		if end < 0 {
			return
		}
		end += start + len(pemEnd)
		if nl := bytes.IndexByte(data[end:], '\n'); nl >= 0 {
			end += nl + 1
		} else {
			end = len(data)
		}
		visit(start, data[start:end])
		off = end
	}
}
