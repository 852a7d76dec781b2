package fetch

import "sync"

// roots is the pool of trusted roots the client's handshakes verify
// servers against, loaded once per process (loadRoots). nil means the
// system's own verifier: crypto/tls then loads its roots itself, on the
// first certificate it checks.
var roots = sync.OnceValue(loadRoots)

// WarmRoots loads the trusted roots in the background, once per process.
// Reading and parsing them takes a few milliseconds of CPU (a few hundred
// certificates on a Linux system); started before a check's other set-up
// (the history opened, the seed read), the load overlaps it, and the
// client built afterwards finds the roots ready. A process that will check
// (--once) calls it first thing; New waits for the load when it builds its
// transport, or does it itself when nothing started it.
var WarmRoots = sync.OnceFunc(func() {
	go roots()
})
