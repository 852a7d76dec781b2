package serve

import (
	"context"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// unixClient is an HTTP client that reaches the server on a socket.
func unixClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", path)
	}}}
}

// The socket is 0660 from its first moment, answers, refuses to take over
// a live socket or a file that is not one, replaces a stale one, and is
// gone once the server stops.
func TestUnixSocket(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix sockets with file modes")
	}
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "vw.sock")

	ln, err := Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(path)
	if err != nil || info.Mode().Type() != fs.ModeSocket || info.Mode().Perm() != SocketMode {
		t.Fatalf("socket %v: mode %v", err, info.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left beside the socket: %v", entries)
	}
	if ln.Addr().String() != path {
		t.Errorf("Addr = %s", ln.Addr())
	}
	srv := &http.Server{Handler: New(Options{Token: goodToken}).Handler()}
	go srv.Serve(ln)
	resp, err := unixClient(path).Get("http://vendorwatch/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz over the socket: %d", resp.StatusCode)
	}

	if _, err := Listen("unix", path); err == nil || !strings.Contains(err.Error(), "another server is answering on this socket") {
		t.Errorf("a second server on a live socket: %v", err)
	}
	srv.Close()
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("the socket outlived its server: %v", err)
	}

	// A server killed without cleaning up leaves its socket behind.
	stale, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	stale.SetUnlinkOnClose(false)
	stale.Close()
	ln, err = Listen("unix", path)
	if err != nil {
		t.Fatalf("over a stale socket: %v", err)
	}
	ln.Close()

	notSocket := filepath.Join(dir, "config.yaml")
	os.WriteFile(notSocket, []byte("keep me"), 0o600)
	if _, err := Listen("unix", notSocket); err == nil || !strings.Contains(err.Error(), "not a socket; not replacing it") {
		t.Errorf("over a regular file: %v", err)
	}
	if b, _ := os.ReadFile(notSocket); string(b) != "keep me" {
		t.Error("the file was touched")
	}
}
