// Package fetch is the one HTTP client vendorwatch has: every request to a
// vendor goes through a Client, which caps bodies and times, bounds the
// requests in flight overall and per host, and keeps connections alive
// between checks. Its Cache is the conditional-GET store that lets even
// separate processes revalidate status documents instead of downloading
// them again.
package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxBody caps every response body.
const DefaultMaxBody = 10 << 20

// ErrTooLarge is returned when a body exceeds the cap.
var ErrTooLarge = errors.New("response too large")

// DefaultPerHost is how many requests a Client has in flight at one host
// at most: as polite as a browser's six to eight connections, and enough
// for the few documents and probes a vendor needs at once.
const DefaultPerHost = 8

// Client performs every HTTP request vendorwatch makes: one shared pool of
// connections (kept alive and reused, HTTP/2 where the server offers it)
// for requests without a key and another for those with one (KeyClient,
// whose key exchange resists a future quantum computer; see
// publicCurves), a whole-request timeout, a body cap, a User-Agent, a
// bound on requests in flight overall and another per host.
type Client struct {
	client *http.Client
	// keyed is the transport of requests that carry a key (KeyClient);
	// ownKeyed says it is not client's, so its connections are its own.
	keyed     http.RoundTripper
	ownKeyed  bool
	timeout   time.Duration
	maxBody   int64
	slots     chan struct{}
	perHost   int
	userAgent string

	hostsMu sync.Mutex
	hosts   map[string]*hostSlots
	// dialled holds what the Client knows of each host's connections
	// (see firstConn).
	dialled map[string]*hostConn
	// http1 remembers the hosts that offer only HTTP/1.1, for the next
	// process too (http1.go).
	http1 *http1Memory
	// trusted remembers which trusted roots verified the servers, for
	// the next process (roots_memory.go); nil without a state dir.
	trusted *rootsMemory
}

// hostSlots bounds the requests in flight at one host. users counts the
// requests holding or waiting for a slot, so an idle host's entry is
// dropped and the map does not grow with every host ever contacted.
type hostSlots struct {
	ch    chan struct{}
	users int
}

// Options tune a Client. Zero values take the defaults.
type Options struct {
	Timeout     time.Duration // per request, from getting its slot to the last byte (default 10s)
	MaxBody     int64         // bytes (default 10 MiB)
	Concurrency int           // requests in flight (default 64; the config's is higher), fitted to the open-file limit
	PerHost     int           // requests in flight at one host (default DefaultPerHost)
	Transport   http.RoundTripper
	// UserAgent is sent with every request that sets none (default
	// DefaultUserAgent); the program names its version here.
	UserAgent string
	// StateDir is where the Client remembers, for the next process, the
	// hosts that offered only HTTP/1.1 (HTTP1File), so their requests open
	// connections at once, and the trusted roots that verified its
	// servers (RootsFile), so it reads only those; "" remembers them for
	// this process only, and trusts every root from the start.
	StateDir string
}

// DefaultUserAgent is the User-Agent of a Client whose options name none.
const DefaultUserAgent = "vendorwatch/dev"

// New builds a Client.
func New(o Options) *Client {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 64
	}
	o.Concurrency = fitOpenFiles(o.Concurrency, openFiles())
	if o.PerHost <= 0 {
		o.PerHost = DefaultPerHost
	}
	o.PerHost = min(o.PerHost, o.Concurrency)
	var trusted *rootsMemory
	keyed, ownKeyed := o.Transport, false
	if o.Transport == nil {
		o.Transport, trusted = clientTransport(o.Concurrency, o.PerHost, o.StateDir, publicCurves)
		keyed, _ = clientTransport(o.Concurrency, o.PerHost, o.StateDir, nil)
		ownKeyed = true
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	return &Client{
		client: &http.Client{
			Transport: o.Transport,
			// Redirects are followed for status pages (pages move); key
			// probes install their own policy.
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 5 {
					return errors.New("stopped after 5 redirects")
				}
				return nil
			},
		},
		keyed:     keyed,
		ownKeyed:  ownKeyed,
		timeout:   o.Timeout,
		maxBody:   o.MaxBody,
		slots:     make(chan struct{}, o.Concurrency),
		perHost:   o.PerHost,
		userAgent: o.UserAgent,
		hosts:     map[string]*hostSlots{},
		dialled:   map[string]*hostConn{},
		http1:     newHTTP1Memory(http1Path(o.StateDir)),
		trusted:   trusted,
	}
}

// publicCurves are the key exchanges of the connections that carry no key:
// status documents and keyless checks, pages anyone may fetch. They leave
// out Go's default hybrid with ML-KEM (X25519MLKEM768), which guards a
// connection's secrets against someone who records it today and breaks
// its X25519 with a quantum computer later: these connections have no
// secret to guard. The hybrid's key generation and decapsulation are most
// of a client handshake's CPU, and its key share adds 1.2 KB to every
// ClientHello. Measured beside the floor program on held hosts (vwbench,
// 1,000 vendors on 250 HTTPS hosts, interleaved runs, 2026-12-07): a warm
// --once 1,070 ms of CPU down to 950 ms, a cold one 1,644 ms down to
// 1,550 ms. Requests that carry a key keep Go's default (KeyClient).
var publicCurves = []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384, tls.CurveP521}

// newTransport is a shared transport. Every connection a host may use at
// once (perHost) stays in the idle pool between checks, so the next poll
// reuses them instead of dialling (and shaking hands) again; over HTTP/2 a
// host needs one connection for all its requests. Its handshakes verify
// against pool (nil: the system's roots) and offer curves (nil: Go's
// default key exchanges). An HTTP/1.1 connection's buffers are smaller
// than net/http's 4 KiB each (http1WriteBuffer, http1ReadBuffer): a check
// of 1,000 vendors holds some 250 such connections at once.
func newTransport(conc, perHost int, pool *x509.CertPool, curves []tls.CurveID) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: pool, CurvePreferences: curves},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          max(conc, 100),
		MaxIdleConnsPerHost:   perHost,
		MaxConnsPerHost:       perHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 0, // the request context bounds the whole exchange
		WriteBufferSize:       http1WriteBuffer,
		ReadBufferSize:        http1ReadBuffer,
	}
}

// The buffers of an HTTP/1.1 connection (HTTP/2's are net/http's own). A
// request is a GET with a few hundred bytes of headers; a longer one is
// written in more than one piece. The read buffer holds the answer's
// status line and headers (a longer header line is read in pieces); a
// body is read past it, straight into the caller's buffer. Measured on
// held hosts (vwbench, 1,000 vendors cold, 200 ms round trips, 8
// interleaved runs, 2026-12-08): 1.2–1.5 MiB less peak RSS, the same CPU
// and wall time. BenchmarkHTTP1Connection shows one connection's cost.
const (
	http1WriteBuffer = 1 << 10
	http1ReadBuffer  = 2 << 10
)

// Timeout is the per-request limit.
func (f *Client) Timeout() time.Duration { return f.timeout }

// UserAgent is the User-Agent the client sends.
func (f *Client) UserAgent() string { return f.userAgent }

// Concurrency is how many requests the client keeps in flight at most,
// across all hosts.
func (f *Client) Concurrency() int { return cap(f.slots) }

// KeyClient returns the http.Client for Do of requests that carry a key,
// with its own redirect policy (a key never follows a redirect to another
// host). Its connections are not the keyless requests' (publicCurves):
// their handshakes keep Go's default key exchange, which resists a future
// quantum computer.
func (f *Client) KeyClient(check func(req *http.Request, via []*http.Request) error) *http.Client {
	return &http.Client{Transport: keyedTransport{f.keyed}, CheckRedirect: check}
}

// keyedTransport is a KeyClient's transport: it tells DoWithin that a
// request carries a key.
type keyedTransport struct{ http.RoundTripper }

// CloseIdleConnections closes the idle connections of the transport.
func (t keyedTransport) CloseIdleConnections() {
	if c, ok := t.RoundTripper.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// Response is a fully read HTTP response.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	Latency    time.Duration
	// URL is the final URL after redirects.
	URL string
	// NotModified is true when the server answered 304 to a conditional
	// request and Body is the stored copy it confirmed (status pages only).
	// From GetCachedLazy, Body may be nil until Load reads it.
	NotModified bool
	// stored is the unread body of such a 304 (GetCachedLazy, Load).
	stored *storedBody
}

// Do sends req with the client's timeout, User-Agent and limits, and reads
// the body through the cap. client may be nil for the Client's own.
func (f *Client) Do(req *http.Request, client *http.Client) (*Response, error) {
	return f.DoWithin(req, client, f.timeout)
}

// DoWithin is Do with its own timeout instead of the client's (a key
// probe's shorter one). A request first waits for a slot at its host, then
// for one overall, so requests queued for a busy host never hold slots
// other hosts could use; it waits as long as req's context lets it, and
// fails with ErrNotSent when that ends first. The timeout starts when the
// request has its slots and covers the whole exchange from there, so a
// server that trickles bytes is cut off as surely as one that never
// answers, and a request that queued behind others still gets all of it.
func (f *Client) DoWithin(req *http.Request, client *http.Client, timeout time.Duration) (*Response, error) {
	if client == nil {
		client = f.client
	}
	if timeout <= 0 {
		timeout = f.timeout
	}
	// Last, after the slots are free: what the request taught is on disk
	// before it returns.
	defer f.flushMemories()
	ctx, release, err := f.admit(req, client, timeout)
	if err != nil {
		return nil, err
	}
	defer release()
	return f.send(ctx, client, req)
}

// flushMemories writes down what requests taught of their hosts: the
// roots that verified them and the protocols they offer.
func (f *Client) flushMemories() {
	f.trusted.flush()
	f.http1.flush()
}

// admit waits for req's slots, at its host and then overall, as
// DoWithin says, and returns the context of the exchange (whose timeout
// starts now) and what frees the slots once the exchange is over. It is
// apart from DoWithin, whose frame every request's goroutine holds while
// it waits (thousands at once in a large check): with the slots' waits
// and their clean-ups in it, that frame was 760 bytes; it is 128 now.
func (f *Client) admit(req *http.Request, client *http.Client, timeout time.Duration) (context.Context, func(), error) {
	ctx := req.Context()
	host := strings.ToLower(req.URL.Host)
	wait, stopWait := slotContext(ctx)
	defer stopWait()
	if wait.Err() != nil {
		// Checked first: a select would take a free slot as readily.
		return nil, nil, fmt.Errorf("%w (%w)", ErrNotSent, context.Cause(wait))
	}
	releaseHost, err := f.hostSlot(wait, host)
	if err != nil {
		return nil, nil, err
	}
	_, keyed := client.Transport.(keyedTransport)
	first, err := f.firstConn(wait, req.URL.Scheme, host, keyed && f.ownKeyed)
	if err != nil {
		releaseHost()
		return nil, nil, err
	}
	select {
	case f.slots <- struct{}{}:
	case <-wait.Done():
		releaseHost()
		return nil, nil, fmt.Errorf("%w (waiting for a slot overall: %w)", ErrNotSent, context.Cause(wait))
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	if first != nil {
		ctx = first(ctx) // before the wait ends, which would open a gate
	}
	return ctx, func() {
		cancel()
		<-f.slots
		releaseHost()
	}, nil
}

// send sends req within ctx through client and reads the answer.
func (f *Client) send(ctx context.Context, client *http.Client, req *http.Request) (*Response, error) {
	// The latency is the vendor's: from the moment the request is written
	// to the end of the answer. Connecting (TCP, TLS, waiting for a
	// connection to share) is left out: it grows with this process's own
	// load — a check of thousands of vendors on two cores saturates them
	// with handshakes — and would call a quick page slow. After a
	// redirect, the last request counts.
	var wrote atomic.Int64
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(time.Now().UnixNano()) },
	})
	req = req.WithContext(ctx)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", f.userAgent)
	}
	// Ask for gzip ourselves, as the transport would, so that the
	// compressed body is read whole first and its trailer says how large
	// the document is (readGzip).
	ownGzip := req.Header.Get("Accept-Encoding") == "" && req.Method != http.MethodHead
	if ownGzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	return f.read(resp, ownGzip, start, &wrote)
}

// read reads the answer to a request sent at start, whose last byte
// went out at the time wrote holds (0: unknown), decompressing it when
// the request asked for gzip itself (ownGzip). It is apart from DoWithin,
// whose frame every request's goroutine holds while it waits: thousands at
// once in a large check.
func (f *Client) read(resp *http.Response, ownGzip bool, start time.Time, wrote *atomic.Int64) (*Response, error) {
	defer resp.Body.Close()
	if resp.ContentLength > f.maxBody {
		return nil, fmt.Errorf("%w (over %s)", ErrTooLarge, byteSize(f.maxBody))
	}
	body, err := readCapped(resp.Body, resp.ContentLength, f.maxBody)
	if err == nil && ownGzip && len(body) > 0 && strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		// An empty body (a 304's) is no gzip stream; the transport reads
		// it as empty too.
		body, err = readGzip(body, f.maxBody)
		// As the transport does when it decompresses: the headers no
		// longer describe the body.
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
	}
	latency := time.Since(start)
	if at := wrote.Load(); at != 0 {
		latency = time.Since(time.Unix(0, at))
	}
	if err != nil {
		return nil, err
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, Latency: latency, URL: resp.Request.URL.String()}, nil
}

// readGzip decompresses a gzip body of at most max bytes. The gzip trailer
// gives the size of the last member's data (modulo 4 GiB): the buffer is
// made that size at once, so a large page compressed in transit (the usual
// way, and always without a Content-Length for the document itself) costs
// its size once, not a doubling buffer's. A trailer that lies only costs
// the doubling.
func readGzip(comp []byte, max int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(comp))
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	defer zr.Close()
	hint := int64(-1)
	if n := len(comp); n >= 4 {
		if size := int64(binary.LittleEndian.Uint32(comp[n-4:])); size <= max {
			hint = size
		}
	}
	return readCapped(zr, hint, max)
}

// readCapped reads a body of at most max bytes. With a Content-Length
// (length >= 0) it reads into one buffer of that size; without one (a
// chunked or compressed answer) it reads chunks and copies them once into
// a buffer of the exact size, so an 8 MiB body costs 16 MiB at its peak
// and 8 MiB after, instead of the 24 MiB and 16 MiB of a buffer that
// doubles as it fills.
func readCapped(r io.Reader, length, max int64) ([]byte, error) {
	r = io.LimitReader(r, max+1)
	if length >= 0 && length <= max {
		var buf bytes.Buffer
		// bytes.Buffer reads in steps of at least MinRead bytes: leave room
		// for the read that sees EOF, so the buffer never grows.
		buf.Grow(int(length) + bytes.MinRead)
		if _, err := buf.ReadFrom(r); err != nil {
			return nil, fmt.Errorf("reading body: %w", err)
		}
		return checkSize(buf.Bytes(), max)
	}
	var chunks [][]byte
	total, size := 0, firstChunk
	for {
		chunk := make([]byte, size)
		n, err := io.ReadFull(r, chunk)
		chunks = append(chunks, chunk[:n])
		total += n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading body: %w", err)
		}
		size = min(size*2, lastChunk)
	}
	if int64(total) > max {
		return nil, fmt.Errorf("%w (over %s)", ErrTooLarge, byteSize(max))
	}
	if len(chunks) == 1 {
		// A small body: its chunk, or a copy of the exact size when most of
		// the chunk is empty (the validator store may keep it).
		if total < firstChunk/2 {
			return bytes.Clone(chunks[0]), nil
		}
		return chunks[0], nil
	}
	body := make([]byte, 0, total)
	for i, c := range chunks {
		body = append(body, c...)
		chunks[i] = nil // let it go as soon as it is copied
	}
	return body, nil
}

// The chunks readCapped reads a body of unknown length in: from small (most
// status documents are a few kilobytes) to 1 MiB.
const (
	firstChunk = 16 << 10
	lastChunk  = 1 << 20
)

// checkSize fails with ErrTooLarge when body is over max bytes.
func checkSize(body []byte, max int64) ([]byte, error) {
	if int64(len(body)) > max {
		return nil, fmt.Errorf("%w (over %s)", ErrTooLarge, byteSize(max))
	}
	return body, nil
}

// Get fetches url with optional extra headers.
func (f *Client) Get(ctx context.Context, url string, header http.Header) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return f.Do(req, nil)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// NotSentWords is how Describe words ErrNotSent: it starts "not
// checked", so no reader takes it for a timeout or a network failure.
const NotSentWords = "not checked: no free connection slot before the check's deadline"

// Describe turns a transport error into a short sentence without Go's
// `Get "url":` prefix, which repeats what the source already shows.
func Describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, ErrNotSent) {
		return NotSentWords
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsNotFound {
			return "DNS: no such host " + dns.Name
		}
		return "DNS: " + dns.Err
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Op + ": " + op.Err.Error()
	}
	return err.Error()
}
