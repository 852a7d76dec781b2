package config

import (
	"net/url"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/loopback"
)

// Defaults and limits of the traffic signal (traffic:).
const (
	DefaultTrafficWindow = 5 * time.Minute
	MinTrafficWindow     = 30 * time.Second
	MaxTrafficWindow     = 24 * time.Hour
	MinTrafficInterval   = 15 * time.Second

	DefaultTrafficMinRate  = 0.1
	DefaultTrafficMinRatio = 0.05
	DefaultTrafficRise     = 3.0
)

// Traffic is the top-level traffic: block: where our own production
// traffic to the vendors is read (a Prometheus-compatible HTTP API) and
// how it is judged. Nil when the block is absent: no vendor then has the
// traffic signal.
type Traffic struct {
	Prometheus Prometheus `yaml:"prometheus"`
	// Window is the range each rate covers (default DefaultTrafficWindow).
	Window Duration `yaml:"window"`
	// Interval is how often the queries run (default: the probe interval).
	Interval Duration `yaml:"interval"`
	// Thresholds say when a class of our errors rises; a value left out
	// takes its default.
	Thresholds TrafficThresholds `yaml:"thresholds"`
}

// Prometheus is the query API our traffic is read from: Prometheus,
// Thanos, Mimir, VictoriaMetrics or Grafana Cloud.
type Prometheus struct {
	// URL is the API's base, with a path prefix when the store has one
	// (…/prometheus for Grafana Cloud and Mimir); /api/v1/query is added.
	URL string `yaml:"url"`
	// Token is an optional bearer token, a secret reference like a key's.
	Token SecretRef `yaml:"token"`
	// Headers are extra, non-secret headers such as X-Scope-OrgID.
	Headers map[string]string `yaml:"headers"`
}

// TrafficThresholds are the config's thresholds; nil fields take the
// defaults (Thresholds).
type TrafficThresholds struct {
	MinRate  *float64 `yaml:"min_rate"`
	MinRatio *float64 `yaml:"min_ratio"`
	Rise     *float64 `yaml:"rise"`
}

// Values returns the thresholds with the defaults filled in: minimum
// request rate, minimum error ratio and rise over the baseline.
func (t TrafficThresholds) Values() (minRate, minRatio, rise float64) {
	minRate, minRatio, rise = DefaultTrafficMinRate, DefaultTrafficMinRatio, DefaultTrafficRise
	if t.MinRate != nil {
		minRate = *t.MinRate
	}
	if t.MinRatio != nil {
		minRatio = *t.MinRatio
	}
	if t.Rise != nil {
		rise = *t.Rise
	}
	return minRate, minRatio, rise
}

// VendorTraffic is a vendor's traffic: block. Without it the vendor's
// queries are built from the host of its API base URL.
type VendorTraffic struct {
	// Hosts are the server.address values our HTTP clients record for the
	// vendor (default: the host of api.base_url).
	Hosts []string `yaml:"hosts"`
	// Requests is PromQL for our requests per second to the vendor, in
	// place of the default query; its series are summed.
	Requests string `yaml:"requests"`
	// Errors is PromQL for our failed requests per second, as series
	// labelled class=auth|throttled|vendor|network|client.
	Errors string `yaml:"errors"`
}

func (t *Traffic) applyDefaults(probeInterval Duration) {
	if t.Window == 0 {
		t.Window = Duration(DefaultTrafficWindow)
	}
	if t.Interval == 0 {
		t.Interval = probeInterval
	}
}

// validateTraffic checks traffic: and every vendor's traffic: block.
func validateTraffic(cfg *Config, x index, t trust, p *problems) {
	if tr := cfg.Traffic; tr != nil {
		line := x.line("traffic", "prometheus", "url")
		switch u, err := url.Parse(tr.Prometheus.URL); {
		case tr.Prometheus.URL == "":
			p.add(x.line("traffic", "prometheus"), "traffic: needs prometheus: url: (e.g. http://127.0.0.1:9090)")
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			p.add(line, "traffic prometheus url %q is not an http(s) URL", Redact(tr.Prometheus.URL))
		case u.User != nil:
			p.add(line, "traffic prometheus url: credentials do not go in the URL; use token: (a secret reference)")
		case u.RawQuery != "" || u.Fragment != "":
			p.add(line, "traffic prometheus url: give the API's base (a path prefix is fine) without ?query or #fragment")
		}
		if !tr.Prometheus.Token.IsZero() {
			tl := x.line("traffic", "prometheus", "token")
			checkSecret(tr.Prometheus.Token, tl, x.line("traffic", "prometheus"), t, p)
			if u, err := url.Parse(tr.Prometheus.URL); err == nil && u.Scheme == "http" && !loopback.Host(u.Hostname()) {
				p.add(tl, "traffic prometheus token: a token goes only over https (plain http only to this machine, 127.0.0.1 or localhost); use an https url: or drop token:")
			}
		}
		checkKeyHeaders(tr.Prometheus.Headers, x.line("traffic", "prometheus", "headers"), p)
		if tr.Window < Duration(MinTrafficWindow) || tr.Window > Duration(MaxTrafficWindow) {
			p.add(x.line("traffic", "window"), "traffic window %s must be between %s and %s", tr.Window, Duration(MinTrafficWindow), Duration(MaxTrafficWindow))
		}
		if tr.Interval != 0 && tr.Interval < Duration(MinTrafficInterval) {
			p.add(x.line("traffic", "interval"), "traffic interval %s is below the minimum of %s", tr.Interval, Duration(MinTrafficInterval))
		}
		th := tr.Thresholds
		if th.MinRate != nil && *th.MinRate < 0 {
			p.add(x.line("traffic", "thresholds", "min_rate"), "traffic thresholds min_rate must be 0 or more requests per second")
		}
		if th.MinRatio != nil && (*th.MinRatio <= 0 || *th.MinRatio > 1) {
			p.add(x.line("traffic", "thresholds", "min_ratio"), "traffic thresholds min_ratio is a ratio above 0 and at most 1 (0.05 is 5%%)")
		}
		if th.Rise != nil && *th.Rise < 1 {
			p.add(x.line("traffic", "thresholds", "rise"), "traffic thresholds rise must be at least 1 (times the baseline's error ratio)")
		}
	}
	for i, v := range cfg.Vendors {
		if v.Traffic == nil {
			continue
		}
		if cfg.Traffic == nil {
			p.add(x.vendor(i, "traffic"), "vendor %q has traffic: but there is no top-level traffic: prometheus: to read it from", v.ID)
		}
		for j, h := range v.Traffic.Hosts {
			if !validHost(h) {
				p.add(x.vendor(i, "traffic", "hosts", j), "traffic host %q: write a host name as our HTTP clients record it (api.openai.com), without scheme, port or path", Redact(h))
			}
		}
		for _, q := range []string{"requests", "errors"} {
			n := x.get("vendors", i, "traffic", q)
			if n != nil && strings.TrimSpace(n.Value) == "" {
				p.add(n.Line, "traffic %s: is empty; leave it out to use the default query", q)
			}
		}
		if v.Traffic.Errors != "" && v.Traffic.Requests == "" {
			p.add(x.vendor(i, "traffic", "errors"), "traffic errors: needs requests: too (the error ratio divides one by the other)")
		}
	}
}

// validHost reports whether h is a bare host name or address, the way
// OpenTelemetry records server.address.
func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, r := range h {
		ok := r == '.' || r == '-' || r == '_' || r == ':' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return !strings.Contains(h, "://") && strings.Count(h, ":") != 1
}
