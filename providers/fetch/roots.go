package fetch

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"sync"
)

// roots is the pool of every trusted root of the system, loaded once per
// process (loadRoots). nil means the system's own verifier: crypto/tls
// then loads its roots itself, on the first certificate it checks. A
// client with a state dir starts from the roots remembered there instead
// (rootsMemory), and loads every root only when a server's certificate
// needs another.
var roots = sync.OnceValue(loadRoots)

// bundleRoots is the pool of the roots of the first file the system's
// roots are read from (loadBundleRoots), loaded once per process: where
// a client with a state dir that remembers no root starts.
var bundleRoots = sync.OnceValue(loadBundleRoots)

// WarmRoots loads, in the background, the roots a client of stateDir
// starts with: those remembered there; when none is, those of the first
// file the system's roots are read from (a distribution's bundle, or the
// one SSL_CERT_FILE names); every root without a state dir.
// Reading and parsing every root takes a few milliseconds of CPU (a few
// hundred certificates on a Linux system); started before a check's
// other set-up (the config read, the history opened), the load overlaps
// it, and the client built afterwards finds the roots ready. A process
// that will check (--once) calls it first thing; New waits for the load
// when it builds its transport, or does it itself when nothing started it.
func WarmRoots(stateDir string) {
	go func() {
		if m := rootsMemoryFor(stateDir); m == nil {
			roots()
		} else {
			startingRoots(m)
		}
	}()
}

// startingRoots is the pool a client of m starts from: the roots it
// remembers, or, when it remembers none, those of the first file the
// system's roots are read from (bundleRoots); nil when neither holds one.
func startingRoots(m *rootsMemory) *x509.CertPool {
	if pool := m.pool(); pool != nil {
		return pool
	}
	return bundleRoots()
}

// certificateDER is the DER of the certificate a PEM block's text holds,
// as x509.CertPool.AppendCertsFromPEM would read it; nil when the text is
// no such block.
func certificateDER(text []byte) []byte {
	b, _ := pem.Decode(text)
	if b == nil || b.Type != "CERTIFICATE" || len(b.Headers) != 0 {
		return nil
	}
	return b.Bytes
}

// rootSum names a certificate by the SHA-256 of its DER, in hex.
func rootSum(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// verifiedRoots are the roots that end chains.
func verifiedRoots(chains [][]*x509.Certificate) []*x509.Certificate {
	var out []*x509.Certificate
	for _, c := range chains {
		if len(c) > 0 {
			out = append(out, c[len(c)-1])
		}
	}
	return out
}
