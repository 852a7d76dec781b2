//go:build !unix

package app

import (
	"errors"
	"syscall"
)

type Lock struct{}

var ErrLockHeld = errors.New("lock held by another process")

// TryLock always succeeds where advisory file locks are not available: the
// tmux widget may then start more than one refresh at a time.
func TryLock(string, bool) (*Lock, error) { return &Lock{}, nil }

func (l *Lock) Note(string) {}

func (l *Lock) Unlock() {}

// Detached has nothing to add where sessions do not exist.
func Detached() *syscall.SysProcAttr { return nil }
