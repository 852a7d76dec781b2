package serve

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// SocketMode is the mode of serve's unix socket: the owner and the
// socket's group may connect (to connect is to write), others may not.
// Give the socket's directory the group of the users and scrapers that
// read it (chgrp, with the setgid bit, or systemd's Group=).
const SocketMode fs.FileMode = 0o660

// Listen listens on network ("tcp" or "unix") at address. A unix socket
// is created with SocketMode from its first moment (it is bound in a
// private directory beside its path and moved into place), replaces a
// stale socket a stopped server left behind, refuses to take over the
// socket of a server still answering or any file that is not a socket,
// and is removed when the listener closes.
func Listen(network, address string) (net.Listener, error) {
	if network != "unix" {
		ln, err := net.Listen(network, address)
		if err != nil {
			return nil, fmt.Errorf("listen: %w", err)
		}
		return ln, nil
	}
	if err := clearStale(address); err != nil {
		return nil, err
	}
	ln, err := listenUnix(address)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", address, err)
	}
	info, err := os.Stat(address)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("listen on %s: %w", address, err)
	}
	return &unixListener{UnixListener: ln, path: address, info: info}, nil
}

// clearStale removes a socket at path that no server answers on.
func clearStale(path string) error {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("listen on %s: %w", path, err)
	}
	if info.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("listen on %s: the file exists and is not a socket; not replacing it", path)
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		c.Close()
		return fmt.Errorf("listen on %s: another server is answering on this socket", path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("listen on %s: cannot tell whether the socket there is in use: %w", path, err)
	}
	// Nobody listens: a server stopped without removing it.
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("listen on %s: removing the stale socket: %w", path, err)
	}
	return nil
}

// listenUnix binds a socket in a private directory beside path, sets its
// mode and renames it to path, so the socket is never reachable with
// another mode. When that directory's path is too long for a socket, it
// binds at path and sets the mode at once.
func listenUnix(path string) (*net.UnixListener, error) {
	dir, err := os.MkdirTemp(filepath.Dir(path), ".vw")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		ln, err = net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		if err != nil {
			return nil, err
		}
		tmp = path
	}
	// The socket's file moves: the listener must not remove it by the
	// name it was bound at; unixListener.Close removes it.
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, SocketMode); err != nil {
		ln.Close()
		os.Remove(tmp)
		return nil, err
	}
	if tmp != path {
		if err := os.Rename(tmp, path); err != nil {
			ln.Close()
			return nil, err
		}
	}
	return ln, nil
}

// unixListener removes its socket when it closes, unless another server
// has replaced it since.
type unixListener struct {
	*net.UnixListener
	path string
	info fs.FileInfo
}

// Close stops listening and removes the socket.
func (l *unixListener) Close() error {
	err := l.UnixListener.Close()
	if now, serr := os.Stat(l.path); serr == nil && os.SameFile(now, l.info) {
		os.Remove(l.path)
	}
	return err
}

// Addr is the socket's path.
func (l *unixListener) Addr() net.Addr { return &net.UnixAddr{Name: l.path, Net: "unix"} }
