//go:build unix

package app

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Lock is an advisory lock on a file in the state dir. The kernel drops
// it when the process exits, however it exits, so a crash never leaves a
// stale lock behind.
type Lock struct{ f *os.File }

// ErrLockHeld says another process holds the lock.
var ErrLockHeld = errors.New("lock held by another process")

// TryLock takes the lock at path without waiting: exclusive, or shared
// when shared is true. It returns errLockHeld when another process holds a
// conflicting lock.
func TryLock(path string, shared bool) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	how := syscall.LOCK_EX
	if shared {
		how = syscall.LOCK_SH
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLockHeld
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Note writes s into the lock file, replacing what was there, so others
// can say who holds the lock (ReadLockNote). Errors are ignored: the note
// is a courtesy, the lock is what counts.
func (l *Lock) Note(s string) {
	if l == nil || l.f == nil {
		return
	}
	if l.f.Truncate(0) == nil {
		_, _ = l.f.WriteAt([]byte(s+"\n"), 0)
	}
}

// Unlock releases the lock.
func (l *Lock) Unlock() {
	if l != nil && l.f != nil {
		l.f.Close()
	}
}

// Detached makes a child process its own session leader, so it outlives
// the tmux client that started it and is never tied to its terminal.
func Detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
