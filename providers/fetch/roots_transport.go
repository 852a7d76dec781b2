package fetch

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"sync"
)

// rootsTransport is the transport of a client that remembers its trusted
// roots (rootsMemory). Requests go over a transport whose handshakes
// trust only the remembered roots (or, with none remembered, those of the
// first file the system's roots are read from); a server whose
// certificate those do not verify, for any reason, is asked again over
// one that trusts every root, which decides, and the host keeps using
// that one for the rest of the process. Either way the roots that
// verified a server are noted for the next process. Trusting fewer roots
// never lets through a certificate every root would not: a chain the
// remembered roots verify, every root verifies.
type rootsTransport struct {
	// remembered trusts the remembered roots, or the first file's when
	// none is; nil when neither holds one.
	remembered *http.Transport
	// everyT trusts every root, built on first need (every).
	everyOnce sync.Once
	everyT    *http.Transport
	newEvery  func() *http.Transport
	mem       *rootsMemory
	// everyHosts are the hosts whose certificate the remembered roots did
	// not verify.
	everyHosts sync.Map // host -> struct{}
}

// clientTransport is the transport New builds: with a state dir (and
// roots read from files, on Linux), one that starts from the roots
// remembered there, or from those of the first file the system's roots
// are read from when none is (bundleRoots: with SSL_CERT_FILE naming a
// proxy's CA, that one root instead of a few hundred); otherwise one that
// trusts every root. Either start is a part of every root, and a server
// it does not verify is asked again trusting every root. Its handshakes
// offer curves (newTransport). It returns the memory to flush, if any.
func clientTransport(conc, perHost int, stateDir string, curves []tls.CurveID) (http.RoundTripper, *rootsMemory) {
	mem := rootsMemoryFor(stateDir)
	if mem == nil {
		return newTransport(conc, perHost, roots(), curves), nil
	}
	rt := &rootsTransport{
		mem:      mem,
		newEvery: func() *http.Transport { return newTransport(conc, perHost, roots(), curves) },
	}
	if pool := startingRoots(mem); pool != nil {
		rt.remembered = newTransport(conc, perHost, pool, curves)
	} else {
		rt.every() // now, as without a memory: the roots may be loading already
	}
	return rt, mem
}

// RoundTrip sends req over the remembered roots' transport, and again
// over every root's when the server's certificate did not verify and req
// can be sent again.
func (t *rootsTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := strings.ToLower(req.URL.Host)
	_, every := t.everyHosts.Load(host)
	if t.remembered == nil || every {
		return t.learn(t.every().RoundTrip(req))
	}
	resp, err := t.remembered.RoundTrip(req)
	if err == nil || !unverified(err) {
		return t.learn(resp, err)
	}
	again, ok := rewound(req)
	if !ok {
		return nil, err
	}
	t.everyHosts.Store(host, struct{}{})
	return t.learn(t.every().RoundTrip(again))
}

// every is the transport that trusts every root, built the first time it
// is needed.
func (t *rootsTransport) every() *http.Transport {
	t.everyOnce.Do(func() { t.everyT = t.newEvery() })
	return t.everyT
}

// learn notes the roots that verified resp's server.
func (t *rootsTransport) learn(resp *http.Response, err error) (*http.Response, error) {
	if err == nil && resp.TLS != nil {
		t.mem.saw(resp.TLS.VerifiedChains)
	}
	return resp, err
}

// CloseIdleConnections closes the idle connections of the transports
// built.
func (t *rootsTransport) CloseIdleConnections() {
	if t.remembered != nil {
		t.remembered.CloseIdleConnections()
	}
	t.everyOnce.Do(func() {}) // a transport not built yet stays unbuilt
	if t.everyT != nil {
		t.everyT.CloseIdleConnections()
	}
}

// unverified tells whether err is a server certificate that did not
// verify.
func unverified(err error) bool {
	var cve *tls.CertificateVerificationError
	var uae x509.UnknownAuthorityError
	return errors.As(err, &cve) || errors.As(err, &uae)
}

// rewound is req ready to be sent again: itself when it has no body, a
// copy with a new body when it can make one; false when it cannot.
func rewound(req *http.Request) (*http.Request, bool) {
	if req.Body == nil || req.Body == http.NoBody {
		return req, true
	}
	if req.GetBody == nil {
		return nil, false
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, false
	}
	again := req.Clone(req.Context())
	again.Body = body
	return again, true
}
