//go:build linux && !android

package fetch

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
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
// files and directories and under the same variables, and parses each
// certificate once. A Debian system keeps every root twice, in its bundle
// and in its own file beside it (and a third time when SSL_CERT_FILE
// names another bundle, since the directory holds the default one too):
// x509.SystemCertPool parses each copy, about 430 certificates for 145
// roots. Copies are recognized by their PEM text before it is decoded.
// With no root found it returns nil, and crypto/tls loads the system's
// roots its own way and reports what it finds.
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

// add adds the certificates of one PEM file, as AppendCertsFromPEM does:
// CERTIFICATE blocks without headers that parse.
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
		block, _ := pem.Decode(text)
		if block == nil || block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		r.pool.AddCert(cert)
		r.added++
	}
}
