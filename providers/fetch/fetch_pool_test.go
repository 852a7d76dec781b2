package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// peakServer counts the requests in flight (and the most at once) and the
// connections it accepted, and answers after a pause so requests overlap.
type peakServer struct {
	*httptest.Server
	inFlight, peak, conns, h2 atomic.Int32
}

func newPeakServer(t *testing.T, pause time.Duration, tls bool) *peakServer {
	t.Helper()
	ps := &peakServer{}
	ps.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ps.inFlight.Add(1)
		defer ps.inFlight.Add(-1)
		for {
			p := ps.peak.Load()
			if n <= p || ps.peak.CompareAndSwap(p, n) {
				break
			}
		}
		if r.ProtoMajor == 2 {
			ps.h2.Add(1)
		}
		time.Sleep(pause)
		fmt.Fprint(w, `{"ok":true}`)
	}))
	ps.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			ps.conns.Add(1)
		}
	}
	if tls {
		ps.EnableHTTP2 = true
		ps.StartTLS()
	} else {
		ps.Start()
	}
	t.Cleanup(ps.Close)
	return ps
}

// getAll sends n requests at once and waits for them.
func getAll(t *testing.T, f *Client, url string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			resp, err := f.Get(context.Background(), url, nil)
			if err != nil {
				t.Error(err)
			} else if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
}

// One host never has more than PerHost requests in flight, however many
// are queued for it, while other hosts are served at the same time: a
// request waiting for a busy host holds no slot another host could use.
func TestFetchPerHostBound(t *testing.T) {
	t.Parallel()
	busy := newPeakServer(t, 50*time.Millisecond, false)
	other := newPeakServer(t, 50*time.Millisecond, false)
	f := New(Options{Concurrency: 6, PerHost: 3})
	var wg sync.WaitGroup
	wg.Go(func() { getAll(t, f, busy.URL, 12) })
	time.Sleep(10 * time.Millisecond) // the busy host's requests queue first
	start := time.Now()
	getAll(t, f, other.URL, 3)
	otherTook := time.Since(start)
	wg.Wait()
	if p := busy.peak.Load(); p != 3 {
		t.Errorf("busy host: peak in flight %d, want 3 (PerHost)", p)
	}
	if c := busy.conns.Load(); c > 3 {
		t.Errorf("busy host: %d connections for 12 requests, want at most 3 (kept alive and reused)", c)
	}
	// 12 requests in rounds of 3 take 4 pauses; the other host, served
	// beside them, takes one.
	if otherTook > 150*time.Millisecond {
		t.Errorf("the other host waited %s behind the busy one", otherTook)
	}
}

// Connections are kept alive between checks: a second round of requests
// to a host dials nothing new.
func TestFetchReusesConnections(t *testing.T) {
	t.Parallel()
	srv := newPeakServer(t, 20*time.Millisecond, false)
	f := New(Options{PerHost: 4})
	getAll(t, f, srv.URL, 4)
	first := srv.conns.Load()
	getAll(t, f, srv.URL, 4)
	if first != 4 || srv.conns.Load() != first {
		t.Errorf("connections: %d after the first round, %d after the second; want 4 and no new ones", first, srv.conns.Load())
	}
}

// A host that offers HTTP/2 gets every request over one connection.
func TestFetchHTTP2OneConnection(t *testing.T) {
	t.Parallel()
	srv := newPeakServer(t, 30*time.Millisecond, true)
	tr := newTransport(64, DefaultPerHost, roots(), nil)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	f := New(Options{Transport: tr})
	getAll(t, f, srv.URL, 20)
	if h2 := srv.h2.Load(); h2 != 20 {
		t.Errorf("%d of 20 requests over HTTP/2", h2)
	}
	if c := srv.conns.Load(); c != 1 {
		t.Errorf("%d connections, want 1", c)
	}
	if p := srv.peak.Load(); p > DefaultPerHost {
		t.Errorf("peak streams in flight %d, want at most %d", p, DefaultPerHost)
	}
}

// A host that accepts connections and never answers the TLS handshake
// holds the first request; the others to it do not wait for that request
// to fail: they dial on their own after firstConnWait, as they would have
// without the gate.
func TestFetchFirstConnectionStuck(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			defer c.Close() // held open, silent, until the listener closes
		}
	}()
	f := New(Options{Timeout: 4 * time.Second})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { f.Get(context.Background(), "https://"+ln.Addr().String()+"/", nil) })
	}
	time.Sleep(firstConnWait + 1500*time.Millisecond)
	if n := accepted.Load(); n != 3 {
		t.Errorf("%d connections while the first handshake hangs, want 3", n)
	}
	ln.Close()
	wg.Wait()
}
