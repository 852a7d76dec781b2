package serve

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/monitor"
)

// httpsGet fetches url trusting only the certificate in caFile, on a new
// connection, and returns the serial number of the certificate served.
func httpsGet(t *testing.T, url, caFile string) (*big.Int, int) {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	defer c.CloseIdleConnections()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.TLS.PeerCertificates[0].SerialNumber, resp.StatusCode
}

// lockedLog is a log the server's goroutines may write while a test reads.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func serial(t *testing.T, certFile string) *big.Int {
	t.Helper()
	c, err := tls.LoadX509KeyPair(certFile, strings.TrimSuffix(certFile, ".crt")+".key")
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(c.Certificate[0])
	return leaf.SerialNumber
}

// Run serves HTTPS with the certificate, follows its renewal without a
// restart, and keeps the certificate in use when a renewal is unreadable.
func TestHTTPSFollowsRenewal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile := fixture.TLSCert(t, dir, "server")
	var log lockedLog
	cert, err := NewCertificate(certFile, keyFile, &log)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(cert.NotAfter()); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("NotAfter in %s", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := New(Options{Monitor: monitor.New(repeating(story("12:45")), nil), TLS: cert.TLSConfig(), Now: func() time.Time { return at("12:46") }})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	url := "https://" + ln.Addr().String() + "/healthz"

	got, code := httpsGet(t, url, certFile)
	if code != 200 || got.Cmp(serial(t, certFile)) != 0 {
		t.Fatalf("first certificate: %d, serial %v", code, got)
	}

	renewed := t.TempDir()
	newCert, newKey := fixture.TLSCert(t, renewed, "server")
	for _, f := range [][2]string{{newCert, certFile}, {newKey, keyFile}} {
		b, _ := os.ReadFile(f[0])
		os.WriteFile(f[1], b, 0o600)
		later := time.Now().Add(time.Minute)
		os.Chtimes(f[1], later, later)
	}
	if got, _ := httpsGet(t, url, certFile); got.Cmp(serial(t, certFile)) != 0 {
		t.Errorf("after renewal: serial %v, want the renewed certificate's", got)
	}

	os.WriteFile(certFile, []byte("not a certificate"), 0o644)
	later := time.Now().Add(2 * time.Minute)
	os.Chtimes(certFile, later, later)
	if got, _ := httpsGet(t, url, newCert); got.Cmp(serial(t, newCert)) != 0 {
		t.Errorf("after a broken renewal: serial %v, want the one in use", got)
	}
	httpsGet(t, url, newCert)
	if n := strings.Count(log.String(), "keeping the certificate in use"); n != 1 {
		t.Errorf("logged %d times:\n%s", n, log.String())
	}
}
