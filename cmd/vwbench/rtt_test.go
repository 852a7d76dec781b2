package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests assert lower bounds only: a delay the emulation adds can
// grow on a loaded machine but never shrink, so they cannot flake.

// testHost starts an HTTPS fake host serving one document at /doc.
func testHost(t *testing.T, o hostOptions) (*host, *x509.CertPool, string) {
	t.Helper()
	cert, caPath, err := selfSigned(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	o.cert = cert
	h, err := startHostWith(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.srv.Close() })
	h.serve("/doc", newDoc([]byte(`{"status":"ok"}`), "application/json", time.Now()))
	return h, roots, caPath
}

func TestFreshHTTPSRequestPaysThreeRoundTrips(t *testing.T) {
	const rtt = 60 * time.Millisecond
	h, roots, _ := testHost(t, hostOptions{rtt: rtt})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}}
	defer client.CloseIdleConnections()

	start := time.Now()
	resp, err := client.Get(h.URL() + "/doc")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fresh := time.Since(start)
	if string(body) != `{"status":"ok"}` {
		t.Fatalf("body %q: the delayed connection garbled the answer", body)
	}
	if resp.ProtoMajor != 2 {
		t.Errorf("negotiated %s, want HTTP/2 from a host that offers it", resp.Proto)
	}
	if want := physicalFloor(rtt, 0, true); fresh < want {
		t.Errorf("a fresh HTTPS request took %s, less than TCP + TLS + request = %s", fresh, want)
	}

	// On the connection now open, a request costs one round trip.
	start = time.Now()
	resp, err = client.Get(h.URL() + "/doc")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if reused := time.Since(start); reused < rtt {
		t.Errorf("a request on an open connection took %s, less than one round trip %s", reused, rtt)
	}
}

func TestHTTP1OnlyHostRefusesHTTP2(t *testing.T) {
	h, roots, _ := testHost(t, hostOptions{h1Only: true})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(h.URL() + "/doc")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 1 {
		t.Errorf("an HTTP/1.1-only host answered over %s", resp.Proto)
	}
}

func TestReadDeadlineWakesAWaitingRead(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	c := newRTTConn(a, time.Hour, time.Now())
	defer c.Close()
	go b.Write([]byte("held for an hour"))
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 16))
		done <- err
	}()
	// net/http's server aborts a background read this way.
	c.SetReadDeadline(time.Unix(1, 0))
	if err := <-done; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read after a past deadline returned %v, want a deadline error", err)
	}
}

func TestCloseSendsQueuedWritesFirst(t *testing.T) {
	a, b := net.Pipe()
	c := newRTTConn(a, 20*time.Millisecond, time.Now())
	c.Write([]byte("last words"))
	c.Close()
	got, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "last words" {
		t.Fatalf("the peer read %q, want what was written before Close", got)
	}
}

func TestPhysicalFloor(t *testing.T) {
	if got := physicalFloor(200*time.Millisecond, 0, true); got != 600*time.Millisecond {
		t.Errorf("HTTPS at 200 ms: %s, want 3 round trips = 600ms", got)
	}
	if got := physicalFloor(200*time.Millisecond, 50*time.Millisecond, false); got != 450*time.Millisecond {
		t.Errorf("plain HTTP at 200 ms with 50 ms think time: %s, want 450ms", got)
	}
}

func TestH1OnlyShareIsSpreadEvenly(t *testing.T) {
	for _, tc := range []struct {
		share float64
		n     int
		want  int
	}{{0, 8, 0}, {0.25, 8, 2}, {0.5, 250, 125}, {1, 7, 7}} {
		got := 0
		for i := range tc.n {
			if h1Only(i, tc.share) {
				got++
			}
		}
		if got != tc.want {
			t.Errorf("share %.2f of %d hosts: %d HTTP/1.1-only, want %d", tc.share, tc.n, got, tc.want)
		}
	}
}

func TestFloorChildSendsETagsOnItsSecondRun(t *testing.T) {
	h, _, caPath := testHost(t, hostOptions{})
	dir := t.TempDir()
	urls := filepath.Join(dir, "urls.txt")
	os.WriteFile(urls, []byte(h.URL()+"/doc\n"+h.URL()+"/doc?again\n"), 0o600)
	state := filepath.Join(dir, "floor.json")
	args := []string{"-urls", urls, "-state", state, "-ca", caPath}

	if err := runFloorChild(args); err != nil {
		t.Fatal(err)
	}
	cold := h.take()
	if err := runFloorChild(args); err != nil {
		t.Fatal(err)
	}
	warm := h.take()
	if cold.Requests != 2 || cold.Conditional != 0 {
		t.Errorf("cold: %d requests, %d conditional; want 2, 0", cold.Requests, cold.Conditional)
	}
	if warm.NotModified != 2 {
		t.Errorf("warm: %d answered 304, want 2 (the ETags of the first run)", warm.NotModified)
	}
	if cold.Conns != 1 || cold.HTTP2 != 2 {
		t.Errorf("cold: %d connections, %d HTTP/2 requests; want both requests on one HTTP/2 connection", cold.Conns, cold.HTTP2)
	}
}

func TestFloorChildOpensAConnectionPerRequestToHTTP1Hosts(t *testing.T) {
	h, _, caPath := testHost(t, hostOptions{h1Only: true})
	dir := t.TempDir()
	urls := filepath.Join(dir, "urls.txt")
	os.WriteFile(urls, []byte(h.URL()+"/doc?1\n"+h.URL()+"/doc?2\n"+h.URL()+"/doc?3\n"), 0o600)
	state := filepath.Join(dir, "floor.json")
	args := []string{"-urls", urls, "-state", state, "-ca", caPath}
	for range 2 {
		if err := runFloorChild(args); err != nil {
			t.Fatal(err)
		}
	}
	// The second run knows the host speaks HTTP/1.1 and sends all three at
	// once; the in-flight maximum shows it did not wait for the first.
	if seen := h.take(); seen.HTTP2 != 0 || seen.Requests != 6 {
		t.Errorf("%d requests, %d over HTTP/2; want 6 over HTTP/1.1", seen.Requests, seen.HTTP2)
	}
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"http/1.1"`) {
		t.Errorf("the floor's state %s does not remember the host's protocol", b)
	}
}
