//go:build !linux || android

package fetch

import "crypto/x509"

// loadRoots leaves verification to the system: on macOS and Windows
// crypto/tls asks the platform's verifier, which a pool of our own would
// bypass.
func loadRoots() *x509.CertPool { return nil }

// loadBundleRoots leaves verification to the system too.
func loadBundleRoots() *x509.CertPool { return nil }

// rootSources names no file: the system verifies, and the state dir
// remembers no root (rootsMemoryFor).
func rootSources() (files, dirs []string) { return nil, nil }

// rootFileRead reads no root from a file here.
func rootFileRead(string, []string, []string) bool { return false }

// locateRoot finds no root in a file here.
func locateRoot([]byte) (rootLocation, bool) { return rootLocation{}, false }
