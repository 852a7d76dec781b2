//go:build linux && !android

package fetch

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// helloServer is an HTTPS server offering HTTP/2 that records the key
// exchanges each ClientHello offers, one entry per handshake.
func helloServer(t *testing.T) (srv *httptest.Server, bundle string, hellos func() [][]tls.CurveID) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile := fixture.TLSCert(t, dir, "hello-root")
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen [][]tls.CurveID
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ok":true}`)
	}))
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{cert},
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			mu.Lock()
			seen = append(seen, slices.Clone(hello.SupportedCurves))
			mu.Unlock()
			return nil, nil
		},
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, certFile, func() [][]tls.CurveID {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

// Requests without a key (status documents, keyless checks) shake hands
// without the post-quantum hybrid, which guards no secret there and is
// most of a handshake's CPU; a request that carries a key goes over a
// connection of its own whose handshake offers it, even when a keyless
// connection to the same host is open and could carry it.
func TestOnlyKeyedConnectionsOfferThePostQuantumExchange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		state bool
	}{{"a state dir", true}, {"no state dir", false}} {
		t.Run(tc.name, func(t *testing.T) {
			srv, bundle, hellos := helloServer(t)
			newRootsProcess(t, []string{bundle}, nil)
			var state string
			if tc.state {
				state = t.TempDir()
			}
			f := New(Options{StateDir: state})

			getOK(t, f, srv.URL)
			got := hellos()
			if len(got) != 1 {
				t.Fatalf("%d handshakes for one keyless request, want 1", len(got))
			}
			if slices.Contains(got[0], tls.X25519MLKEM768) || !slices.Contains(got[0], tls.X25519) {
				t.Errorf("a keyless request offered %v: want X25519 without X25519MLKEM768", got[0])
			}

			req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/v1/models", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer not-a-real-key")
			resp, err := f.Do(req, f.KeyClient(nil))
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("keyed request: %v %v", resp, err)
			}
			got = hellos()
			if len(got) != 2 {
				t.Fatalf("%d handshakes after a keyed request, want 2: it rode the keyless connection", len(got))
			}
			if !slices.Contains(got[1], tls.X25519MLKEM768) {
				t.Errorf("a keyed request offered %v: want X25519MLKEM768", got[1])
			}

			getOK(t, f, srv.URL)
			if n := len(hellos()); n != 2 {
				t.Errorf("%d handshakes after a second keyless request, want 2: its connection was not reused", n)
			}
		})
	}
}
