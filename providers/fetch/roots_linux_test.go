//go:build linux && !android

package fetch

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// testRoot is a new self-signed CA certificate in PEM.
func testRoot(t *testing.T, name string) []byte {
	t.Helper()
	certFile, _ := fixture.TLSCert(t, t.TempDir(), name)
	b, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// rootsLayout lays out roots as Debian does: a bundle, and a directory
// holding each root again in its own file, OpenSSL's hash links to those
// files, a link to the bundle, and files that hold no usable certificate.
// It returns the bundle, the directory and the pool crypto/x509 would
// build from them: every file read whole by AppendCertsFromPEM.
func rootsLayout(t *testing.T) (bundle, dir string, want *x509.CertPool) {
	t.Helper()
	a, b, c := testRoot(t, "root-a"), testRoot(t, "root-b"), testRoot(t, "root-c")
	top := t.TempDir()
	bundle = filepath.Join(top, "ca-certificates.crt")
	writeFile(t, bundle, join(a, b))
	dir = filepath.Join(top, "certs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "a.pem"), a)
	writeFile(t, filepath.Join(dir, "c.pem"), c)
	writeFile(t, filepath.Join(dir, "README"), []byte("not a certificate\n"))
	writeFile(t, filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}))
	withHeaders := testRoot(t, "root-with-headers")
	block, _ := pem.Decode(withHeaders)
	block.Headers = map[string]string{"Proc-Type": "4,ENCRYPTED"}
	writeFile(t, filepath.Join(dir, "headers.pem"), pem.EncodeToMemory(block))
	for name, target := range map[string]string{"1a2b3c4d.0": "c.pem", "bundle.pem": bundle} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	want = x509.NewCertPool()
	for _, f := range []string{bundle, filepath.Join(dir, "a.pem"), filepath.Join(dir, "c.pem")} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want.AppendCertsFromPEM(data)
	}
	return bundle, dir, want
}

// TestRootsParseEachRootOnce checks that the pool holds the roots
// crypto/x509 would trust, from the bundle and the directory, and that a
// root found in several files was parsed once.
func TestRootsParseEachRootOnce(t *testing.T) {
	bundle, dir, want := rootsLayout(t)
	r := readRoots([]string{filepath.Join(dir, "missing.crt"), bundle}, []string{dir, filepath.Join(dir, "missing")})
	if !r.pool.Equal(want) {
		t.Error("the pool is not the one crypto/x509 would build from the same files")
	}
	if r.added != 3 {
		t.Errorf("parsed %d certificates for 3 roots, each found in two or three files", r.added)
	}
}

// TestRootsFollowTheVariables checks SSL_CERT_FILE and SSL_CERT_DIR, as
// crypto/x509 reads them, and that a system without roots leaves
// verification to crypto/tls.
func TestRootsFollowTheVariables(t *testing.T) {
	bundle, dir, want := rootsLayout(t)
	t.Setenv(rootFileEnv, bundle)
	t.Setenv(rootDirEnv, filepath.Join(dir, "missing")+":"+dir)
	if got := loadRoots(); got == nil || !got.Equal(want) {
		t.Error("the pool is not the one SSL_CERT_FILE and SSL_CERT_DIR name")
	}
	empty := t.TempDir()
	t.Setenv(rootFileEnv, filepath.Join(empty, "none.crt"))
	t.Setenv(rootDirEnv, empty)
	if got := loadRoots(); got != nil {
		t.Error("with no root anywhere, loadRoots returned a pool: the handshakes would trust nothing instead of reporting the missing roots")
	}
}

// BenchmarkLoadRoots reads this machine's roots once each, beside
// BenchmarkLoadRootsEveryCopy, which parses every file whole as
// x509.SystemCertPool does. Run: go test ./providers/fetch -run '^$'
// -bench Roots -benchmem.
func BenchmarkLoadRoots(b *testing.B) {
	for b.Loop() {
		if readRoots(rootFiles, rootDirs).added == 0 {
			b.Skip("no system roots on this machine")
		}
	}
}

func BenchmarkLoadRootsEveryCopy(b *testing.B) {
	for b.Loop() {
		pool := x509.NewCertPool()
		for _, f := range rootFiles {
			if data, err := os.ReadFile(f); err == nil {
				pool.AppendCertsFromPEM(data)
				break
			}
		}
		for _, d := range rootDirs {
			entries, _ := os.ReadDir(d)
			for _, e := range entries {
				if !sameDirLink(d, e) {
					if data, err := os.ReadFile(filepath.Join(d, e.Name())); err == nil {
						pool.AppendCertsFromPEM(data)
					}
				}
			}
		}
		if pool.Equal(x509.NewCertPool()) {
			b.Skip("no system roots on this machine")
		}
	}
}
