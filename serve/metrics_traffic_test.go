package serve

import (
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/observe"
)

// TestMetricsTraffic checks the traffic families: the rate and the error
// ratio by class of a vendor whose queries answered, only traffic_up 0
// for one whose Prometheus timed out, and nothing for a vendor without a
// traffic source.
func TestMetricsTraffic(t *testing.T) {
	rep := storyReport(t)
	for i := range rep.Vendors {
		switch rep.Vendors[i].ID {
		case "openai":
			rep.Vendors[i].Traffic = &observe.Traffic{Result: observe.ResultOK, Window: 5 * time.Minute, Series: 3, Rate: 11.5,
				Errors: observe.TrafficErrors{Auth: 0.31, Throttled: 0.01}}
		case "vapi":
			rep.Vendors[i].Traffic = &observe.Traffic{Result: observe.ResultTimeout, Error: "Prometheus did not answer within 5s"}
		}
	}
	s := New(Options{})
	s.Update(monitor.Update{Report: rep})
	fams, body := scrape(t, s)
	for _, name := range []string{"vendorwatch_traffic_up", "vendorwatch_traffic_requests_per_second", "vendorwatch_traffic_error_ratio"} {
		if f, ok := fams[name]; !ok || f.GetType() != dto.MetricType_GAUGE || f.GetHelp() == "" {
			t.Errorf("family %s missing or not a documented gauge", name)
		}
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"vendorwatch_traffic_up", map[string]string{"vendor": "openai"}, 1},
		{"vendorwatch_traffic_up", map[string]string{"vendor": "vapi"}, 0},
		{"vendorwatch_traffic_requests_per_second", map[string]string{"vendor": "openai"}, 11.5},
		{"vendorwatch_traffic_error_ratio", map[string]string{"vendor": "openai", "class": "auth"}, 0.31},
		{"vendorwatch_traffic_error_ratio", map[string]string{"vendor": "openai", "class": "throttled"}, 0.01},
		{"vendorwatch_traffic_error_ratio", map[string]string{"vendor": "openai", "class": "vendor"}, 0},
	} {
		if got, ok := value(fams, c.name, c.labels); !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if _, ok := value(fams, "vendorwatch_traffic_requests_per_second", map[string]string{"vendor": "vapi"}); ok {
		t.Error("a vendor whose traffic queries timed out exports a request rate")
	}
	if n := len(fams["vendorwatch_traffic_error_ratio"].GetMetric()); n != 5 {
		t.Errorf("traffic_error_ratio has %d series, want the 5 classes of one vendor", n)
	}
	if strings.Contains(body, "did not answer") {
		t.Error("a traffic error message became a label")
	}

	// Without any traffic source the families are absent.
	plain := New(Options{})
	plain.Update(monitor.Update{Report: storyReport(t)})
	if fams, _ := scrape(t, plain); fams["vendorwatch_traffic_up"] != nil {
		t.Error("traffic_up is exported though no vendor has a traffic source")
	}
}
