// Package probe tests our keys: a free, read-only request per key,
// classified from the vendor's own error body by the classifier of its
// family (the registry in classify.go), and a keyless request that tells
// "vendor down" from "key dead". It owns the rules every request that
// carries a key follows (HTTPS only, no redirect to another host), key
// fingerprints and the scrubbing of what vendors echo back.
package probe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/loopback"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
)

// Politeness defaults for probes.
const (
	// DefaultRetryWait is the pause before the one retry a check allows
	// after a fast failure: a 5xx, a reset or refused connection, or a 429
	// that names no Retry-After. A timeout is never retried within the
	// check: the next check, at the next tick, is the retry.
	DefaultRetryWait = time.Second
	// DefaultMaxRetryAfter is the longest Retry-After honoured within a
	// check; a vendor asking for longer is left alone until the next one.
	DefaultMaxRetryAfter = 5 * time.Second
)

// Prober sends key probes and keyless reachability requests, and is the
// way every request that carries a key goes out (the admin readers use it
// too). A key is resolved once per probe, kept in this goroutine's memory
// only, and sent only in the auth header of a request to the vendor's
// configured API host, over HTTPS (plain HTTP only to loopback).
type Prober struct {
	fetch *fetch.Client
	// keyClient carries keys; its redirect policy never lets a key leave
	// the host it was meant for.
	keyClient *http.Client
	resolver  *config.Resolver
	// timeout caps each probe, keyless request and dashboard check, from
	// the moment the request has its slot.
	timeout time.Duration
	// retryWait and maxRetryAfter tune the one retry (tests shrink them).
	retryWait     time.Duration
	maxRetryAfter time.Duration
	// sleep waits d or until ctx ends.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
}

// Options tune a Prober. Zero values take the defaults.
type Options struct {
	// Now is the clock of the results' check times (time.Now).
	Now func() time.Time
	// Timeout caps each probe, keyless request and dashboard check (the
	// config's probe_timeout); zero takes the fetch client's timeout.
	// Requests sent with Send (the admin readers) keep the client's.
	Timeout time.Duration
	// RetryWait is the pause before the one retry a failed request gets
	// within a check (DefaultRetryWait).
	RetryWait time.Duration
	// MaxRetryAfter is the longest Retry-After honoured within a check
	// (DefaultMaxRetryAfter).
	MaxRetryAfter time.Duration
	// Resolver resolves secret references (one reading the process's
	// environment); tests give one with their own variables.
	Resolver *config.Resolver
	// Sleep waits d or until ctx ends; tests record the waits instead.
	Sleep func(ctx context.Context, d time.Duration) error
}

// New returns a Prober sending its requests through f.
func New(f *fetch.Client, o Options) *Prober {
	p := &Prober{
		fetch:         f,
		keyClient:     f.KeyClient(sameHostOnly),
		timeout:       cmp.Or(o.Timeout, f.Timeout()),
		resolver:      cmp.Or(o.Resolver, &config.Resolver{}),
		retryWait:     cmp.Or(o.RetryWait, DefaultRetryWait),
		maxRetryAfter: cmp.Or(o.MaxRetryAfter, DefaultMaxRetryAfter),
		sleep:         o.Sleep,
		now:           o.Now,
	}
	if p.sleep == nil {
		p.sleep = sleepCtx
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p
}

// Now is the prober's clock.
func (p *Prober) Now() time.Time { return p.now() }

// Timeout is the per-request limit of Send.
func (p *Prober) Timeout() time.Duration { return p.fetch.Timeout() }

// ProbeTimeout is the limit of each probe, keyless request and dashboard
// check.
func (p *Prober) ProbeTimeout() time.Duration { return p.timeout }

// get sends a keyless GET within the probe timeout.
func (p *Prober) get(ctx context.Context, target string, header http.Header) (*fetch.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return p.fetch.DoWithin(req, nil, p.timeout)
}

// Resolve resolves a secret reference. The secret it returns must go
// only into a request to its own vendor, and be dropped after.
func (p *Prober) Resolve(ctx context.Context, ref config.SecretRef) (string, error) {
	return p.resolver.Resolve(ctx, ref)
}

// Send sends a request that carries a key: the client's caps and limits,
// and a redirect policy that never lets the key leave its host. Callers
// check KeySafe on the URL first.
func (p *Prober) Send(req *http.Request) (*fetch.Response, error) {
	return p.fetch.Do(req, p.keyClient)
}

// RetryWait is the pause before the one retry a failed request gets.
func (p *Prober) RetryWait() time.Duration { return p.retryWait }

// Sleep waits d or until ctx ends.
func (p *Prober) Sleep(ctx context.Context, d time.Duration) error { return p.sleep(ctx, d) }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// sameHostOnly is the redirect policy of requests that carry a key: a
// redirect within the same host and scheme is followed (the key goes
// along), one to any other host or down to plain HTTP is not, and the
// redirect itself becomes the answer.
func sameHostOnly(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	if !strings.EqualFold(req.URL.Host, first.Host) || req.URL.Scheme != first.Scheme {
		return http.ErrUseLastResponse
	}
	if len(via) >= 3 {
		return http.ErrUseLastResponse
	}
	return nil
}

// Key probes one key of v and classifies the answer. It never
// returns an error: every failure is a result (no_secret, timeout, ...).
// Streaks are left for the caller.
func (p *Prober) Key(ctx context.Context, v catalog.Vendor, k config.Key) observe.KeyResult {
	res := observe.KeyResult{Name: k.Name, Canary: k.Canary, Holders: Holders(k), CheckedAt: p.now().UTC()}
	if v.Probe == nil || v.API.BaseURL == "" {
		res.Result, res.Code = observe.ResultMisconfigured, "no_probe"
		// check-config refuses such a key; this is the last word for a
		// config loaded without the catalog's knowledge of probes.
		res.Message = fmt.Sprintf("vendorwatch cannot test keys of %s: it has no free read-only request to try them with; remove the key", v.Name)
		return res
	}
	target, err := probeURL(v.API.BaseURL, v.Probe.Path, k.Account)
	if err != nil {
		res.Result, res.Code, res.Message = observe.ResultMisconfigured, "bad_probe_url", err.Error()
		return res
	}
	if !KeySafe(target) {
		res.Result, res.Code = observe.ResultMisconfigured, "insecure_url"
		res.Message = fmt.Sprintf("refusing to send a key to %s://%s: keys go over HTTPS only (plain HTTP only to loopback)", target.Scheme, target.Host)
		return res
	}
	secret, ok := p.resolve(ctx, k, &res)
	if !ok {
		return res
	}
	start := time.Now()
	var (
		resp *fetch.Response
		vd   Verdict
	)
	for attempt := 0; ; attempt++ {
		firstResp, firstVD := resp, vd
		var req *http.Request
		req, err = newProbeRequest(ctx, v, k, target, secret)
		if err != nil {
			res.Result, res.Code, res.Message = observe.ResultMisconfigured, "bad_probe", Scrub(err.Error(), secret, MaxMessage)
			return res
		}
		resp, err = p.fetch.DoWithin(req, p.keyClient, p.timeout)
		if err != nil {
			vd = TransportVerdict(err, p.timeout)
		} else {
			vd = classify(v.Probe.Family, newAnswer(resp.StatusCode, resp.Header, resp.Body, v.Probe.Expect))
		}
		if attempt > 0 && vd.Result == observe.ResultNotChecked {
			// The retry found no slot: the first answer is the evidence.
			resp, vd = firstResp, firstVD
		}
		if attempt > 0 || !Retryable(vd.Result) || ctx.Err() != nil {
			break
		}
		wait, ok := p.RetryDelay(resp)
		if !ok {
			if vd.Hint == "" {
				vd.Hint = "the vendor asks to retry after " + wait.String()
			}
			break
		}
		if p.sleep(ctx, wait) != nil {
			break
		}
	}
	res.LatencyMS = time.Since(start).Milliseconds()
	if resp != nil {
		res.HTTPStatus = resp.StatusCode
		res.LatencyMS = resp.Latency.Milliseconds()
		res.RequestID, res.RequestIDFrom = RequestID(resp.Header, resp.Body, secret)
	}
	res.Result, res.RevocationMarker = vd.Result, vd.Marker && vd.Result == observe.ResultInvalidKey
	limit := MaxMessage
	if vd.Result == observe.ResultUnexpected {
		limit = maxExcerpt
	}
	res.Code = Scrub(vd.Code, secret, 80)
	res.Message = Scrub(vd.Message, secret, limit)
	res.Hint = Scrub(vd.Hint, secret, MaxMessage)
	res.LeakReported = mentionsLeak(res.Message)
	return res
}

// Unprobed resolves a canary that is watched in the vendor's key list
// instead of probed: its fingerprint ties it to its row. No request
// carries it; the result is filled from the key list.
func (p *Prober) Unprobed(ctx context.Context, k config.Key) observe.KeyResult {
	res := observe.KeyResult{Name: k.Name, Canary: k.Canary, Holders: Holders(k), CheckedAt: p.now().UTC(), NotProbed: true}
	p.resolve(ctx, k, &res)
	return res
}

// resolve resolves k's secret for this check and puts its fingerprint in
// res, or no_secret with the reason (never the value) when it does not
// resolve.
func (p *Prober) resolve(ctx context.Context, k config.Key, res *observe.KeyResult) (string, bool) {
	secret, err := p.resolver.Resolve(ctx, k.Secret)
	if err != nil {
		res.Result, res.Message = observe.ResultNoSecret, Scrub(err.Error(), "", MaxMessage)
		var se *config.SecretError
		if errors.As(err, &se) {
			res.Code = se.Code
		}
		return "", false
	}
	res.Fingerprint = Fingerprint(secret)
	return secret, true
}

// Retryable results are worth one more try within the check: fast
// failures (a 5xx, a 429, a reset or refused connection), which a second
// try a second later tells from a blip. A timeout is not: retrying it
// would make the check last twice the timeout and more, and delay the
// next check's confirmation, which is the retry that counts. A request
// that was never sent (not_checked) is not either.
func Retryable(r observe.Result) bool {
	return r == observe.ResultRateLimited || r == observe.ResultVendorError || r == observe.ResultNetworkError
}

// RetryDelay is how long to wait before the retry: the vendor's
// Retry-After when it gives one, else the short default. ok is false when
// the vendor asks for longer than a check may wait.
func (p *Prober) RetryDelay(resp *fetch.Response) (time.Duration, bool) {
	if resp == nil {
		return p.retryWait, true
	}
	d, given := parseRetryAfter(resp.Header.Get("Retry-After"), p.now())
	if !given {
		return p.retryWait, true
	}
	return d, d <= p.maxRetryAfter
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP
// date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(n * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// TransportVerdict classifies a request that got no HTTP answer.
func TransportVerdict(err error, timeout time.Duration) Verdict {
	var ne net.Error
	switch {
	case errors.Is(err, fetch.ErrNotSent):
		return Verdict{Result: observe.ResultNotChecked, Message: fetch.NotSentWords}
	case errors.Is(err, fetch.ErrTooLarge):
		return Verdict{Result: observe.ResultUnexpected, Code: "too_large", Message: fetch.Describe(err)}
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return Verdict{Result: observe.ResultTimeout, Message: fmt.Sprintf("no answer within %s", timeout)}
	}
	return Verdict{Result: observe.ResultNetworkError, Message: fetch.Describe(err)}
}

// probeURL joins the API base URL and the probe path, filling {account}.
// The key never goes into a URL.
func probeURL(base, path, account string) (*url.URL, error) {
	if strings.Contains(path, "{account}") {
		if account == "" {
			return nil, errors.New("this probe needs account: on the key (Twilio: the Account SID, AC...)")
		}
		path = strings.ReplaceAll(path, "{account}", url.PathEscape(account))
	}
	u, err := url.Parse(strings.TrimRight(base, "/") + path)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("cannot build the probe URL from api.base_url %q", base)
	}
	return u, nil
}

// KeySafe reports whether a key may be sent to u: over HTTPS, or over
// plain HTTP to this machine only (tests, the demo).
func KeySafe(u *url.URL) bool {
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return loopback.Host(u.Hostname())
	}
	return false
}

// newProbeRequest builds the probe request for one key: the catalog's
// method, path and headers, the key's own non-secret headers, and the key
// in the vendor's auth style.
func newProbeRequest(ctx context.Context, v catalog.Vendor, k config.Key, target *url.URL, secret string) (*http.Request, error) {
	if !KeySafe(target) {
		return nil, fmt.Errorf("refusing to send a key to %s://%s: keys go over HTTPS only (plain HTTP only to loopback)", target.Scheme, target.Host)
	}
	method := v.Probe.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, target.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("building the probe request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	for name, val := range v.Probe.Headers {
		req.Header.Set(name, val)
	}
	for name, val := range k.Headers {
		req.Header.Set(name, val)
	}
	switch strings.ToLower(v.Probe.Auth) {
	case "bearer", "":
		req.Header.Set("Authorization", "Bearer "+secret)
	case "token":
		req.Header.Set("Authorization", "Token "+secret)
	case "basic":
		if k.Account == "" {
			return nil, errors.New("basic auth needs account: on the key (the user, e.g. Twilio's Account SID)")
		}
		req.SetBasicAuth(k.Account, secret)
	case "x-api-key", "xi-api-key", "x-goog-api-key":
		req.Header.Set(v.Probe.Auth, secret)
	default:
		return nil, fmt.Errorf("unknown probe auth style %q", v.Probe.Auth)
	}
	return req, nil
}

// Holders are the key's holders from the config, as a result carries
// them.
func Holders(k config.Key) []observe.Holder {
	var out []observe.Holder
	for _, h := range k.Holders {
		if h.Kind() != "" {
			out = append(out, observe.Holder{Kind: h.Kind(), Name: h.Name()})
		}
	}
	return out
}
