//go:build linux && !android

package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// newRootsProcess makes the trusted roots what a new process finds: the
// system's roots in files and dirs, nothing loaded or remembered yet. It
// returns how many times every root is loaded from then on.
func newRootsProcess(t *testing.T, files, dirs []string) *atomic.Int32 {
	t.Helper()
	t.Setenv(rootFileEnv, "")
	t.Setenv(rootDirEnv, "")
	oldFiles, oldDirs, oldRoots, oldBundle := rootFiles, rootDirs, roots, bundleRoots
	t.Cleanup(func() {
		rootFiles, rootDirs, roots, bundleRoots = oldFiles, oldDirs, oldRoots, oldBundle
		forgetRootsMemories()
	})
	rootFiles, rootDirs = files, dirs
	var loads atomic.Int32
	roots = sync.OnceValue(func() *x509.CertPool {
		loads.Add(1)
		return loadRoots()
	})
	bundleRoots = sync.OnceValue(loadBundleRoots)
	forgetRootsMemories()
	return &loads
}

func forgetRootsMemories() {
	rootsMemories.Range(func(k, _ any) bool {
		rootsMemories.Delete(k)
		return true
	})
}

// rootServer is an HTTPS server whose certificate is the self-signed root
// name, which it returns in PEM.
func rootServer(t *testing.T, name string) (*httptest.Server, []byte) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile := fixture.TLSCert(t, dir, name)
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ok":true}`)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes refused on purpose
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pemText, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	return srv, pemText
}

// rememberedRoots reads the memory's file: the places it names.
func rememberedRoots(t *testing.T, stateDir string) []rootLocation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(stateDir, RootsFile))
	if err != nil {
		t.Fatalf("no memory of trusted roots: %v", err)
	}
	var doc rootsDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Roots
}

func getOK(t *testing.T, f *Client, url string) {
	t.Helper()
	resp, err := f.Get(context.Background(), url, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
}

// A process that verified a server remembers the root that did it, and
// where it lies in the system's files; the next process reads only that
// root and never loads every root.
func TestRememberedRootsVerifyTheNextProcess(t *testing.T) {
	srv, rootA := rootServer(t, "root-a")
	other := testRoot(t, "root-b")
	bundle := filepath.Join(t.TempDir(), "ca-certificates.crt")
	writeFile(t, bundle, other)
	dir := filepath.Join(t.TempDir(), "certs")
	writeFile(t, filepath.Join(dir, "a.pem"), join(other, rootA))
	state := t.TempDir()

	loads := newRootsProcess(t, []string{bundle}, []string{dir})
	getOK(t, New(Options{StateDir: state}), srv.URL)
	if loads.Load() != 1 {
		t.Fatalf("with nothing remembered and root-a outside the bundle, every root was loaded %d times, want once", loads.Load())
	}
	got := rememberedRoots(t, state)
	if a := filepath.Join(dir, "a.pem"); len(got) != 1 || got[0].File != a || got[0].Offset != int64(len(other)) || got[0].Length != len(rootA) {
		t.Fatalf("remembered %+v, want root-a at offset %d of %s", got, len(other), a)
	}

	loads = newRootsProcess(t, []string{bundle}, []string{dir})
	f := New(Options{StateDir: state})
	getOK(t, f, srv.URL)
	if loads.Load() != 0 {
		t.Error("the next process loaded every root, though the one its server needs was remembered")
	}
	if n := f.trusted.writes; n != 0 {
		t.Errorf("the next process wrote the memory %d times, though it learned nothing", n)
	}
}

// A process with nothing remembered starts from the roots of the first
// file the system's roots are read from (here SSL_CERT_FILE's one root, a
// proxy's CA), without the directories' hundreds: when they verify its
// servers, every root is never loaded, and the root is remembered.
func TestAFirstProcessStartsFromTheBundle(t *testing.T) {
	srv, rootA := rootServer(t, "root-a")
	top := t.TempDir()
	proxyCA := filepath.Join(top, "proxy-ca.pem")
	writeFile(t, proxyCA, rootA)
	dir := filepath.Join(top, "certs")
	writeFile(t, filepath.Join(dir, "b.pem"), testRoot(t, "root-b"))
	state := t.TempDir()

	loads := newRootsProcess(t, []string{proxyCA}, []string{dir})
	f := New(Options{StateDir: state})
	getOK(t, f, srv.URL)
	getOK(t, f, srv.URL)
	if loads.Load() != 0 {
		t.Errorf("every root loaded %d times, though the first file's root verified the server", loads.Load())
	}
	if got := rememberedRoots(t, state); len(got) != 1 || got[0].File != proxyCA {
		t.Errorf("remembered %+v, want root-a in %s", got, proxyCA)
	}
}

// A server whose certificate the remembered roots do not verify is asked
// again trusting every root; its root is remembered beside the others,
// here in the directory's file that holds it, and the process after
// verifies both servers without loading every root.
func TestRootsFallBackToEveryRoot(t *testing.T) {
	srvA, rootA := rootServer(t, "root-a")
	srvB, rootB := rootServer(t, "root-b")
	top := t.TempDir()
	bundle := filepath.Join(top, "ca-certificates.crt")
	writeFile(t, bundle, rootA)
	dir := filepath.Join(top, "certs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "b.pem"), rootB)
	state := t.TempDir()
	files, dirs := []string{bundle}, []string{dir}

	newRootsProcess(t, files, dirs)
	getOK(t, New(Options{StateDir: state}), srvA.URL)

	loads := newRootsProcess(t, files, dirs)
	f := New(Options{StateDir: state})
	getOK(t, f, srvA.URL)
	getOK(t, f, srvB.URL)
	getOK(t, f, srvB.URL)
	if loads.Load() != 1 {
		t.Errorf("every root loaded %d times, want once, for root-b's server", loads.Load())
	}
	got := rememberedRoots(t, state)
	if len(got) != 2 || got[0].File != bundle || got[1].File != filepath.Join(dir, "b.pem") {
		t.Errorf("remembered %+v, want root-a in the bundle and root-b in b.pem", got)
	}

	loads = newRootsProcess(t, files, dirs)
	f = New(Options{StateDir: state})
	getOK(t, f, srvA.URL)
	getOK(t, f, srvB.URL)
	if loads.Load() != 0 {
		t.Errorf("every root loaded %d times once both roots were remembered", loads.Load())
	}
}

// The memory only ever narrows trust: a remembered place outside the
// files crypto/x509 reads roots from, or whose certificate changed, is
// not trusted, and a server whose root the system does not hold still
// fails, with the verification's error.
func TestRememberedRootsNeverWidenTrust(t *testing.T) {
	srv, rootA := rootServer(t, "root-a")
	rootB := testRoot(t, "root-b")
	top := t.TempDir()
	bundle := filepath.Join(top, "ca-certificates.crt")
	writeFile(t, bundle, rootB)
	elsewhere := filepath.Join(top, "elsewhere.pem")
	writeFile(t, elsewhere, rootA)
	changed := filepath.Join(top, "certs", "a.pem")
	if err := os.Mkdir(filepath.Dir(changed), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, changed, rootB)
	der := certificateDER(rootA)
	state := t.TempDir()
	doc := rootsDoc{Roots: []rootLocation{
		{File: elsewhere, Offset: 0, Length: len(rootA), SHA256: rootSum(der)},
		// root-a's place in the directory, which now holds root-b.
		{File: changed, Offset: 0, Length: len(rootB), SHA256: rootSum(der)},
	}}
	b, _ := json.Marshal(doc)
	writeFile(t, filepath.Join(state, RootsFile), b)

	newRootsProcess(t, []string{bundle}, []string{filepath.Dir(changed)})
	f := New(Options{StateDir: state})
	if f.trusted.pool() != nil {
		t.Error("the memory built a pool from places that are not root-a's system files")
	}
	_, err := f.Get(context.Background(), srv.URL, nil)
	var cve *tls.CertificateVerificationError
	if !errors.As(err, &cve) {
		t.Fatalf("root-a's server, which no system root verifies: %v, want a certificate verification error", err)
	}
}

// Damaged, foreign or missing memories are empty: the process starts from
// the bundle, which does not hold root-a, and every root is loaded.
func TestRootsMemoryUntrusted(t *testing.T) {
	srv, rootA := rootServer(t, "root-a")
	top := t.TempDir()
	bundle := filepath.Join(top, "ca-certificates.crt")
	writeFile(t, bundle, testRoot(t, "root-b"))
	a := filepath.Join(top, "certs", "a.pem")
	writeFile(t, a, rootA)
	good := rootsDoc{Roots: []rootLocation{{File: a, Length: len(rootA), SHA256: rootSum(certificateDER(rootA))}}}
	b, _ := json.Marshal(good)
	for name, c := range map[string]struct {
		data []byte
		perm os.FileMode
	}{
		"damaged":        {[]byte(`{"roots": [`), 0o600},
		"others write":   {b, 0o666},
		"offset outside": {[]byte(`{"roots":[{"file":"` + a + `","offset":99999,"length":10,"sha256":"x"}]}`), 0o600},
	} {
		t.Run(name, func(t *testing.T) {
			state := t.TempDir()
			path := filepath.Join(state, RootsFile)
			writeFile(t, path, c.data)
			if err := os.Chmod(path, c.perm); err != nil {
				t.Fatal(err)
			}
			loads := newRootsProcess(t, []string{bundle}, []string{filepath.Dir(a)})
			getOK(t, New(Options{StateDir: state}), srv.URL)
			if loads.Load() != 1 {
				t.Errorf("every root loaded %d times, want once", loads.Load())
			}
		})
	}
}

// rootFileRead names the files crypto/x509 reads: the first bundle that
// exists, and the files of the directories but links to their neighbours.
func TestRootFileRead(t *testing.T) {
	bundle, dir, _ := rootsLayout(t)
	files := []string{filepath.Join(dir, "missing.crt"), bundle, filepath.Join(dir, "a.pem")}
	dirs := []string{dir}
	for path, want := range map[string]bool{
		bundle:                           true,
		filepath.Join(dir, "a.pem"):      true,  // a file of the directory
		filepath.Join(dir, "bundle.pem"): true,  // a link out of the directory
		filepath.Join(dir, "1a2b3c4d.0"): false, // a hash link to a neighbour
		filepath.Join(dir, "missing"):    false,
		filepath.Join(dir, "..", "x"):    false,
		"/etc/passwd":                    false,
	} {
		if got := rootFileRead(path, files, dirs); got != want {
			t.Errorf("rootFileRead(%s) = %v, want %v", path, got, want)
		}
	}
	if rootFileRead(filepath.Join(dir, "a.pem"), files, nil) {
		t.Error("a.pem read as a bundle, though an earlier one exists")
	}
}

// BenchmarkRememberedRoots reads three remembered roots of this machine's
// bundle, beside BenchmarkLoadRoots, which reads every root. Run: go test
// ./providers/fetch -run '^$' -bench Roots -benchmem.
func BenchmarkRememberedRoots(b *testing.B) {
	bundle := rootFiles[0]
	data, err := os.ReadFile(bundle)
	if err != nil {
		b.Skip("no system roots on this machine")
	}
	doc := rootsDoc{}
	eachPEMBlock(data, func(off int, text []byte) {
		if der := certificateDER(text); der != nil && len(doc.Roots) < 3 {
			doc.Roots = append(doc.Roots, rootLocation{File: bundle, Offset: int64(off), Length: len(text), SHA256: rootSum(der)})
		}
	})
	memory, _ := json.Marshal(doc)
	state := b.TempDir()
	if err := os.WriteFile(filepath.Join(state, RootsFile), memory, 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m := &rootsMemory{path: filepath.Join(state, RootsFile), known: map[*x509.Certificate]bool{}}
		if m.pool() == nil {
			b.Fatal("no remembered root read")
		}
	}
}
