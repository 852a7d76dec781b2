package fetch

import (
	"crypto/x509"
	"sync"
)

// WarmRoots loads the system's trusted roots in the background, once per
// process. crypto/tls loads them on the first certificate it verifies,
// which holds every first handshake of a check behind reading and
// parsing a few hundred certificates (SSL_CERT_FILE and every file of
// /etc/ssl/certs: about 20 ms of CPU). Started when a Client is built,
// the load overlaps what a process does before its requests are
// answered (the history opened, the requests' round trips), and the
// handshakes find the roots ready. It loads the same pool the handshakes
// would; a failure is theirs to report. New calls it; a process that
// will check (--once) calls it first thing, before its other set-up.
var WarmRoots = sync.OnceFunc(func() {
	go func() { _, _ = x509.SystemCertPool() }()
})
