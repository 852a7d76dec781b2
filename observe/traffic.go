package observe

import "time"

// Traffic is our own production traffic to one vendor, as a Prometheus
// that scrapes our services' HTTP client metrics (OpenTelemetry's
// http.client.request.duration and its older spelling) sees it over the
// configured window: the fourth signal beside the status page, the
// keyless request and the key probes. It never holds a key or a request.
type Traffic struct {
	// Result is ok when the queries answered; otherwise why the signal is
	// missing (timeout, network_error, vendor_error for a Prometheus error,
	// misconfigured for a query Prometheus refuses). Only this signal is
	// missing then: a check never waits on it.
	Result Result `json:"result"`
	Error  string `json:"error,omitempty"`
	// CheckedAt is when the queries ran; Window the range they cover.
	CheckedAt time.Time     `json:"checked_at,omitzero"`
	Window    time.Duration `json:"window_ns"`
	// Series is how many series the request query matched: zero means our
	// services' metrics do not name this vendor's host (yet).
	Series int `json:"series"`
	// Rate is our requests per second to the vendor; Errors the ratio of
	// them that failed, by class.
	Rate   float64       `json:"rate"`
	Errors TrafficErrors `json:"errors"`
	// Baseline is the same ratios a day earlier at the same hour, when
	// Prometheus holds them: what "rising" is measured against.
	Baseline *TrafficErrors `json:"baseline,omitempty"`
	// Points is the recent series, oldest first, for sparklines and charts:
	// the request rate and the total error ratio at each step.
	Points []TrafficPoint `json:"points,omitempty"`
	// Thresholds are the config's (traffic: thresholds), carried with the
	// signal so correlation judges it as the team asked.
	Thresholds TrafficThresholds `json:"thresholds"`
}

// TrafficThresholds say when a class of our errors "rises": at least
// MinRate requests per second (a quiet vendor does not flap), an error
// ratio of at least MinRatio, and at least Rise times the baseline's
// ratio when there is one.
type TrafficThresholds struct {
	MinRate  float64 `json:"min_rate"`
	MinRatio float64 `json:"min_ratio"`
	Rise     float64 `json:"rise"`
}

// TrafficErrors are error ratios (0 to 1) of our requests to a vendor, by
// class: Auth (401, 403), Throttled (429), Vendor (5xx), Network
// (error.type set and no status: DNS, connect, TLS, timeout) and Client
// (other 4xx).
type TrafficErrors struct {
	Auth      float64 `json:"auth"`
	Throttled float64 `json:"throttled"`
	Vendor    float64 `json:"vendor"`
	Network   float64 `json:"network"`
	Client    float64 `json:"client"`
}

// Total is the ratio of requests that failed in any class.
func (e TrafficErrors) Total() float64 {
	return e.Auth + e.Throttled + e.Vendor + e.Network + e.Client
}

// TrafficPoint is one step of the recent traffic series.
type TrafficPoint struct {
	At     time.Time `json:"at"`
	Rate   float64   `json:"rate"`
	Errors float64   `json:"errors"`
}
