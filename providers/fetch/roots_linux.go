//go:build linux && !android

package fetch

import (
	"bytes"
	"crypto/x509"
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

// loadRoots loads the roots crypto/x509 would load on Linux, from the same
// files and directories and under the same variables, and reads each
// certificate once. On Debian, /etc/ssl/certs holds every root twice, in
// the bundle and in its own file, and the bundle is also the file read
// first: x509.SystemCertPool decodes and parses about 430 certificates
// for 145 roots. Copies are recognized by their PEM text, before it is
// decoded. With no root found it returns nil, and crypto/tls loads the
// system's roots its own way and reports what it finds.
func loadRoots() *x509.CertPool {
	files := rootFiles
	if f := os.Getenv(rootFileEnv); f != "" {
		files = []string{f}
	}
	dirs := rootDirs
	if d := os.Getenv(rootDirEnv); d != "" {
		dirs = strings.Split(d, ":")
	}
	r := readRoots(files, dirs)
	if r.added == 0 {
		return nil
	}
	return r.pool
}

// readRoots reads the first of files that can be read, then every file of
// dirs but links to their neighbours.
func readRoots(files, dirs []string) *rootReader {
	r := &rootReader{pool: x509.NewCertPool(), seen: map[string]struct{}{}}
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			r.add(data)
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
			if data, err := os.ReadFile(filepath.Join(d, e.Name())); err == nil {
				r.add(data)
			}
		}
	}
	return r
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

var (
	pemBegin = []byte("-----BEGIN ")
	pemEnd   = []byte("-----END ")
)

// add adds the certificates of one PEM file, block by block.
func (r *rootReader) add(data []byte) {
	for {
		start := bytes.Index(data, pemBegin)
		if start < 0 {
			return
		}
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
		text := data[start:end]
		data = data[end:]
		if _, ok := r.seen[string(text)]; ok {
			continue
		}
		r.seen[string(text)] = struct{}{}
		// AppendCertsFromPEM skips what is not a certificate, and keeps
		// the pool as small as crypto/x509's own: a root is parsed again
		// only when a handshake needs it.
		if r.pool.AppendCertsFromPEM(text) {
			r.added++
		}
	}
}
