//go:build !unix

package main

import (
	"errors"
	"syscall"
)

type lockFile struct{}

var errLockHeld = errors.New("lock held by another process")

// tryLock always succeeds where advisory file locks are not available: the
// tmux widget may then start more than one refresh at a time.
func tryLock(string, bool) (*lockFile, error) { return &lockFile{}, nil }

func (l *lockFile) Unlock() {}

// detached has nothing to add where sessions do not exist.
func detached() *syscall.SysProcAttr { return nil }
