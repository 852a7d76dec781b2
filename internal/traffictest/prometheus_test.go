package traffictest

import (
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// classes are the error classes of the traffic signal and the PromQL
// matchers that pick each out of the two OTel spellings: the stable one
// (status in http_response_status_code, error_type set on failures) and
// the older one (status in http_status_code only).
var classes = []struct {
	name          string
	stable, older string
}{
	{name: "auth", stable: `http_response_status_code=~"401|403"`, older: `http_status_code=~"401|403"`},
	{name: "throttled", stable: `http_response_status_code="429"`, older: `http_status_code="429"`},
	{name: "vendor", stable: `http_response_status_code=~"5.."`, older: `http_status_code=~"5.."`},
	{name: "network", stable: `http_response_status_code="",error_type!=""`, older: `http_status_code=""`},
	{name: "client", stable: `http_response_status_code=~"4..",http_response_status_code!~"401|403|429"`, older: `http_status_code=~"4..",http_status_code!~"401|403|429"`},
}

// ratioQuery is the share of our requests to host that fell in a class
// (matchers for each spelling), over both spellings: the shape of query the
// traffic source runs.
func ratioQuery(host, stable, older string) string {
	sum := func(stable, older string) string {
		return fmt.Sprintf(`(sum(rate(%s_count{server_address=%q%s}[1m])) or vector(0)) + (sum(rate(%s_count{net_peer_name=%q%s}[1m])) or vector(0))`,
			StableMetric, host, stable, OlderMetric, host, older)
	}
	comma := func(m string) string {
		if m == "" {
			return ""
		}
		return "," + m
	}
	return fmt.Sprintf("(%s) / (%s)", sum(comma(stable), comma(older)), sum("", ""))
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// The real prometheus scrapes the exporter, and PromQL over what it
// stored gives back the rates and the error ratios by class that the
// exporter played, in both spellings.
func TestPrometheusScrapesExporter(t *testing.T) {
	e := NewExporter(nil)
	defer e.Close()
	e.Set("api.openai.com", Stable, Rates{OK: 60, Auth: 15, Forbidden: 5, Throttled: 5, Vendor: 10, Client: 3, Network: 2})
	e.Set("api.vapi.ai", Older, Rates{OK: 30, Vendor: 6, Network: 4})
	p := StartPrometheus(t, e.Target())

	p.WaitForSeries(`up{job="traffictest"} == 1`)
	for host, want := range map[string]map[string]float64{
		"api.openai.com": {"auth": 0.2, "throttled": 0.05, "vendor": 0.1, "network": 0.02, "client": 0.03},
		"api.vapi.ai":    {"auth": 0, "throttled": 0, "vendor": 0.15, "network": 0.1, "client": 0},
	} {
		for _, c := range classes {
			q := ratioQuery(host, c.stable, c.older)
			got := p.WaitFor(q, func(s []Sample) bool { return len(s) == 1 && near(s[0].Value, want[c.name], 0.01) })
			t.Logf("%s %s: %.3f", host, c.name, got[0].Value)
		}
	}

	// The request rate itself: 100/s to OpenAI. rate() divides by the
	// whole window however little of it holds samples, so a window longer
	// than the test's few seconds of scrapes would read low; ratios, as
	// above, do not care.
	total := fmt.Sprintf(`sum(rate(%s_count{server_address="api.openai.com"}[5s]))`, StableMetric)
	p.WaitFor(total, func(s []Sample) bool { return len(s) == 1 && near(s[0].Value, 100, 20) })

	// A scripted change shows: the 401s stop and 5xx take their place.
	e.Set("api.openai.com", Stable, Rates{OK: 60, Vendor: 40})
	p.WaitFor(fmt.Sprintf(`sum(rate(%s_count{server_address="api.openai.com",http_response_status_code=~"5.."}[3s]))`, StableMetric),
		func(s []Sample) bool { return len(s) == 1 && near(s[0].Value, 40, 8) })

	// Stopped, the server answers nothing: what the traffic source must
	// survive.
	p.Stop()
	if _, err := p.query("up"); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("query after Stop: %v, want connection refused", err)
	}
}

func TestScrapeConfigListsTargets(t *testing.T) {
	got := string(prometheusConfig(PrometheusConfig{Targets: []string{"127.0.0.1:1234", "127.0.0.1:5678"}}))
	for _, want := range []string{"scrape_interval: 1s", `targets: ["127.0.0.1:1234","127.0.0.1:5678"]`, `job_name: "traffictest"`} {
		if !strings.Contains(got, want) {
			t.Errorf("scrape config lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "rule_files") || strings.Contains(got, "alerting") {
		t.Errorf("a plain scrape config has rules or an Alertmanager:\n%s", got)
	}
	got = string(prometheusConfig(PrometheusConfig{Job: "vendorwatch", Targets: []string{"127.0.0.1:1"}, RuleFiles: []string{"/x/alerts.yml"}, Alertmanager: "127.0.0.1:9093"}))
	for _, want := range []string{`job_name: "vendorwatch"`, `rule_files: ["/x/alerts.yml"]`, `targets: ["127.0.0.1:9093"]`, "evaluation_interval: 1s"} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
}

// fakeTB records how a helper ended a test: skipped or failed, and why.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls fn with f as its test, as the testing package would: in a
// goroutine that Skip and Fatalf end.
func (f *fakeTB) run(fn func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
}

// Without the binary a test skips and says how to get it; when .ci/run
// requires it, the test fails instead.
func TestBinaryMissing(t *testing.T) {
	old := binary
	binary = filepath.Join(t.TempDir(), "prometheus")
	t.Cleanup(func() { binary = old })
	t.Setenv("PATH", t.TempDir())

	t.Setenv(RequireEnv, "")
	skipped := &fakeTB{TB: t}
	skipped.run(func(tb testing.TB) { Binary(tb) })
	if !strings.Contains(skipped.skipped, "apt-get install prometheus") || skipped.failed != "" {
		t.Errorf("without the binary: skipped %q, failed %q; want a skip that says how to install it", skipped.skipped, skipped.failed)
	}

	t.Setenv(RequireEnv, "1")
	failed := &fakeTB{TB: t}
	failed.run(func(tb testing.TB) { Binary(tb) })
	if !strings.Contains(failed.failed, RequireEnv+"=1 requires it") || failed.skipped != "" {
		t.Errorf("required and missing: failed %q, skipped %q; want a failure naming %s", failed.failed, failed.skipped, RequireEnv)
	}
}
