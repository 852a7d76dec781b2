package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/traffictest"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Issue 19's acceptance, tried as a new user would: a real Prometheus on
// loopback (Debian's package, started by the test) scrapes an exporter
// that plays our production traffic in OTel's HTTP client metrics, and
// vendorwatch --once --json, configured with traffic: prometheus: url:,
// watches OpenAI's fake (its page and GET /v1/models with a live key)
// beside it. Each scenario plays its own host, so the traffic of one does
// not leak into the next.
//
//	scenario                           engineer sees
//	401s rise, probe key works         traffic_auth_errors: US, a stale key somewhere
//	5xx rise, page operational         traffic_vendor_errors: THEM, unreported and partial
//	page incident, traffic clean       vendor_incident lowered to info, "not affecting us"
//	Prometheus stops                   traffic_source_down only; the other signals as they were
//
// The checks run on the real clock: Prometheus answers about now, not
// about the fixed mornings of the other timelines.
func TestTrafficAgainstRealPrometheus(t *testing.T) {
	exp := traffictest.NewExporter(nil)
	defer exp.Close()
	prom := traffictest.StartPrometheus(t, exp.Target())

	t.Run("our 401s rise while the probe key works: us", func(t *testing.T) {
		const host = "auth.api.openai.com"
		exp.Set(host, traffictest.Stable, traffictest.Rates{OK: 30, Auth: 10})
		waitForClass(t, prom, host, `http_response_status_code="401"`)
		tl, _ := trafficTimeline(t, prom, host)
		rep := checkUntilOpen(t, tl, correlate.KindTrafficAuthErrors)
		if rep.Verdict.Word != correlate.WordUs {
			t.Errorf("verdict %s %q, want US: our auth errors while our probe key works", rep.Verdict.Word, rep.Verdict.Title)
		}
		onlyKinds(t, rep, correlate.KindTrafficAuthErrors)
		tr := trafficOf(t, rep)
		if tr.Result != observe.ResultOK || tr.Series == 0 || tr.Rate <= 0 || tr.Errors.Auth < 0.2 || tr.Errors.Auth > 0.3 {
			t.Errorf("traffic = %s, %d series, %.2f/s, auth %.3f; want ok with about 25%% auth errors", tr.Result, tr.Series, tr.Rate, tr.Errors.Auth)
		}
	})

	t.Run("our 5xx rise while the page says operational: them, unreported", func(t *testing.T) {
		const host = "vendor.api.openai.com"
		// Older OTel instrumentation: the other spelling must count too.
		exp.Set(host, traffictest.Older, traffictest.Rates{OK: 28, Vendor: 12})
		waitForClass(t, prom, host, `http_status_code=~"5.."`)
		tl, _ := trafficTimeline(t, prom, host)
		rep := checkUntilOpen(t, tl, correlate.KindTrafficVendorErrors)
		if rep.Verdict.Word != correlate.WordThem {
			t.Errorf("verdict %s %q, want THEM: our 5xx while the page says operational", rep.Verdict.Word, rep.Verdict.Title)
		}
		onlyKinds(t, rep, correlate.KindTrafficVendorErrors)
		if tr := trafficOf(t, rep); tr.Errors.Vendor < 0.25 || tr.Errors.Vendor > 0.35 {
			t.Errorf("vendor error ratio %.3f, want about 0.3", tr.Errors.Vendor)
		}
	})

	t.Run("a page incident while our traffic is clean: not affecting us", func(t *testing.T) {
		const host = "clean.api.openai.com"
		exp.Set(host, traffictest.Stable, traffictest.Rates{OK: 40})
		waitForClass(t, prom, host, `http_response_status_code="200"`)
		tl, o := trafficTimeline(t, prom, host)
		embeddings := pageIncident{id: "01K0EMB", title: "Increased error rates", impact: "major", components: []string{"Embeddings"}, at: time.Now().Add(-10 * time.Minute)}
		o.set(func(o *fakeOpenAI) {
			o.page = openaiPage(t, "minor", "Partially Degraded Service", map[string]string{"Embeddings": "partial_outage"}, embeddings)
		})
		var rep correlate.Report
		var code int
		for range 3 {
			rep, code = tl.once()
		}
		f := finding(t, rep, correlate.KindVendorIncident)
		if f.Severity != correlate.SeverityInfo || !strings.Contains(f.Title+" "+f.Detail, "not affecting us") {
			t.Errorf("the incident while our traffic is clean: %s %q\n%s\nwant info, \"not affecting us\"", f.Severity, f.Title, f.Detail)
		}
		if code != 0 {
			t.Errorf("exit %d, want 0: an incident that does not touch our traffic pages nobody", code)
		}
		onlyKinds(t, rep, correlate.KindVendorIncident)
	})

	t.Run("Prometheus stops: only this signal is missing", func(t *testing.T) {
		// No hosts in the config: the default query looks for the host of
		// api.base_url, the fake's 127.0.0.1.
		exp.Set("127.0.0.1", traffictest.Stable, traffictest.Rates{OK: 20})
		waitForClass(t, prom, "127.0.0.1", `http_response_status_code="200"`)
		tl, _ := trafficTimeline(t, prom, "")
		rep, code := tl.once()
		if tr := trafficOf(t, rep); tr.Result != observe.ResultOK || tr.Series == 0 || tr.Rate <= 0 {
			t.Fatalf("before the stop: traffic %s (%s), %d series, %.2f/s; want the default query to find 127.0.0.1", tr.Result, tr.Error, tr.Series, tr.Rate)
		}
		if code != 0 || len(rep.Findings) != 0 {
			t.Fatalf("before the stop: exit %d, findings %v; want a calm OK", code, kinds(rep))
		}

		prom.Stop()
		for range 3 {
			rep, _ = tl.once()
		}
		onlyKinds(t, rep, correlate.KindTrafficSourceDown)
		f := finding(t, rep, correlate.KindTrafficSourceDown)
		if f.Severity != correlate.SeverityWarning {
			t.Errorf("traffic_source_down is %s, want warning", f.Severity)
		}
		v, _ := rep.Vendor("openai")
		if v.Status.State != "operational" || v.Traffic == nil || v.Traffic.Result == observe.ResultOK {
			t.Errorf("after the stop: page %s, traffic %+v; want the page read as before and the traffic signal missing", v.Status.State, v.Traffic)
		}
		for _, k := range v.Keys {
			if k.Result != observe.ResultOK {
				t.Errorf("key %s: %s after Prometheus stopped; the key probe must not care", k.Name, k.Result)
			}
		}
	})
}

// trafficTimeline starts OpenAI's fake (its page operational, key prod
// live) and a timeline
// whose config watches it with our traffic from prom: to host (hosts:
// [host]), or, with host "", the default host, api.base_url's. The checks
// run on the real clock.
func trafficTimeline(t *testing.T, prom *traffictest.Prometheus, host string) (*timeline, *fakeOpenAI) {
	t.Helper()
	o := newFakeOpenAI(t, nil, prodKey)
	t.Setenv("VW_OPENAI_PROD", prodKey)
	hosts := ""
	if host != "" {
		hosts = fmt.Sprintf("    traffic: {hosts: [%s]}\n", host)
	}
	cfg := writeConfig(t, fmt.Sprintf(`timeout: 5s
traffic:
  prometheus: {url: %[1]s}
  window: 1m
vendors:
  - id: openai
    status: [{url: %[2]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
%[3]s    keys:
      - {name: prod, secret: "env:VW_OPENAI_PROD"}
`, prom.URL, o.URL, hosts))
	tl := newTimeline(t, cfg, map[string]string{"prod": prodKey})
	tweakApp = func(o *app.Options) { o.RetryWait = time.Millisecond } // the real clock
	return tl, o
}

// once runs one --once --json check now and returns its report and exit
// code.
func (tl *timeline) once() (correlate.Report, int) {
	tl.t.Helper()
	stdout, stderr, code := tl.run(time.Now(), "--config", tl.cfg, "--once", "--json")
	var rep correlate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		tl.t.Fatalf("exit %d, stdout is not a report: %v\n%s\n%s", code, err, stdout, stderr)
	}
	return rep, code
}

// checkUntilOpen runs checks until a finding of kind is open (a finding
// may confirm on its second check), at most three, and returns the report
// that has it open.
func checkUntilOpen(t *testing.T, tl *timeline, kind correlate.Kind) correlate.Report {
	t.Helper()
	var rep correlate.Report
	for range 3 {
		rep, _ = tl.once()
		for _, f := range rep.Findings {
			if f.Kind == kind && f.Counts() {
				return rep
			}
		}
	}
	t.Fatalf("no open %s after three checks; findings %v, verdict %s %q", kind, kinds(rep), rep.Verdict.Word, rep.Verdict.Title)
	return rep
}

// onlyKinds fails unless the report's findings are exactly of the kinds
// given: the traffic signal adds its finding and takes nothing else away.
func onlyKinds(t *testing.T, rep correlate.Report, want ...correlate.Kind) {
	t.Helper()
	got := kinds(rep)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
}

func kinds(rep correlate.Report) []correlate.Kind {
	var out []correlate.Kind
	for _, f := range rep.Findings {
		out = append(out, f.Kind)
	}
	return out
}

// trafficOf is OpenAI's traffic signal in a report.
func trafficOf(t *testing.T, rep correlate.Report) observe.Traffic {
	t.Helper()
	v, ok := rep.Vendor("openai")
	if !ok || v.Traffic == nil {
		t.Fatalf("the report has no traffic signal for openai: %+v", v)
	}
	return *v.Traffic
}

// waitForClass waits until Prometheus has scraped traffic to host in the
// class the matcher picks (either spelling), so the check that follows
// sees it.
func waitForClass(t *testing.T, prom *traffictest.Prometheus, host, matcher string) {
	t.Helper()
	prom.WaitForSeries(fmt.Sprintf(`sum(rate(%s_count{server_address=%q,%s}[1m])) > 0 or sum(rate(%s_count{net_peer_name=%q,%s}[1m])) > 0`,
		traffictest.StableMetric, host, matcher, traffictest.OlderMetric, host, matcher))
}
