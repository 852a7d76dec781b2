package serve

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// The traffic families: our own production traffic to each vendor, as the
// configured Prometheus saw it at the latest check. They are absent for a
// vendor without a traffic source.
var (
	descTrafficUp    = desc("traffic_up", "1 when the traffic queries for the vendor answered at the latest check, 0 when Prometheus was slow, down or refused them (only this signal is missing then).", "vendor")
	descTrafficRate  = desc("traffic_requests_per_second", "Our production requests per second to the vendor over the traffic window; absent while traffic_up is 0.", "vendor")
	descTrafficRatio = desc("traffic_error_ratio", "The ratio (0 to 1) of our requests to the vendor that failed over the traffic window, by class: auth (401, 403), throttled (429), vendor (5xx), network (no answer), client (other 4xx); absent while traffic_up is 0.", "vendor", "class")
)

// trafficDescs are the traffic families, for Describe.
var trafficDescs = []*prometheus.Desc{descTrafficUp, descTrafficRate, descTrafficRatio}

// collectTraffic sends one vendor's traffic metrics, if it has a traffic
// source.
func collectTraffic(v correlate.VendorReport, gauge func(*prometheus.Desc, float64, ...string)) {
	t := v.Traffic
	if t == nil {
		return
	}
	up := t.Result == observe.ResultOK
	gauge(descTrafficUp, boolf(up), v.ID)
	if !up {
		return
	}
	gauge(descTrafficRate, t.Rate, v.ID)
	for _, c := range []struct {
		class string
		ratio float64
	}{
		{"auth", t.Errors.Auth}, {"throttled", t.Errors.Throttled}, {"vendor", t.Errors.Vendor},
		{"network", t.Errors.Network}, {"client", t.Errors.Client},
	} {
		gauge(descTrafficRatio, c.ratio, v.ID, c.class)
	}
}
