package providers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// DefaultMaxBody caps every response body.
const DefaultMaxBody = 10 << 20

// ErrTooLarge is returned when a body exceeds the cap.
var ErrTooLarge = errors.New("response too large")

// Version is stamped into the User-Agent; main sets it at start-up.
var Version = "dev"

// Fetcher performs every HTTP request vendorwatch makes: one shared client,
// a whole-request timeout, a body cap, a User-Agent and a bound on
// requests in flight.
type Fetcher struct {
	client  *http.Client
	timeout time.Duration
	maxBody int64
	slots   chan struct{}
}

// FetcherOptions tunes a Fetcher. Zero values take the defaults.
type FetcherOptions struct {
	Timeout     time.Duration // per request, first byte to last (default 10s)
	MaxBody     int64         // bytes (default 10 MiB)
	Concurrency int           // requests in flight (default 64)
	Transport   http.RoundTripper
}

// NewFetcher builds a Fetcher.
func NewFetcher(o FetcherOptions) *Fetcher {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 64
	}
	if o.Transport == nil {
		o.Transport = newTransport(o.Concurrency)
	}
	return &Fetcher{
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
		timeout: o.Timeout,
		maxBody: o.MaxBody,
		slots:   make(chan struct{}, o.Concurrency),
	}
}

func newTransport(conc int) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          conc * 2,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 0, // the request context bounds the whole exchange
	}
}

// Timeout is the per-request limit.
func (f *Fetcher) Timeout() time.Duration { return f.timeout }

// Response is a fully read HTTP response.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	Latency    time.Duration
	// URL is the final URL after redirects.
	URL string
}

// Do sends req with the fetcher's timeout, User-Agent and limits, and reads
// the body through the cap. The timeout covers the whole exchange, so a
// server that trickles bytes is cut off as surely as one that never
// answers. client may be nil for the fetcher's own.
func (f *Fetcher) Do(req *http.Request, client *http.Client) (*Response, error) {
	if client == nil {
		client = f.client
	}
	ctx, cancel := context.WithTimeout(req.Context(), f.timeout)
	defer cancel()
	select {
	case f.slots <- struct{}{}:
		defer func() { <-f.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a free connection slot: %w", ctx.Err())
	}
	req = req.WithContext(ctx)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "vendorwatch/"+Version)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBody+1))
	latency := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if int64(len(body)) > f.maxBody {
		return nil, fmt.Errorf("%w (over %s)", ErrTooLarge, byteSize(f.maxBody))
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, Latency: latency, URL: resp.Request.URL.String()}, nil
}

// Get fetches url with optional extra headers.
func (f *Fetcher) Get(ctx context.Context, url string, header http.Header) (*Response, error) {
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

// describeErr turns a transport error into a short sentence without Go's
// `Get "url":` prefix, which repeats what the source already shows.
func describeErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
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
