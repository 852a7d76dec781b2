// Package traffictest plays a team's production traffic to its vendors for
// the tests of the traffic signal: an exporter that emits OpenTelemetry's
// HTTP client metrics through client_golang, as a service instrumented
// with OTel and scraped by Prometheus would, and a harness that runs the
// real prometheus binary on loopback to scrape it. It is for tests only.
package traffictest

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The metric names the exporter emits, as OTel's Prometheus exporter
// spells them: the stable http.client.request.duration (in seconds) and
// the older http.client.duration (in milliseconds).
const (
	StableMetric = "http_client_request_duration_seconds"
	OlderMetric  = "http_client_duration_milliseconds"
)

// Spelling is which of the two OTel conventions a host's traffic is
// reported under: services instrumented at different times use different
// ones.
type Spelling int

// The spellings.
const (
	// Stable is http_client_request_duration_seconds with server_address,
	// http_response_status_code and error_type.
	Stable Spelling = iota
	// Older is http_client_duration_milliseconds with net_peer_name and
	// http_status_code.
	Older
)

// Rates are requests per second to one host, by how they end: OK (200),
// Auth (401), Forbidden (403), Throttled (429), Vendor (500), Client
// (400), and Network (no answer: error_type set, no status code).
type Rates struct {
	OK, Auth, Forbidden, Throttled, Vendor, Client, Network float64
}

// Total is the request rate of all outcomes.
func (r Rates) Total() float64 {
	return r.OK + r.Auth + r.Forbidden + r.Throttled + r.Vendor + r.Client + r.Network
}

// outcome is one way a request ends: its status code ("" when none came
// back), OTel's error.type for it, and how long it took.
type outcome struct {
	status    string
	errorType string
	seconds   float64
}

// outcomes follow OTel's semantic conventions: error.type is the status
// code for a 4xx or 5xx, an exception's name for a request that got no
// answer, and unset for a success.
var outcomes = []struct {
	rate func(Rates) float64
	outcome
}{
	{func(r Rates) float64 { return r.OK }, outcome{"200", "", 0.35}},
	{func(r Rates) float64 { return r.Auth }, outcome{"401", "401", 0.04}},
	{func(r Rates) float64 { return r.Forbidden }, outcome{"403", "403", 0.04}},
	{func(r Rates) float64 { return r.Throttled }, outcome{"429", "429", 0.02}},
	{func(r Rates) float64 { return r.Vendor }, outcome{"500", "500", 1.2}},
	{func(r Rates) float64 { return r.Client }, outcome{"400", "400", 0.05}},
	{func(r Rates) float64 { return r.Network }, outcome{"", "timeout", 10}},
}

// Exporter is one service's /metrics: it counts requests to each host at
// the rates last set for it, as if the service made them, and emits them
// as OTel's HTTP client histograms. Requests are counted when a scrape
// comes (from the time the rates were set or the last scrape), so what
// Prometheus sees follows the script without a goroutine or a timer.
type Exporter struct {
	*httptest.Server

	now    func() time.Time
	reg    *prometheus.Registry
	stable *prometheus.HistogramVec
	older  *prometheus.HistogramVec

	mu    sync.Mutex
	hosts map[string]*host
}

// host is the traffic to one vendor host: its rates since when, and the
// fractions of requests not yet counted.
type host struct {
	spelling Spelling
	rates    Rates
	since    time.Time
	carry    []float64
}

// NewExporter starts an exporter on loopback; Close stops it. now is its
// clock (time.Now when nil): unit tests pass their own to script exact
// counts.
func NewExporter(now func() time.Time) *Exporter {
	if now == nil {
		now = time.Now
	}
	e := &Exporter{now: now, reg: prometheus.NewRegistry(), hosts: map[string]*host{}}
	e.stable = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    StableMetric,
		Help:    "Duration of HTTP client requests.",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10},
	}, []string{"http_request_method", "server_address", "server_port", "http_response_status_code", "error_type"})
	e.older = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    OlderMetric,
		Help:    "Measures the duration of outbound HTTP requests.",
		Buckets: []float64{0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000},
	}, []string{"http_method", "net_peer_name", "net_peer_port", "http_status_code"})
	e.reg.MustRegister(e.stable, e.older)
	metrics := promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{})
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		e.Advance()
		metrics.ServeHTTP(w, r)
	}))
	return e
}

// Set plays rates to host under spelling from now on. The requests made
// at the earlier rates until now are counted first.
func (e *Exporter) Set(hostname string, spelling Spelling, rates Rates) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	h, ok := e.hosts[hostname]
	if ok {
		e.count(hostname, h, now)
	} else {
		h = &host{carry: make([]float64, len(outcomes))}
		e.hosts[hostname] = h
	}
	h.spelling, h.rates, h.since = spelling, rates, now
}

// Advance counts the requests made to every host since the last count.
// A scrape calls it; tests that read the registry directly may too.
func (e *Exporter) Advance() {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	names := make([]string, 0, len(e.hosts))
	for name := range e.hosts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		e.count(name, e.hosts[name], now)
	}
}

// count observes the whole requests made to a host from h.since to now,
// keeping the fractions for the next count. The caller holds e.mu.
func (e *Exporter) count(name string, h *host, now time.Time) {
	elapsed := now.Sub(h.since).Seconds()
	if elapsed <= 0 {
		return
	}
	h.since = now
	for i, o := range outcomes {
		h.carry[i] += o.rate(h.rates) * elapsed
		n := int(h.carry[i])
		h.carry[i] -= float64(n)
		if n == 0 {
			continue
		}
		var obs prometheus.Observer
		value := o.seconds
		if h.spelling == Older {
			obs = e.older.WithLabelValues("POST", name, "443", o.status)
			value *= 1000
		} else {
			obs = e.stable.WithLabelValues("POST", name, "443", o.status, o.errorType)
		}
		for range n {
			obs.Observe(value)
		}
	}
}

// Registry is the exporter's registry, for tests that gather it without
// a scrape.
func (e *Exporter) Registry() *prometheus.Registry { return e.reg }

// Target is the exporter's host:port, for a scrape config.
func (e *Exporter) Target() string { return e.Listener.Addr().String() }
