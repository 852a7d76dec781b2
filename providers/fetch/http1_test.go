package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// trust makes f's transport trust srv's certificate, keeping the rest of
// the transport as New built it.
func trust(t *testing.T, f *Client, srv *httptest.Server) *http.Transport {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr, ok := f.client.Transport.(*http.Transport)
	if !ok {
		// A client with a state dir starts from the roots it remembers,
		// or from the system's bundle, neither of which holds the test
		// server's: every request goes over every root's transport,
		// made to trust it.
		rt := f.client.Transport.(*rootsTransport)
		rt.remembered = nil
		tr = rt.every()
	}
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	return tr
}

// newHTTP1Server is a TLS server that offers only HTTP/1.1 in ALPN,
// counting the connections it accepted. It answers requests in groups of
// four, each once four are in flight at once, so that four requests need
// four connections however fast the machine is.
func newHTTP1Server(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	var mu sync.Mutex
	waiting, group := 0, make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 1 {
			t.Errorf("a request over HTTP/%d to a server that offers only HTTP/1.1", r.ProtoMajor)
		}
		mu.Lock()
		mine := group
		if waiting++; waiting == 4 {
			close(group)
			waiting, group = 0, make(chan struct{})
		}
		mu.Unlock()
		select {
		case <-mine:
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, `{"ok":true}`)
	}))
	srv.EnableHTTP2 = false
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// hostOf is the host key a Client uses for rawURL.
func hostOf(t *testing.T, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// readHTTP1File returns the hosts the state dir's file remembers.
func readHTTP1File(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, HTTP1File))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc http1Doc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", HTTP1File, err)
	}
	return doc.Hosts
}

// A host that offered only HTTP/1.1 is remembered in the state dir, and
// a new Client built from it (the next --once) sends every request to the
// host at once, each dialling its own connection, instead of holding them
// until the first one's handshake is done. The dials are counted inside a
// synctest bubble while every one of them is held: with the memory all
// four requests have dialled, without it only the first.
func TestHTTP1HostDialsAtOnceNextRun(t *testing.T) {
	t.Parallel()
	srv, conns := newHTTP1Server(t)
	dir := t.TempDir()
	host := hostOf(t, srv.URL)

	first := New(Options{StateDir: dir})
	trust(t, first, srv)
	getAll(t, first, srv.URL, 4)
	if _, ok := readHTTP1File(t, dir)[host]; !ok {
		t.Fatalf("after the first run %s does not remember %s", HTTP1File, host)
	}
	if first.http1.writes != 1 {
		t.Errorf("the first run wrote the file %d times, want 1", first.http1.writes)
	}

	synctest.Test(t, func(t *testing.T) {
		next := New(Options{StateDir: dir})
		tr := trust(t, next, srv)
		var dials atomic.Int32
		release := make(chan struct{})
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			dials.Add(1)
			select {
			case <-release:
			case <-ctx.Done():
			}
			return nil, errors.New("the test holds every dial, then refuses it")
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() { next.Get(context.Background(), srv.URL, nil) })
		}
		synctest.Wait() // every request is either dialling or waiting
		if n := dials.Load(); n != 4 {
			t.Errorf("%d of 4 requests dialled before the first connection was up, want all 4", n)
		}
		close(release)
		wg.Wait()
	})

	// A real next run: four connections, and nothing to write, since the
	// host was seen offering only HTTP/1.1 less than a day ago.
	before := conns.Load()
	info, _ := os.Stat(filepath.Join(dir, HTTP1File))
	next := New(Options{StateDir: dir})
	trust(t, next, srv)
	getAll(t, next, srv.URL, 4)
	if n := conns.Load() - before; n != 4 {
		t.Errorf("the next run opened %d connections for 4 requests, want 4", n)
	}
	if next.http1.writes != 0 {
		t.Errorf("the next run wrote the file %d times though nothing changed", next.http1.writes)
	}
	if after, _ := os.Stat(filepath.Join(dir, HTTP1File)); !after.ModTime().Equal(info.ModTime()) {
		t.Error("the next run replaced the file though nothing changed")
	}
}

// A host that offers HTTP/2 is not remembered, and its requests keep
// sharing one connection, run after run.
func TestHTTP2HostSharesOneConnection(t *testing.T) {
	t.Parallel()
	srv := newPeakServer(t, 20*time.Millisecond, true)
	dir := t.TempDir()
	for run := range 2 {
		before := srv.conns.Load()
		f := New(Options{StateDir: dir})
		trust(t, f, srv.Server)
		getAll(t, f, srv.URL, 8)
		if n := srv.conns.Load() - before; n != 1 {
			t.Errorf("run %d: %d connections for 8 requests to an HTTP/2 host, want 1", run+1, n)
		}
	}
	if hosts := readHTTP1File(t, dir); hosts != nil {
		t.Errorf("an HTTP/2 host left %s holding %v", HTTP1File, hosts)
	}
}

// A remembered host that now offers HTTP/2 is forgotten: the file is
// rewritten without it, and the run after shares one connection again.
func TestHTTP1HostNowOfferingHTTP2IsForgotten(t *testing.T) {
	t.Parallel()
	srv := newPeakServer(t, 20*time.Millisecond, true)
	dir := t.TempDir()
	host := hostOf(t, srv.URL)
	seed := New(Options{StateDir: dir})
	seed.http1.saw(host, true)
	seed.http1.flush()
	if _, ok := readHTTP1File(t, dir)[host]; !ok {
		t.Fatal("the seeded memory was not written")
	}

	f := New(Options{StateDir: dir})
	trust(t, f, srv.Server)
	getAll(t, f, srv.URL, 4)
	if _, ok := readHTTP1File(t, dir)[host]; ok {
		t.Errorf("%s still remembers %s, which offered HTTP/2", HTTP1File, host)
	}

	before := srv.conns.Load()
	again := New(Options{StateDir: dir})
	trust(t, again, srv.Server)
	getAll(t, again, srv.URL, 8)
	if n := srv.conns.Load() - before; n != 1 {
		t.Errorf("after forgetting: %d connections for 8 requests, want 1", n)
	}
}

// The memory forgets a host not seen for a week, writes a sighting down
// again only once a day, and ignores a file that others may change or
// that is damaged.
func TestHTTP1MemoryAges(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	write := func(t *testing.T, hosts map[string]time.Time, perm os.FileMode) string {
		dir := t.TempDir()
		path := filepath.Join(dir, HTTP1File)
		b, _ := json.Marshal(http1Doc{Hosts: hosts})
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, perm); err != nil {
			t.Fatal(err)
		}
		return path
	}
	memory := func(path string) *http1Memory {
		m := newHTTP1Memory(path)
		m.now = func() time.Time { return now }
		return m
	}
	hosts := map[string]time.Time{
		"fresh.example:443": now.Add(-2 * time.Hour),
		"days.example":      now.Add(-3 * 24 * time.Hour),
		"stale.example":     now.Add(-8 * 24 * time.Hour),
		"Bad Host":          now,
	}

	m := memory(write(t, hosts, 0o600))
	for host, want := range map[string]bool{"fresh.example:443": true, "days.example": true, "stale.example": false, "bad host": false, "other.example": false} {
		if got := m.only(host); got != want {
			t.Errorf("only(%q) = %v, want %v", host, got, want)
		}
	}
	m.saw("fresh.example:443", true) // seen two hours ago: nothing to write
	m.flush()
	if m.writes != 0 {
		t.Errorf("a sighting two hours old was written again (%d writes)", m.writes)
	}
	m.saw("days.example", true) // seen three days ago: renewed
	m.flush()
	if m.writes != 1 {
		t.Errorf("a sighting three days old was not renewed (%d writes)", m.writes)
	}
	got := readHTTP1File(t, filepath.Dir(m.path))
	if !got["days.example"].Equal(now) {
		t.Errorf("days.example renewed at %v, want %v", got["days.example"], now)
	}
	if _, ok := got["stale.example"]; ok {
		t.Error("a host not seen for eight days was written back")
	}

	if shared := memory(write(t, hosts, 0o666)); shared.only("fresh.example:443") {
		t.Error("a file others may write was trusted")
	}
	damaged := filepath.Join(t.TempDir(), HTTP1File)
	os.WriteFile(damaged, []byte(`{"hosts": {"a.example": `), 0o600)
	if memory(damaged).only("a.example") {
		t.Error("a damaged file was read")
	}
}

// A long-running process (serve) renews its sightings once a day over the
// connections it keeps, so the file stays fresh for the --once runs that
// share the state dir; within the day it writes nothing.
func TestHTTP1SightingRenewedByLongRun(t *testing.T) {
	t.Parallel()
	srv, _ := newHTTP1Server(t)
	dir := t.TempDir()
	f := New(Options{StateDir: dir})
	trust(t, f, srv)
	start := time.Now()
	clock := start
	f.http1.now = func() time.Time { return clock }
	getAll(t, f, srv.URL, 4)
	clock = start.Add(time.Hour)
	getAll(t, f, srv.URL, 4)
	if f.http1.writes != 1 {
		t.Errorf("%d writes after two rounds an hour apart, want 1", f.http1.writes)
	}
	clock = start.Add(25 * time.Hour)
	getAll(t, f, srv.URL, 4)
	if f.http1.writes != 2 {
		t.Errorf("%d writes after a round a day later, want 2", f.http1.writes)
	}
	if at, want := readHTTP1File(t, dir)[hostOf(t, srv.URL)], clock.UTC().Truncate(time.Second); !at.Equal(want) {
		t.Errorf("the sighting is from %v, want the renewal's %v", at, want)
	}
}

// Two processes sharing a state dir (serve and a --once) keep what the
// other learned: each write merges the file's hosts, except a host the
// writer saw offering HTTP/2.
func TestHTTP1MemoryMergesOtherProcesses(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), HTTP1File)
	serve, once := newHTTP1Memory(path), newHTTP1Memory(path)
	serve.only("a.example") // loaded while the file is empty
	once.saw("b.example", true)
	once.saw("gone.example", true)
	once.flush()
	serve.saw("a.example", true)
	serve.saw("gone.example", false) // now offers HTTP/2
	serve.flush()
	got := readHTTP1File(t, filepath.Dir(path))
	for host, want := range map[string]bool{"a.example": true, "b.example": true, "gone.example": false} {
		if _, ok := got[host]; ok != want {
			t.Errorf("after both wrote: %s remembered %v, want %v", host, ok, want)
		}
	}
}
