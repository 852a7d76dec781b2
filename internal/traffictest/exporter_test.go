package traffictest

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// clock is a settable clock for the exporter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// series is one histogram series the exporter emitted: its labels (empty
// ones left out, as Prometheus leaves them out), its count and its sum.
type series struct {
	labels string
	count  uint64
	sum    float64
}

// gather reads a metric family from the exporter's registry, keyed by its
// non-empty labels in name order ("http_response_status_code=401,...").
func gather(t *testing.T, e *Exporter, name string) map[string]series {
	t.Helper()
	fams, err := e.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]series{}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		if f.GetType() != dto.MetricType_HISTOGRAM {
			t.Fatalf("%s is a %s, want a histogram", name, f.GetType())
		}
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				if l.GetValue() != "" {
					labels = append(labels, l.GetName()+"="+l.GetValue())
				}
			}
			key := labelKey(labels...)
			out[key] = series{key, m.GetHistogram().GetSampleCount(), m.GetHistogram().GetSampleSum()}
		}
	}
	return out
}

// labelKey is a set of name=value labels as gather keys it: in name order.
func labelKey(labels ...string) string {
	var all []string
	for _, l := range labels {
		all = append(all, strings.Split(l, ",")...)
	}
	slices.Sort(all)
	return strings.Join(slices.DeleteFunc(all, func(s string) bool { return s == "" }), ",")
}

func TestExporterCountsScriptedRates(t *testing.T) {
	c := &clock{t: time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)}
	e := NewExporter(c.now)
	defer e.Close()
	e.Set("api.openai.com", Stable, Rates{OK: 10, Auth: 2.5, Forbidden: 1, Throttled: 0.25, Vendor: 3, Client: 0.5, Network: 0.1})
	e.Set("api.vapi.ai", Older, Rates{OK: 4, Vendor: 1, Network: 0.5})
	c.add(10 * time.Second)
	e.Advance()

	const openai = "http_request_method=POST,server_address=api.openai.com,server_port=443,"
	stable := gather(t, e, StableMetric)
	for labels, want := range map[string]uint64{
		openai + "http_response_status_code=200":                100,
		openai + "http_response_status_code=401,error_type=401": 25,
		openai + "http_response_status_code=403,error_type=403": 10,
		openai + "http_response_status_code=429,error_type=429": 2, // 2.5: the half waits for the next count
		openai + "http_response_status_code=500,error_type=500": 30,
		openai + "http_response_status_code=400,error_type=400": 5,
		openai + "error_type=timeout":                           1, // no status: the request got no answer
	} {
		if got := stable[labelKey(labels)].count; got != want {
			t.Errorf("%s{%s} count = %d, want %d", StableMetric, labels, got, want)
		}
	}
	if len(stable) != 7 {
		t.Errorf("%s has %d series, want 7 (VAPI's traffic is in the older spelling): %v", StableMetric, len(stable), stable)
	}
	if s := stable[labelKey(openai, "http_response_status_code=200")]; s.sum < 34.9 || s.sum > 35.1 {
		t.Errorf("200s took %.2fs in all, want 35 (0.35s each, in seconds)", s.sum)
	}

	const vapi = "http_method=POST,net_peer_name=api.vapi.ai,net_peer_port=443"
	older := gather(t, e, OlderMetric)
	for labels, want := range map[string]uint64{
		vapi + ",http_status_code=200": 40,
		vapi + ",http_status_code=500": 10,
		vapi:                           5,
	} {
		if got := older[labelKey(labels)].count; got != want {
			t.Errorf("%s{%s} count = %d, want %d", OlderMetric, labels, got, want)
		}
	}
	if s := older[labelKey(vapi, "http_status_code=200")]; s.sum < 13999 || s.sum > 14001 {
		t.Errorf("older 200s took %.0fms in all, want 14000 (350ms each, in milliseconds)", s.sum)
	}

	// New rates count from when they were set; the old ones up to then.
	c.add(2 * time.Second)
	e.Set("api.openai.com", Stable, Rates{OK: 10, Throttled: 50})
	c.add(time.Second)
	e.Advance()
	stable = gather(t, e, StableMetric)
	if got := stable[labelKey(openai, "http_response_status_code=429,error_type=429")].count; got != 53 {
		t.Errorf("429 count = %d, want 53 (2.5 + 0.5 at the old rate, 50 at the new)", got)
	}
	if got := stable[labelKey(openai, "http_response_status_code=401,error_type=401")].count; got != 30 {
		t.Errorf("401 count = %d, want 30 (none after the rates changed)", got)
	}
}

func TestExporterServesMetricsOnScrape(t *testing.T) {
	c := &clock{t: time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)}
	e := NewExporter(c.now)
	defer e.Close()
	e.Set("api.openai.com", Stable, Rates{Auth: 3})
	c.add(2 * time.Second)
	resp, err := http.Get(e.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	want := `http_client_request_duration_seconds_count{error_type="401",http_request_method="POST",http_response_status_code="401",server_address="api.openai.com",server_port="443"} 6`
	if !strings.Contains(string(b), want) {
		t.Errorf("a scrape does not count the requests since the rates were set; want\n%s\nin:\n%s", want, b)
	}
}
