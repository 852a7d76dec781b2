package correlate

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// The thresholds that judge our traffic when the snapshot carries none (a
// hand-built snapshot, or a traffic signal from before thresholds were
// carried): the defaults of the config's traffic: thresholds block. A
// class of our errors rises at 0.1 requests per second or more, a ratio
// of 5% or more, and, with a baseline, three times the baseline's ratio
// or more.
const (
	defaultMinRate  = 0.1
	defaultMinRatio = 0.05
	defaultRise     = 3.0
)

// trafficSevere is the error ratio from which a class of our errors is
// severe: one request in five fails. A severe rise makes its finding
// critical and opens it at once, since a five-minute window of our own
// production traffic failing that much is no blip; a milder one waits for
// a second observation.
const trafficSevere = 0.2

// trafficStale is how long a healthy read of our traffic keeps an
// incident "not affecting us" while Prometheus cannot be read.
const trafficStale = 15 * time.Minute

// trafficClass is one class of our traffic's errors.
type trafficClass struct {
	words string // what the requests got: "401/403"
	ratio func(observe.TrafficErrors) float64
}

var (
	classAuth      = trafficClass{"401/403", func(e observe.TrafficErrors) float64 { return e.Auth }}
	classThrottled = trafficClass{"429", func(e observe.TrafficErrors) float64 { return e.Throttled }}
	classVendor    = trafficClass{"5xx", func(e observe.TrafficErrors) float64 { return e.Vendor }}
	classNetwork   = trafficClass{"no HTTP answer (DNS, connect, TLS, timeout)", func(e observe.TrafficErrors) float64 { return e.Network }}
	classClient    = trafficClass{"other 4xx", func(e observe.TrafficErrors) float64 { return e.Client }}
)

// thresholdsOf are t's thresholds, each zero one replaced by its default.
func thresholdsOf(t *observe.Traffic) observe.TrafficThresholds {
	th := t.Thresholds
	return observe.TrafficThresholds{
		MinRate:  cmp.Or(th.MinRate, defaultMinRate),
		MinRatio: cmp.Or(th.MinRatio, defaultMinRatio),
		Rise:     cmp.Or(th.Rise, defaultRise),
	}
}

// trafficRead reports whether v's traffic signal answered this check.
func trafficRead(v observe.VendorResult) bool {
	return v.Traffic != nil && v.Traffic.Result == observe.ResultOK
}

// rises reports whether a class of our errors rises: enough traffic to
// judge (MinRate), a ratio of at least MinRatio and, when Prometheus holds
// the same hour a day earlier, at least Rise times that baseline's ratio.
// A zero baseline asks only for MinRatio: from nothing to 5% is a rise.
// A ratio that was as high a day earlier is how we always are, not a
// rise.
func rises(t *observe.Traffic, c trafficClass) bool {
	th := thresholdsOf(t)
	r := c.ratio(t.Errors)
	if t.Rate < th.MinRate || r < th.MinRatio {
		return false
	}
	// The epsilon keeps "exactly three times" a rise despite float sums.
	return t.Baseline == nil || r >= th.Rise*c.ratio(*t.Baseline)-1e-9
}

// trafficHealthy reports whether our traffic to a vendor shows it serves
// us: enough requests to judge, and no class of errors rising.
func trafficHealthy(t *observe.Traffic) bool {
	if t.Rate < thresholdsOf(t).MinRate {
		return false
	}
	for _, c := range []trafficClass{classAuth, classThrottled, classVendor, classNetwork, classClient} {
		if rises(t, c) {
			return false
		}
	}
	return true
}

// percent is a ratio as people read it: "34%", "0.4%", "0%".
func percent(r float64) string {
	switch p := r * 100; {
	case p == 0:
		return "0%"
	case p < 10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", p), ".0") + "%"
	default:
		return fmt.Sprintf("%.0f%%", p)
	}
}

// rateWords is a request rate: "12", "0.5".
func rateWords(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f", r)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", r), ".0")
}

// windowWords is the rate window: "5 minutes", "30 seconds".
func windowWords(d time.Duration) string {
	switch {
	case d <= 0:
		return "window"
	case d%time.Minute == 0:
		return fmt.Sprintf("%d %s", d/time.Minute, plural(int(d/time.Minute), "minute", "minutes"))
	}
	return d.String()
}
