// Package redact is vendorwatch's one redactor. Every secret the process
// resolves (API keys, admin keys, tokens, webhook URLs) is registered with
// it, and every string that leaves the process (terminal, JSON, database,
// state files, HTTP responses, notifications, clipboard, logs, errors)
// passes through String or Bytes first.
package redact

import (
	"strings"
	"sync"
)

// Placeholder is what a redacted secret becomes.
const Placeholder = "[redacted]"

// minRun is the shortest run of a known secret that is blanked.
const minRun = 8

var (
	mu    sync.RWMutex
	known = map[string]struct{}{}
)

// Register adds secrets the process knows. Values shorter than the
// shortest run that is matched are ignored.
func Register(secrets ...string) {
	mu.Lock()
	defer mu.Unlock()
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if len(s) >= minRun {
			known[s] = struct{}{}
		}
	}
}

// String returns s with every registered secret blanked.
func String(s string) string {
	mu.RLock()
	defer mu.RUnlock()
	for k := range known {
		if strings.Contains(s, k) {
			s = strings.ReplaceAll(s, k, Placeholder)
		}
	}
	return s
}

// Bytes is String for bytes; it returns b itself when nothing changed.
func Bytes(b []byte) []byte {
	s := string(b)
	if r := String(s); r != s {
		return []byte(r)
	}
	return b
}
