package serve

import (
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/notify"
)

// scrape returns the parsed exposition of a server.
func scrape(t *testing.T, s *Server) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	return scrapeWith(t, s, "")
}

// scrapeWith is scrape with a bearer token.
func scrapeWith(t *testing.T, s *Server, token string) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	resp, body := get(t, s.Handler(), "/metrics", token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("exposition does not parse: %v\n%s", err, body)
	}
	return fams, body
}

// value finds the value of a sample with exactly these labels (among
// others), or reports false.
func value(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		}
	}
	return 0, false
}

func TestMetricsExposition(t *testing.T) {
	rep := storyReport(t)
	oldest := at("12:40")
	s := New(Options{Version: "v1.2.3", NotifyStats: func() []notify.Stat {
		return []notify.Stat{
			{Name: "slack-1", Sent: 2, Suppressed: 1, Failed: 3, Expired: 1, Pending: 2, Failing: 1, Oldest: oldest},
			{Name: "pager", Standby: true},
		}
	}})
	s.Update(monitor.Update{Report: rep})
	s.Update(monitor.Update{Report: rep, Err: history.ErrLocked})
	fams, body := scrape(t, s)

	// Every vendorwatch family has its TYPE line and the expected type.
	types := map[string]dto.MetricType{
		"vendorwatch_build_info": dto.MetricType_GAUGE, "vendorwatch_checks_total": dto.MetricType_COUNTER,
		"vendorwatch_history_errors_total": dto.MetricType_COUNTER, "vendorwatch_last_check_timestamp_seconds": dto.MetricType_GAUGE,
		"vendorwatch_notifications_total": dto.MetricType_COUNTER, "vendorwatch_overall_level": dto.MetricType_GAUGE,
		"vendorwatch_vendor_info": dto.MetricType_GAUGE, "vendorwatch_vendor_level": dto.MetricType_GAUGE,
		"vendorwatch_vendor_state": dto.MetricType_GAUGE, "vendorwatch_component_state": dto.MetricType_GAUGE,
		"vendorwatch_incidents_open": dto.MetricType_GAUGE, "vendorwatch_status_source_up": dto.MetricType_GAUGE,
		"vendorwatch_status_source_duration_seconds": dto.MetricType_GAUGE, "vendorwatch_vendor_reachable": dto.MetricType_GAUGE,
		"vendorwatch_key_ok": dto.MetricType_GAUGE, "vendorwatch_key_result": dto.MetricType_GAUGE,
		"vendorwatch_probe_duration_seconds": dto.MetricType_GAUGE, "vendorwatch_finding": dto.MetricType_GAUGE,
		"vendorwatch_checks_in_flight": dto.MetricType_GAUGE, "vendorwatch_notifications_pending": dto.MetricType_GAUGE,
		"vendorwatch_notifications_failing": dto.MetricType_GAUGE, "vendorwatch_notifications_oldest_pending_timestamp_seconds": dto.MetricType_GAUGE,
		"vendorwatch_notifications_active": dto.MetricType_GAUGE, "vendorwatch_verdict": dto.MetricType_GAUGE,
		"vendorwatch_findings_confirming": dto.MetricType_GAUGE, "vendorwatch_http_rejected_total": dto.MetricType_COUNTER,
		"vendorwatch_history_up": dto.MetricType_GAUGE,
	}
	for name, typ := range types {
		f, ok := fams[name]
		if !ok {
			t.Errorf("no family %s", name)
			continue
		}
		if f.GetType() != typ || !strings.Contains(body, "# TYPE "+name+" ") || f.GetHelp() == "" {
			t.Errorf("%s: type %v, help %q", name, f.GetType(), f.GetHelp())
		}
	}
	for name := range fams {
		if strings.HasPrefix(name, "vendorwatch_") {
			if _, ok := types[name]; !ok {
				t.Errorf("family %s is not covered by this test", name)
			}
		}
	}

	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"vendorwatch_build_info", map[string]string{"version": "v1.2.3"}, 1},
		{"vendorwatch_history_errors_total", nil, 1},
		{"vendorwatch_history_up", nil, 0},
		{"vendorwatch_notifications_total", map[string]string{"notifier": "slack-1", "result": "sent"}, 2},
		{"vendorwatch_notifications_total", map[string]string{"notifier": "slack-1", "result": "failed"}, 3},
		{"vendorwatch_notifications_total", map[string]string{"notifier": "slack-1", "result": "expired"}, 1},
		{"vendorwatch_notifications_total", map[string]string{"notifier": "slack-1", "result": "deferred"}, 0},
		{"vendorwatch_notifications_pending", map[string]string{"notifier": "slack-1"}, 2},
		{"vendorwatch_notifications_failing", map[string]string{"notifier": "slack-1"}, 1},
		{"vendorwatch_notifications_oldest_pending_timestamp_seconds", map[string]string{"notifier": "slack-1"}, float64(oldest.Unix())},
		{"vendorwatch_notifications_active", map[string]string{"notifier": "slack-1"}, 1},
		{"vendorwatch_notifications_active", map[string]string{"notifier": "pager"}, 0},
		{"vendorwatch_notifications_pending", map[string]string{"notifier": "pager"}, 0},
		{"vendorwatch_last_check_timestamp_seconds", nil, float64(at("12:46").Unix())},
		{"vendorwatch_overall_level", nil, 2},
		{"vendorwatch_vendor_info", map[string]string{"vendor": "vapi", "name": "VAPI"}, 1},
		{"vendorwatch_vendor_level", map[string]string{"vendor": "openai"}, 2},
		{"vendorwatch_vendor_level", map[string]string{"vendor": "vapi"}, 1},
		{"vendorwatch_vendor_state", map[string]string{"vendor": "openai", "state": "operational"}, 1},
		{"vendorwatch_vendor_state", map[string]string{"vendor": "openai", "state": "major_outage"}, 0},
		{"vendorwatch_component_state", map[string]string{"vendor": "openai", "component": "ChatGPT", "state": "degraded"}, 1},
		{"vendorwatch_component_state", map[string]string{"vendor": "openai", "group": "API", "component": "Fine-tuning", "state": "operational"}, 1},
		{"vendorwatch_status_source_up", map[string]string{"vendor": "vapi", "url": "https://status.vapi.ai/index.json"}, 1},
		{"vendorwatch_status_source_duration_seconds", map[string]string{"vendor": "vapi"}, 2.4},
		{"vendorwatch_vendor_reachable", map[string]string{"vendor": "vapi"}, 0},
		{"vendorwatch_vendor_reachable", map[string]string{"vendor": "openai"}, 1},
		{"vendorwatch_key_ok", map[string]string{"vendor": "openai", "key": "prod"}, 0},
		{"vendorwatch_key_ok", map[string]string{"vendor": "openai", "key": "canary-1"}, 1},
		{"vendorwatch_key_result", map[string]string{"vendor": "openai", "key": "prod", "result": "invalid_key"}, 1},
		{"vendorwatch_key_result", map[string]string{"vendor": "openai", "key": "prod", "result": "ok"}, 0},
		{"vendorwatch_probe_duration_seconds", map[string]string{"vendor": "openai", "probe": "key", "key": "prod"}, 0.23},
		{"vendorwatch_probe_duration_seconds", map[string]string{"vendor": "openai", "probe": "reach", "key": ""}, 0.09},
		{"vendorwatch_finding", map[string]string{"kind": "key_leak_suspected", "vendor": "openai", "severity": "critical"}, 1},
		{"vendorwatch_finding", map[string]string{"kind": "vendor_outage_unreported", "vendor": "vapi", "severity": "warning"}, 1},
		{"vendorwatch_verdict", map[string]string{"word": "KEY"}, 1},
		{"vendorwatch_verdict", map[string]string{"word": "THEM"}, 0},
		{"vendorwatch_verdict", map[string]string{"word": "OK"}, 0},
		{"vendorwatch_findings_confirming", nil, 0},
		{"vendorwatch_http_rejected_total", map[string]string{"path": "/metrics"}, 0},
	}
	for _, c := range checks {
		got, ok := value(fams, c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if _, ok := value(fams, "vendorwatch_notifications_oldest_pending_timestamp_seconds", map[string]string{"notifier": "pager"}); ok {
		t.Error("a notifier with nothing waiting has an oldest pending notification")
	}

	// A state set has exactly one 1 per vendor, and the page's duplicate
	// component is exported once.
	ones := map[string]float64{}
	for _, m := range fams["vendorwatch_vendor_state"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "vendor" {
				ones[l.GetValue()] += m.GetGauge().GetValue()
			}
		}
	}
	if ones["openai"] != 1 || ones["vapi"] != 1 {
		t.Errorf("vendor_state sums = %v, want one 1 per vendor", ones)
	}
	if n := len(fams["vendorwatch_component_state"].GetMetric()); n != 3*6 {
		t.Errorf("component_state has %d series, want 3 components × 6 states", n)
	}
	if strings.Contains(body, fakeKey[8:20]) || strings.Contains(body, "sk-proj-…MxYA") {
		t.Errorf("the exposition shows a key or a fingerprint")
	}
	// Incident titles and messages are not labels.
	if strings.Contains(body, "Incorrect API key") {
		t.Errorf("a vendor message became a label")
	}
}

// The exposition stays valid whatever remote text says: escapes, quotes,
// newlines and broken UTF-8 in component names are cleaned or escaped.
func TestMetricsHostileLabels(t *testing.T) {
	snap := story("12:46")
	snap.Vendors[0].Status.Components = append(snap.Vendors[0].Status.Components,
		storyComponent("Evil \"quoted\"\n\x1b[31mred\x1b[0m \xff name"),
		storyComponent(strings.Repeat("long ", 100)))
	rep, _ := correlate.Assess(snap, correlate.Memory{})
	s := New(Options{})
	s.Update(monitor.Update{Report: rep})
	fams, body := scrape(t, s)
	if _, ok := value(fams, "vendorwatch_component_state", map[string]string{"component": `Evil "quoted" red name`, "state": "operational"}); !ok {
		t.Errorf("cleaned component missing:\n%s", body)
	}
	if strings.Contains(body, "\x1b") {
		t.Error("an escape sequence reached the exposition")
	}
}

// What is still confirming is counted apart, never as an open finding:
// an alert on vendorwatch_finding fires only for what the level counts.
func TestMetricsLeaveConfirmingFindingsOut(t *testing.T) {
	rep, _ := correlate.Assess(story("12:45"), correlate.Memory{})
	pending := 0
	for _, f := range rep.Findings {
		if f.State == correlate.StatePending {
			pending++
		}
	}
	if pending == 0 {
		t.Fatal("the story's first check has nothing confirming")
	}
	s := New(Options{Version: "v1"})
	s.Update(monitor.Update{Report: rep})
	fams, _ := scrape(t, s)
	if got, _ := value(fams, "vendorwatch_findings_confirming", nil); got != float64(pending) {
		t.Errorf("findings_confirming = %v, want %d", got, pending)
	}
	for _, m := range fams["vendorwatch_finding"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "kind" && l.GetValue() == string(correlate.KindVendorOutageUnreported) {
				t.Errorf("a confirming finding is exported as open: %v", m)
			}
		}
	}
}
