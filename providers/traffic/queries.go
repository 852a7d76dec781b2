package traffic

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// The metric names our HTTP clients' request counts go by, as Prometheus
// stores OpenTelemetry's histograms. The stable convention
// (http.client.request.duration, in seconds) labels the vendor's host
// server_address, the status http_response_status_code and a failure
// without an answer error_type; the older one (http.client.duration, in
// milliseconds, with or without the unit in the name) labels them
// net_peer_name and http_status_code and records no error type.
const (
	stableMetric = "http_client_request_duration_seconds_count"
	olderMetrics = "http_client_duration_count|http_client_duration_milliseconds_count"
)

// Queries are the PromQL a vendor's signal is read with. Requests gives
// our requests per second to the vendor (its series are summed, and
// counted as the signal's Series); Errors our failed requests per second
// as series labelled class. The range forms sum each over all series for
// the last hour's chart.
type Queries struct {
	Requests string
	Errors   string
	// Hosts are the hosts the default queries match; empty for overrides.
	Hosts []string
	// Custom says the config replaced the default queries.
	Custom bool
}

// RequestsRange is the total request rate, one series, for query_range.
func (q Queries) RequestsRange() string { return "sum(" + q.Requests + ")" }

// ErrorsRange is the total failed request rate, one series.
func (q Queries) ErrorsRange() string { return "sum(" + q.Errors + ")" }

// QueriesFor returns the queries of vendor v over window: the config's
// overrides when it has them, else the defaults over its traffic hosts
// (the host of its API base URL unless traffic.hosts names them). ok is
// false when there is neither: a vendor with no API host and no hosts.
func QueriesFor(v catalog.Vendor, window time.Duration) (q Queries, ok bool) {
	if t := v.Traffic; t != nil && t.Requests != "" {
		q = Queries{Requests: t.Requests, Errors: t.Errors, Custom: true}
		if q.Errors == "" {
			q.Errors = "vector(0)" // validation requires both; keep the ratio defined
		}
		return q, true
	}
	hosts := hostsOf(v)
	if len(hosts) == 0 {
		return Queries{}, false
	}
	return DefaultQueries(hosts, window), true
}

// hostsOf is the vendor's traffic hosts: traffic.hosts, else the host of
// the API base URL.
func hostsOf(v catalog.Vendor) []string {
	if v.Traffic != nil && len(v.Traffic.Hosts) > 0 {
		return v.Traffic.Hosts
	}
	u, err := url.Parse(v.API.BaseURL)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	return []string{u.Hostname()}
}

// DefaultQueries builds the queries for hosts from both OpenTelemetry
// spellings. The request query keeps each series (so that the series are
// counted); an older series is dropped when the same process (job,
// instance) also records the stable metric, which is how a service in
// OpenTelemetry's http/dup migration mode is not counted twice. The
// error query gives each failed series a class with label_replace, from
// the most general to the most specific (network, client, auth,
// throttled, vendor), and sums by class: one query, five classes.
func DefaultQueries(hosts []string, window time.Duration) Queries {
	re := hostRegexp(hosts)
	w := model.Duration(window).String()
	stable := fmt.Sprintf("rate(%s{server_address=~`%s`}[%s])", stableMetric, re, w)
	older := fmt.Sprintf("rate({__name__=~`%s`,net_peer_name=~`%s`}[%s])", olderMetrics, re, w)
	olderOnly := func(q string) string { return "(" + q + " unless on (job, instance) " + stable + ")" }

	stableErr := fmt.Sprintf("(rate(%[1]s{server_address=~`%[2]s`,http_response_status_code=~`[45]..`}[%[3]s]) or rate(%[1]s{server_address=~`%[2]s`,http_response_status_code=``,error_type!=``}[%[3]s]))", stableMetric, re, w)
	olderErr := olderOnly(fmt.Sprintf("rate({__name__=~`%s`,net_peer_name=~`%s`,http_status_code=~`[45]..|`}[%s])", olderMetrics, re, w))
	return Queries{
		Requests: stable + " or " + olderOnly(older),
		Errors:   "sum by (class) (" + byClass(stableErr, "http_response_status_code") + " or " + byClass(olderErr, "http_status_code") + ")",
		Hosts:    hosts,
	}
}

// byClass wraps q in label_replace calls that set class from the status
// label: a series without a status is a network failure, any 4xx a
// client error unless it is 401 or 403 (auth) or 429 (throttled), a 5xx
// the vendor's. Each call sets class only when its pattern matches the
// whole status, so the later, narrower ones win.
func byClass(q, status string) string {
	for _, c := range []struct{ class, re string }{
		{"network", ""}, {"client", "4.."}, {"auth", "401|403"}, {"throttled", "429"}, {"vendor", "5.."},
	} {
		q = fmt.Sprintf("label_replace(%s, \"class\", %q, %q, %q)", q, c.class, status, c.re)
	}
	return q
}

// hostRegexp is a PromQL regular expression matching exactly the hosts.
// It goes between backquotes (a raw string in PromQL), which validation
// keeps out of host names.
func hostRegexp(hosts []string) string {
	parts := make([]string, len(hosts))
	for i, h := range hosts {
		parts[i] = regexp.QuoteMeta(strings.ToLower(h))
	}
	return strings.Join(parts, "|")
}
