// Package traffic reads the fourth signal: our own production traffic to
// each vendor, from a Prometheus-compatible query API (Prometheus,
// Thanos, Mimir, VictoriaMetrics, Grafana Cloud) that holds our services'
// OpenTelemetry HTTP client metrics. It owns the queries, the HTTP API
// client and what its answers mean; the poller runs it on its own
// interval, beside the checks and never in their way.
package traffic

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// Defaults of a Source.
const (
	// DefaultTimeout bounds one vendor's queries together.
	DefaultTimeout = 10 * time.Second
	// History is how far back the chart's points reach, Step their spacing.
	History = time.Hour
	Step    = time.Minute
	// BaselineAge is how long before now the baseline is read: the same
	// hour a day earlier.
	BaselineAge = 24 * time.Hour
	// maxBody caps one answer: a vendor's series number in the hundreds,
	// and an answer near this is not one vendorwatch asked for.
	maxBody = 16 << 20
)

// Options tune a Source. Zero values take the defaults.
type Options struct {
	// Timeout bounds one vendor's queries (default DefaultTimeout).
	Timeout time.Duration
	// Now is the clock of the query times and CheckedAt (default time.Now).
	Now func() time.Time
	// Transport sends the requests (default a transport of its own).
	Transport http.RoundTripper
	// Resolver resolves the token reference (default the zero Resolver).
	Resolver *config.Resolver
}

// Source reads the traffic signal of vendors from one query API.
type Source struct {
	cfg  config.Traffic
	opts Options
}

// New returns a Source for the config's traffic: block, or nil when there
// is none.
func New(cfg *config.Traffic, o Options) *Source {
	if cfg == nil {
		return nil
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Transport == nil {
		o.Transport = &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second}
	}
	if o.Resolver == nil {
		o.Resolver = &config.Resolver{}
	}
	return &Source{cfg: *cfg, opts: o}
}

// Interval is how often the queries run.
func (s *Source) Interval() time.Duration {
	if s.cfg.Interval > 0 {
		return s.cfg.Interval.D()
	}
	return time.Minute
}

// Window is the range each rate covers.
func (s *Source) Window() time.Duration {
	return max(s.cfg.Window.D(), config.MinTrafficWindow)
}

// Thresholds are the config's thresholds with the defaults filled in.
func (s *Source) Thresholds() observe.TrafficThresholds {
	r, q, x := s.cfg.Thresholds.Values()
	return observe.TrafficThresholds{MinRate: r, MinRatio: q, Rise: x}
}

// Covers reports whether v has anything to look for in our traffic: a
// custom query, traffic: hosts, or an API host. A vendor watched by its
// status page alone has none, and no traffic signal rather than a broken
// one.
func (s *Source) Covers(v catalog.Vendor) bool {
	_, ok := QueriesFor(v, s.Window())
	return ok
}

// Read runs vendor v's queries: now, a day earlier and over the last
// hour, all at once and within the source's own deadline. The signal's
// Result says why it is missing when the queries could not answer; a
// missing baseline or chart leaves only those out.
func (s *Source) Read(ctx context.Context, v catalog.Vendor) observe.Traffic {
	now := s.opts.Now().UTC()
	t := observe.Traffic{CheckedAt: now, Window: s.Window(), Thresholds: s.Thresholds(), Result: observe.ResultOK}
	q, ok := QueriesFor(v, t.Window)
	if !ok {
		t.Result, t.Error = observe.ResultMisconfigured, "no host to look for in our traffic: give the vendor traffic: hosts: or api: base_url:"
		return t
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	a, err := s.api(ctx)
	var secretErr *config.SecretError
	switch {
	case errors.As(err, &secretErr):
		t.Result, t.Error = observe.ResultNoSecret, "traffic prometheus token "+secretErr.Error()
		return t
	case err != nil:
		t.Result, t.Error = observe.ResultMisconfigured, "traffic prometheus url: "+clean(err.Error())
		return t
	}

	var (
		wg                   sync.WaitGroup
		reqs, errs           model.Vector
		reqErr, errErr       error
		baseReqs, baseErrs   model.Vector
		baseReqErr, baseErr2 error
		rateM, errM          model.Matrix
		rateMErr, errMErr    error
	)
	base := now.Add(-BaselineAge)
	span := v1.Range{Start: now.Add(-History).Truncate(Step), End: now, Step: Step}
	wg.Go(func() { reqs, reqErr = instant(ctx, a, q.Requests, now) })
	wg.Go(func() { errs, errErr = instant(ctx, a, q.Errors, now) })
	wg.Go(func() { baseReqs, baseReqErr = instant(ctx, a, q.Requests, base) })
	wg.Go(func() { baseErrs, baseErr2 = instant(ctx, a, q.Errors, base) })
	wg.Go(func() { rateM, rateMErr = ranged(ctx, a, q.RequestsRange(), span) })
	wg.Go(func() { errM, errMErr = ranged(ctx, a, q.ErrorsRange(), span) })
	wg.Wait()

	if err := firstErr(reqErr, errErr); err != nil {
		t.Result, t.Error = classify(ctx, err, s.cfg.Prometheus.URL)
		return t
	}
	t.Series = len(reqs)
	t.Rate = total(reqs)
	t.Errors = ratios(errs, t.Rate)
	if firstErr(baseReqErr, baseErr2) == nil {
		if r := total(baseReqs); r > 0 {
			b := ratios(baseErrs, r)
			t.Baseline = &b
		}
	}
	if firstErr(rateMErr, errMErr) == nil {
		t.Points = points(rateM, errM)
	}
	return t
}

// api is a query API client that sends the token and headers; the token
// is resolved afresh for each read, like a key for each probe.
func (s *Source) api(ctx context.Context) (v1.API, error) {
	base := strings.TrimRight(s.cfg.Prometheus.URL, "/")
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	origin := u.Scheme + "://" + u.Host
	rt := &roundTripper{base: s.opts.Transport, headers: s.cfg.Prometheus.Headers, origin: origin}
	if ref := s.cfg.Prometheus.Token; !ref.IsZero() {
		tok, err := s.opts.Resolver.Resolve(ctx, ref)
		if err != nil {
			return nil, err
		}
		rt.token = tok
	}
	c, err := api.NewClient(api.Config{Address: base, Client: &http.Client{Transport: rt, CheckRedirect: sameOrigin(origin)}})
	if err != nil {
		return nil, err
	}
	return v1.NewAPI(c), nil
}

// instant runs an instant query at ts and wants a vector back (a scalar
// counts as a vector of one sample).
func instant(ctx context.Context, a v1.API, q string, ts time.Time) (model.Vector, error) {
	val, _, _, err := a.Query(ctx, q, ts)
	if err != nil {
		return nil, err
	}
	switch v := val.(type) {
	case model.Vector:
		return v, nil
	case *model.Scalar:
		return model.Vector{&model.Sample{Value: v.Value, Timestamp: v.Timestamp}}, nil
	}
	return nil, &wrongType{got: val.Type().String()}
}

// ranged runs a range query and wants a matrix back.
func ranged(ctx context.Context, a v1.API, q string, r v1.Range) (model.Matrix, error) {
	val, _, _, err := a.QueryRange(ctx, q, r)
	if err != nil {
		return nil, err
	}
	m, ok := val.(model.Matrix)
	if !ok {
		return nil, &wrongType{got: val.Type().String()}
	}
	return m, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// usable reports whether a sample value is a number of requests per
// second (rate over no requests may divide zero by zero).
func usable(v model.SampleValue) bool {
	f := float64(v)
	return !math.IsNaN(f) && !math.IsInf(f, 0) && f >= 0
}

// total sums a vector's usable samples.
func total(vec model.Vector) float64 {
	var sum float64
	for _, s := range vec {
		if usable(s.Value) {
			sum += float64(s.Value)
		}
	}
	return sum
}

// ratios divides each class's failed requests per second by all requests
// per second. Series of no known class are left out; each ratio is kept
// within 0..1 (the two queries are not evaluated on exactly the same
// samples).
func ratios(vec model.Vector, rate float64) observe.TrafficErrors {
	var e observe.TrafficErrors
	if rate <= 0 {
		return e
	}
	for _, s := range vec {
		if !usable(s.Value) {
			continue
		}
		r := min(float64(s.Value)/rate, 1)
		switch s.Metric["class"] {
		case "auth":
			e.Auth += r
		case "throttled":
			e.Throttled += r
		case "vendor":
			e.Vendor += r
		case "network":
			e.Network += r
		case "client":
			e.Client += r
		}
	}
	return e
}

// points pairs the request rate and the error rate by time into the
// chart's points, oldest first. A step without requests has no error
// ratio (0).
func points(rate, errs model.Matrix) []observe.TrafficPoint {
	failed := map[model.Time]float64{}
	for _, ss := range errs {
		for _, p := range ss.Values {
			if usable(p.Value) {
				failed[p.Timestamp] += float64(p.Value)
			}
		}
	}
	byTime := map[model.Time]float64{}
	var times []model.Time
	for _, ss := range rate {
		for _, p := range ss.Values {
			if !usable(p.Value) {
				continue
			}
			if _, seen := byTime[p.Timestamp]; !seen {
				times = append(times, p.Timestamp)
			}
			byTime[p.Timestamp] += float64(p.Value)
		}
	}
	slices.Sort(times)
	out := make([]observe.TrafficPoint, 0, len(times))
	for _, ts := range times {
		r := byTime[ts]
		pt := observe.TrafficPoint{At: ts.Time().UTC(), Rate: r}
		if r > 0 {
			pt.Errors = min(failed[ts]/r, 1)
		}
		out = append(out, pt)
	}
	return out
}
