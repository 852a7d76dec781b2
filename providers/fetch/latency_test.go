package fetch

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A response's latency is the vendor's: from the written request to the
// end of the answer. Connecting is left out, so a check whose own process
// is slow to finish its handshakes (thousands of vendors on two cores)
// does not call a quick page slow. Here the handshake takes 400 ms and the
// answer is immediate.
func TestLatencyLeavesOutConnecting(t *testing.T) {
	t.Parallel()
	const handshake = 400 * time.Millisecond
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ok":true}`)
	}))
	srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		time.Sleep(handshake)
		return nil, nil
	}}
	srv.StartTLS()
	defer srv.Close()
	f := New(Options{Timeout: 5 * time.Second})
	trust(t, f, srv)
	start := time.Now()
	resp, err := f.Get(context.Background(), srv.URL+"/api/v2/summary.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	if total := time.Since(start); total < handshake {
		t.Fatalf("the request took %s, under the handshake's %s: the test proves nothing", total, handshake)
	}
	if resp.Latency >= handshake {
		t.Errorf("latency %s includes the %s handshake", resp.Latency, handshake)
	}
}
