package history

import (
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// TestTrafficSourceEvents: the timeline says when our traffic to a
// vendor stops being readable and when it can be read again, once per
// outage, and nothing while it reads fine or is not configured.
func TestTrafficSourceEvents(t *testing.T) {
	read := func(hhmm string, r observe.Result, msg string) observe.VendorResult {
		v := vendorResult("openai", "OpenAI", observe.Operational)
		v.Traffic = &observe.Traffic{Result: r, Error: msg, CheckedAt: at(hhmm), Rate: 12}
		return v
	}
	steps := []observe.VendorResult{
		read("09:00", observe.ResultOK, ""),
		read("09:01", observe.ResultOK, ""),
		read("09:02", observe.ResultNetworkError, "Prometheus at http://127.0.0.1:9090 cannot be reached: connection refused\x1b[2J"),
		read("09:03", observe.ResultTimeout, "Prometheus at http://127.0.0.1:9090 did not answer in time"),
		vendorResult("openai", "OpenAI", observe.Operational), // no traffic this round
		read("09:05", observe.ResultOK, ""),
	}
	var b baseline
	var got []string
	for i, v := range steps {
		var evs []correlate.Event
		evs, b = changes(b, correlate.Report{GeneratedAt: at("09:00").Add(timeLapse(i)), Vendors: []correlate.VendorReport{{VendorResult: v}}})
		for _, e := range evs {
			if e.Kind == correlate.EventTrafficSource {
				got = append(got, e.At.Format("15:04")+" "+e.Text)
			}
		}
	}
	want := []string{
		"09:02 Our traffic (Prometheus) cannot be read: network_error (Prometheus at http://127.0.0.1:9090 cannot be reached: connection refused)",
		"09:05 Our traffic (Prometheus) can be read again: timeout → ok",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A source that fails from its first read says so at once.
	evs, _ := changes(baseline{}, correlate.Report{GeneratedAt: at("10:00"), Vendors: []correlate.VendorReport{{VendorResult: read("10:00", observe.ResultMisconfigured, "refused the query")}}})
	if len(evs) != 1 || evs[0].Kind != correlate.EventTrafficSource {
		t.Errorf("first failing read: %v", lines(evs))
	}
}

func timeLapse(i int) time.Duration { return time.Duration(i) * time.Minute }
