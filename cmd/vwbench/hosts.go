package main

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// doc is one document a fake host serves.
type doc struct {
	body         []byte
	contentType  string
	status       int
	etag         string
	lastModified string
}

// newDoc makes a document with an ETag and a Last-Modified, as status
// pages send them.
func newDoc(body []byte, contentType string, modified time.Time) *doc {
	sum := sha256.Sum256(body)
	return &doc{
		body:         body,
		contentType:  contentType,
		status:       http.StatusOK,
		etag:         `"` + hex.EncodeToString(sum[:8]) + `"`,
		lastModified: modified.UTC().Format(http.TimeFormat),
	}
}

// counters are what the fake hosts saw during one run.
type counters struct {
	Requests    int64 // every request
	HTTP2       int64 // of them over HTTP/2
	Conditional int64 // with If-None-Match or If-Modified-Since
	NotModified int64 // answered 304
	NotFound    int64 // answered 404
	Conns       int64 // TCP connections accepted
	MaxPerHost  int64 // most requests in flight at one host at once
}

// host is one fake vendor host: a listener on 127.0.0.1, a latency added
// to every answer, and documents by path. With TLS it offers HTTP/2, as
// the CDNs in front of most status pages do.
type host struct {
	addr    string // host:port
	scheme  string
	latency time.Duration
	srv     *http.Server

	mu   sync.RWMutex
	docs map[string]*doc

	requests, h2, conditional, notModified, notFound, conns atomic.Int64
	inFlight, maxInFlight                                   atomic.Int64
}

// hostOptions are how a fake host answers.
type hostOptions struct {
	latency time.Duration    // think time before every answer
	cert    *tls.Certificate // HTTPS when set
	rtt     time.Duration    // round trip emulated below TLS (0: loopback's)
	h1Only  bool             // with cert, offer only http/1.1 in ALPN
}

// startHost listens on a free loopback port, over TLS when cert is set.
func startHost(latency time.Duration, cert *tls.Certificate) (*host, error) {
	return startHostWith(hostOptions{latency: latency, cert: cert})
}

// startHostWith listens on a free loopback port, as o says.
func startHostWith(o hostOptions) (*host, error) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var ln net.Listener = raw
	if o.rtt > 0 {
		ln = rttListener{Listener: raw, rtt: o.rtt}
	}
	latency, cert := o.latency, o.cert
	h := &host{addr: ln.Addr().String(), scheme: "http", latency: latency, docs: map[string]*doc{}}
	h.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		// Clients that give up on a connection (the floor's, a timed-out
		// run's) are not news here.
		ErrorLog: log.New(io.Discard, "", 0),
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				h.conns.Add(1)
			}
		},
	}
	if cert != nil {
		h.scheme = "https"
		h.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, NextProtos: []string{"h2", "http/1.1"}}
		if o.h1Only {
			// A server with a TLSConfig whose NextProtos lacks h2 is
			// still given HTTP/2 by net/http unless TLSNextProto is
			// set, non-nil and empty.
			h.srv.TLSConfig.NextProtos = []string{"http/1.1"}
			h.srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
		}
		go h.srv.ServeTLS(ln, "", "")
	} else {
		go h.srv.Serve(ln)
	}
	return h, nil
}

// URL is the base URL of the host.
func (h *host) URL() string { return h.scheme + "://" + h.addr }

// serve registers a document at path.
func (h *host) serve(path string, d *doc) {
	h.mu.Lock()
	h.docs[path] = d
	h.mu.Unlock()
}

// ServeHTTP answers after the host's latency, honouring validators the way
// a CDN in front of a status page does.
func (h *host) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := h.inFlight.Add(1)
	defer h.inFlight.Add(-1)
	for {
		m := h.maxInFlight.Load()
		if n <= m || h.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	h.requests.Add(1)
	if r.ProtoMajor == 2 {
		h.h2.Add(1)
	}
	inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
	if inm != "" || ims != "" {
		h.conditional.Add(1)
	}
	t := time.NewTimer(h.latency)
	select {
	case <-t.C:
	case <-r.Context().Done():
		t.Stop()
		return
	}
	h.mu.RLock()
	d, ok := h.docs[r.URL.Path]
	h.mu.RUnlock()
	if !ok {
		h.notFound.Add(1)
		http.NotFound(w, r)
		return
	}
	if d.status == http.StatusOK {
		w.Header().Set("ETag", d.etag)
		w.Header().Set("Last-Modified", d.lastModified)
		w.Header().Set("Cache-Control", "max-age=0, must-revalidate")
		if notModified(d, inm, ims) {
			h.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", d.contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(d.body)))
	w.WriteHeader(d.status)
	w.Write(d.body)
}

// notModified applies RFC 9110 §13.2.2: If-None-Match wins over
// If-Modified-Since.
func notModified(d *doc, inm, ims string) bool {
	if inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == strings.TrimPrefix(d.etag, "W/") {
				return true
			}
		}
		return false
	}
	if ims != "" {
		since, err := http.ParseTime(ims)
		mod, _ := http.ParseTime(d.lastModified)
		return err == nil && !mod.After(since)
	}
	return false
}

// take returns and resets the host's counters.
func (h *host) take() counters {
	return counters{
		Requests:    h.requests.Swap(0),
		HTTP2:       h.h2.Swap(0),
		Conditional: h.conditional.Swap(0),
		NotModified: h.notModified.Swap(0),
		NotFound:    h.notFound.Swap(0),
		Conns:       h.conns.Swap(0),
		MaxPerHost:  h.maxInFlight.Swap(0),
	}
}

// fleet is every fake host.
type fleet []*host

func startFleet(n int, latency time.Duration, cert *tls.Certificate) (fleet, error) {
	return startFleetWith(n, hostOptions{latency: latency, cert: cert}, 0)
}

// startFleetWith starts n hosts as o says; with a certificate, the share
// h1Share of them (every host whose index falls in it, spread evenly)
// offers only HTTP/1.1.
func startFleetWith(n int, o hostOptions, h1Share float64) (fleet, error) {
	var f fleet
	for i := range n {
		ho := o
		ho.h1Only = h1Only(i, h1Share)
		h, err := startHostWith(ho)
		if err != nil {
			f.close()
			return nil, err
		}
		f = append(f, h)
	}
	return f, nil
}

// take sums the counters of every host (the maximum for MaxPerHost) and
// resets them.
func (f fleet) take() counters {
	var c counters
	for _, h := range f {
		x := h.take()
		c.Requests += x.Requests
		c.HTTP2 += x.HTTP2
		c.Conditional += x.Conditional
		c.NotModified += x.NotModified
		c.NotFound += x.NotFound
		c.Conns += x.Conns
		c.MaxPerHost = max(c.MaxPerHost, x.MaxPerHost)
	}
	return c
}

func (f fleet) close() {
	for _, h := range f {
		h.srv.Close()
	}
}

// h1Only says whether host i is one of the share that offers only
// HTTP/1.1: hosts are picked evenly, so a share of 0.25 is every fourth.
func h1Only(i int, share float64) bool {
	if share <= 0 {
		return false
	}
	return int(float64(i+1)*share) > int(float64(i)*share)
}
