package remote

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/serve"
)

const testToken = "remote-t0ken-0123456789abcdef"

// servingOn runs a real serve handler holding rep on ln, with TLS when
// tlsCfg is set, until the test ends.
func servingOn(t *testing.T, ln net.Listener, rep correlate.Report, certFile, keyFile string) {
	t.Helper()
	s := serve.New(serve.Options{Token: testToken})
	s.Update(monitor.Update{Report: rep})
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if certFile != "" {
			hs.ServeTLS(ln, certFile, keyFile)
			return
		}
		hs.Serve(ln)
	}()
	t.Cleanup(func() { hs.Close() })
}

// --remote unix:/path reads a server on a unix socket, token included;
// a relative path is refused.
func TestRemoteOverUnixSocket(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vw.sock")
	ln, err := serve.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	servingOn(t, ln, sampleReport("Vapi API down"), "", "")
	c, err := newClient("unix:"+path, testToken, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Report(context.Background())
	if err != nil || len(rep.Vendors) != 2 || rep.Vendors[0].Status.Incidents[0].Title != "Vapi API down" {
		t.Fatalf("report over the socket: %v %+v", err, rep)
	}
	if c.Address() != "unix:"+path {
		t.Errorf("Address = %s", c.Address())
	}
	if _, err := New("unix:vw.sock", testToken, 0); err == nil || !strings.Contains(err.Error(), "want an absolute socket path") {
		t.Errorf("a relative socket: %v", err)
	}
	noToken, _ := newClient("unix:"+path, "", 0, "")
	if _, err := noToken.Report(context.Background()); err == nil || !strings.Contains(err.Error(), "remote unix:"+path+" wants a token") {
		t.Errorf("without the token: %v", err)
	}
}

// --remote https:// trusts the system's roots and $VENDORWATCH_CA_FILE:
// a server with a private certificate is read with the file, and refused
// without it.
func TestRemoteOverHTTPS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile := fixture.TLSCert(t, dir, "server")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	servingOn(t, ln, sampleReport("Vapi API down"), certFile, keyFile)
	url := "https://" + ln.Addr().String()

	c, err := newClient(url, testToken, 5*time.Second, certFile)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := c.Report(context.Background()); err != nil || len(rep.Vendors) != 2 {
		t.Fatalf("with the CA file: %v", err)
	}
	untrusting, _ := newClient(url, testToken, 5*time.Second, "")
	if _, err := untrusting.Report(context.Background()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without the CA file: %v", err)
	}

	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("no certificate here\n"), 0o644)
	for file, want := range map[string]string{
		filepath.Join(dir, "nope.pem"): "$VENDORWATCH_CA_FILE " + filepath.Join(dir, "nope.pem") + ": no such file",
		empty:                          "holds no PEM certificate",
	} {
		if _, err := newClient(url, testToken, 0, file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CA file %s: %v, want %q", file, err, want)
		}
	}
}
