package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/internal/traffictest"
)

// The Alertmanager path of docs/ha.md, tested with the real Prometheus and
// Alertmanager (Debian's prometheus and prometheus-alertmanager packages;
// .ci/run installs both and requires them, elsewhere these tests skip).

// The shipped rules and Alertmanager config pass the tools' own checks,
// and the rules' unit tests (docs/alerts_test.yml: the network_local
// quorum, the all-replicas-down rule, one alert per vendor across
// replicas) pass under promtool.
func TestAlertingDocsPassTheTools(t *testing.T) {
	promtool := traffictest.Tool(t, "prometheus", "promtool", "/usr/bin/promtool")
	amtool := traffictest.Tool(t, "prometheus-alertmanager", "amtool", "/usr/bin/amtool")
	for _, args := range [][]string{
		{promtool, "check", "rules", "alerts.yml"},
		{promtool, "test", "rules", "alerts_test.yml"},
		{promtool, "check", "config", "--syntax-only", "prometheus.yml"}, // its token file is the server's
		{amtool, "check-config", "alertmanager.yml"},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = "docs"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", strings.Join(args[1:], " "), err, out)
		}
	}
}

// alertmanagerConfig is docs/alertmanager.yml with its receivers pointed
// at rcv and its group_wait cut to a second, so a test sees the page in
// seconds. Everything else (routes, grouping, inhibitions) is as shipped.
func alertmanagerConfig(t *testing.T, rcv *traffictest.Receiver) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("docs", "alertmanager.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for old, repl := range map[string]string{"http://127.0.0.1:9099/": rcv.URL + "/", "group_wait: 30s": "group_wait: 1s"} {
		if !bytes.Contains(data, []byte(old)) {
			t.Fatalf("docs/alertmanager.yml no longer has %q; update the test", old)
		}
		data = bytes.ReplaceAll(data, []byte(old), []byte(repl))
	}
	return data
}

// postAlerts sends alerts to Alertmanager's API as Prometheus would.
func postAlerts(t *testing.T, am *traffictest.Alertmanager, body string) {
	t.Helper()
	resp, err := http.Post(am.URL+"/api/v2/alerts", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("posting alerts: HTTP %d\n%s", resp.StatusCode, am.Log())
	}
}

// waitUntil polls cond every 50 ms for up to a minute: a wait for the
// real servers, never a measurement.
func waitUntil(t *testing.T, what string, cond func() bool, log func() string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a minute\n%s", what, log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The inhibition example: while vendorwatch says VAPI is down ("it is
// them"), the team's own error-rate alert for VAPI is muted, and the same
// alert for OpenAI still pages.
func TestAlertmanagerInhibitsTheTeamsAlertDuringAVendorOutage(t *testing.T) {
	rcv := traffictest.NewReceiver(t)
	am := traffictest.StartAlertmanager(t, alertmanagerConfig(t, rcv))
	postAlerts(t, am, `[
  {"labels": {"alertname": "VendorwatchVendorOutage", "vendor": "vapi", "severity": "critical"}},
  {"labels": {"alertname": "HighVendorErrorRate", "vendor": "vapi", "severity": "critical"}},
  {"labels": {"alertname": "HighVendorErrorRate", "vendor": "openai", "severity": "critical"}}
]`)
	state := func(name, vendor string) (string, []string) {
		alerts, err := am.Alerts()
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range alerts {
			if a.Labels["alertname"] == name && a.Labels["vendor"] == vendor {
				return a.Status.State, a.Status.InhibitedBy
			}
		}
		return "", nil
	}
	waitUntil(t, "the alerts processed", func() bool {
		s1, _ := state("HighVendorErrorRate", "vapi")
		s2, _ := state("HighVendorErrorRate", "openai")
		return s1 != "" && s1 != "unprocessed" && s2 != "" && s2 != "unprocessed"
	}, am.Log)
	if s, by := state("HighVendorErrorRate", "vapi"); s != "suppressed" || len(by) != 1 {
		t.Errorf("the team's VAPI error-rate alert is %s (inhibited by %v), want suppressed by vendorwatch's outage", s, by)
	}
	if s, by := state("HighVendorErrorRate", "openai"); s != "active" || len(by) != 0 {
		t.Errorf("the team's OpenAI error-rate alert is %s (inhibited by %v), want active: OpenAI has no outage", s, by)
	}
	paged := func(name, vendor string) bool {
		for _, n := range rcv.Notifications() {
			for _, a := range n.Alerts {
				if a.Labels["alertname"] == name && a.Labels["vendor"] == vendor {
					return true
				}
			}
		}
		return false
	}
	waitUntil(t, "the pages for VAPI's outage and OpenAI's errors", func() bool {
		return paged("VendorwatchVendorOutage", "vapi") && paged("HighVendorErrorRate", "openai")
	}, am.Log)
	if paged("HighVendorErrorRate", "vapi") {
		t.Errorf("the inhibited VAPI error-rate alert paged: %+v", rcv.Notifications())
	}
}

// quorumFor is the for: a rule comparing against the count of scraped
// replicas (up) gets in the tests. Each replica's first scrape comes at its
// own moment, seconds apart on a busy machine; until both are in, one
// replica alone is "most replicas" (the 1m in the file is what stops that
// in production).
const quorumFor = 5 * time.Second

// rulesForTest is docs/alerts.yml with every for: cut to zero, so the
// alerts fire on the first evaluation, except for the rules whose answer
// depends on which replicas were scraped yet: the quorum rule waits
// quorumFor, and the all-replicas-down rule (absent() fires from
// Prometheus' first evaluation until its first scrape) keeps its for: as
// shipped. The expressions are as shipped.
func rulesForTest(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("docs", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	expr := ""
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		switch {
		case strings.HasPrefix(trimmed, "expr:"):
			expr = trimmed
			// A folded expression continues on the lines below.
			for _, next := range lines[i+1:] {
				if next = strings.TrimSpace(next); next == "" || strings.HasSuffix(next, ":") || strings.HasPrefix(next, "for:") {
					break
				}
				expr += " " + next
			}
		case strings.HasPrefix(trimmed, "for:"):
			switch {
			case strings.Contains(expr, "absent("):
			case strings.Contains(expr, "up{"):
				lines[i] = indent + "for: " + quorumFor.String()
			default:
				lines[i] = indent + "for: 0s"
			}
		}
	}
	data = []byte(strings.Join(lines, "\n"))
	path := filepath.Join(t.TempDir(), "alerts.yml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The HA recipe end to end: two serve replicas with --notify=false both
// see VAPI's outage; the real Prometheus scrapes both and evaluates
// docs/alerts.yml; the real Alertmanager, configured as
// docs/alertmanager.yml, pages exactly once, and neither replica calls the
// webhook of its own config.
func TestTwoReplicasPageOnceThroughAlertmanager(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Prometheus, Alertmanager and two serve replicas")
	}
	traffictest.Binary(t)
	rcv := traffictest.NewReceiver(t)
	am := traffictest.StartAlertmanager(t, alertmanagerConfig(t, rcv))

	vapi := vapiDown(t)
	github := vendorsite(t, map[string]string{"/api/v2/summary.json": "github__statuspage_status_none.json"})
	own := newRecordingHook(t, 0) // the replicas' own notifier, which must stay quiet
	t.Setenv("VW_VAPI", probeKeys["vapi-prod"])
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	cfg := writeConfig(t, fmt.Sprintf(`vendors:
  - id: vapi
    status: [{url: %[1]s/index.json, format: betterstack}]
    api: {base_url: %[1]s}
    keys: [{name: prod, secret: env:VW_VAPI}]
  - id: github
    status: [{url: %[2]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
interval: 10s
probe_interval: 15s
notify:
  - type: webhook
    url: %[3]s/hook
`, vapi.URL, github.URL, own.URL))
	tweakApp = func(o *app.Options) { o.RetryWait = time.Millisecond } // VAPI's 502s are retried once
	defer func() { tweakApp = nil }()
	var targets []string
	var replicas []*server
	for range 2 {
		s := startServe(t, "", "--config", cfg, "--state-dir", t.TempDir(), "--notify=false")
		u, err := url.Parse(s.url)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, u.Host)
		replicas = append(replicas, s)
	}
	logs := func() string {
		return "alertmanager:\n" + am.Log() + "\nreplica 1:\n" + replicas[0].stderr.String() + "\nreplica 2:\n" + replicas[1].stderr.String()
	}
	prom := traffictest.StartPrometheusWith(t, traffictest.PrometheusConfig{
		Job: "vendorwatch", Targets: targets, RuleFiles: []string{rulesForTest(t)}, Alertmanager: am.Addr,
	})

	// Both replicas see the outage, and Prometheus makes one alert of it.
	prom.WaitFor(`count(vendorwatch_finding{kind="vendor_outage",vendor="vapi"} > 0)`, func(s []traffictest.Sample) bool {
		return len(s) == 1 && s[0].Value == 2
	})
	prom.WaitFor(`ALERTS{alertname="VendorwatchVendorOutage",alertstate="firing"}`, func(s []traffictest.Sample) bool { return len(s) > 0 })
	pages := func() (n int) {
		for _, nt := range rcv.Notifications() {
			for _, a := range nt.Alerts {
				if a.Labels["alertname"] == "VendorwatchVendorOutage" {
					n++
				}
			}
		}
		return n
	}
	waitUntil(t, "the page for VAPI's outage", func() bool { return pages() > 0 }, logs)

	// Then let Prometheus send the firing alert to Alertmanager five more
	// times (it resends every second here) before counting the pages.
	base := alertsReceived(t, am)
	waitUntil(t, "Prometheus resending the alert", func() bool { return alertsReceived(t, am) >= base+5 }, logs)

	if n := pages(); n != 1 {
		t.Errorf("%d pages for one VAPI outage seen by two replicas, want exactly 1: %+v", n, rcv.Notifications())
	}
	for _, nt := range rcv.Notifications() {
		for _, a := range nt.Alerts {
			if a.Labels["alertname"] == "VendorwatchVendorOutage" && (a.Labels["vendor"] != "vapi" || a.Labels["instance"] != "" || nt.Path != "/oncall") {
				t.Errorf("the page is %+v to %s, want VAPI's outage, no replica named, to the on-call receiver", a.Labels, nt.Path)
			}
		}
	}
	if requests, _ := own.counts(); requests != 0 {
		t.Errorf("replicas with --notify=false called their own webhook %d times", requests)
	}
	for i, s := range replicas {
		if !strings.Contains(s.stderr.String(), "notifications off (--notify=false)") {
			t.Errorf("replica %d does not say its notifications are off:\n%s", i+1, s.stderr)
		}
	}
	assertNoKey(t, logs()+fmt.Sprint(rcv.Notifications()), probeKeys["vapi-prod"])
}

// alertsReceived is how many firing alerts Alertmanager has taken in, from
// its own /metrics.
func alertsReceived(t *testing.T, am *traffictest.Alertmanager) float64 {
	t.Helper()
	resp, err := http.Get(am.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<22))
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for line := range strings.SplitSeq(string(body), "\n") {
		if rest, ok := strings.CutPrefix(line, `alertmanager_alerts_received_total{status="firing"`); ok {
			_, value, _ := strings.Cut(rest, "} ")
			v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil {
				t.Fatalf("alertmanager metrics: %q: %v", line, err)
			}
			sum += v
		}
	}
	return sum
}

// closedPorts are n loopback addresses nothing listens on: requests to
// them are refused before any HTTP answer, as on a machine whose network
// is cut.
func closedPorts(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ln.Addr().String())
		ln.Close()
	}
	return out
}

// The other half of the HA recipe: one replica loses its network (every
// request it makes is refused) while the other sees the vendors fine.
// The lone replica's network_local reaches Prometheus, and the rules make
// a warning of it for the chat receiver; the quorum rule does not fire, so
// the on-call receiver gets nothing, and no vendor is paged for it.
func TestOneReplicaWithoutNetworkPagesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Prometheus, Alertmanager and two serve replicas")
	}
	traffictest.Binary(t)
	rcv := traffictest.NewReceiver(t)
	am := traffictest.StartAlertmanager(t, alertmanagerConfig(t, rcv))
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())

	ids := []string{"github", "cloudflare", "anthropic"}
	config := func(hosts []string) string {
		var b strings.Builder
		b.WriteString("interval: 10s\nprobe_interval: 15s\nvendors:\n")
		for i, id := range ids {
			fmt.Fprintf(&b, "  - id: %s\n    status: [{url: http://%s/api/v2/summary.json, format: statuspage}]\n    api: {base_url: http://%s}\n", id, hosts[i], hosts[i])
		}
		return b.String()
	}
	var live []string
	for range ids {
		site := vendorsite(t, map[string]string{"/api/v2/summary.json": "github__statuspage_status_none.json"})
		u, err := url.Parse(site.URL)
		if err != nil {
			t.Fatal(err)
		}
		live = append(live, u.Host)
	}
	good := writeConfig(t, config(live))
	cut := writeConfig(t, config(closedPorts(t, len(ids))))

	var targets []string
	var replicas []*server
	for _, cfg := range []string{good, cut} {
		s := startServe(t, "", "--config", cfg, "--state-dir", t.TempDir(), "--notify=false")
		u, err := url.Parse(s.url)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, u.Host)
		replicas = append(replicas, s)
	}
	logs := func() string {
		return "alertmanager:\n" + am.Log() + "\nreplica with network:\n" + replicas[0].stderr.String() + "\nreplica without:\n" + replicas[1].stderr.String()
	}
	prom := traffictest.StartPrometheusWith(t, traffictest.PrometheusConfig{
		Job: "vendorwatch", Targets: targets, RuleFiles: []string{rulesForTest(t)}, Alertmanager: am.Addr,
	})

	// One replica of two says its network is down.
	prom.WaitFor(`count(max by (instance) (vendorwatch_finding{kind="network_local"}) > 0)`, func(s []traffictest.Sample) bool {
		return len(s) == 1 && s[0].Value == 1
	})
	prom.WaitFor(`count(up{job="vendorwatch"} == 1)`, func(s []traffictest.Sample) bool { return len(s) == 1 && s[0].Value == 2 })
	// The warning for that replica reaches the chat receiver: the whole
	// path works, so the silence on the on-call receiver means something.
	chat := func() bool {
		for _, nt := range rcv.Notifications() {
			for _, a := range nt.Alerts {
				if a.Labels["alertname"] == "VendorwatchReplicaNetwork" && nt.Path == "/chat" {
					return true
				}
			}
		}
		return false
	}
	waitUntil(t, "the replica's network warning in chat", chat, logs)
	// Both replicas are in: were the quorum missing, its rule would fire
	// quorumFor later and reach on-call after the receiver's group_wait
	// (1s). Wait that long, and for Prometheus to keep sending.
	bothIn := time.Now()
	base := alertsReceived(t, am)
	waitUntil(t, "Prometheus resending its alerts", func() bool {
		return alertsReceived(t, am) >= base+5 && time.Since(bothIn) > quorumFor+3*time.Second
	}, logs)

	for _, nt := range rcv.Notifications() {
		if nt.Path == "/oncall" {
			t.Errorf("one replica without network paged on-call: %+v", nt.Alerts)
		}
		for _, a := range nt.Alerts {
			if a.Labels["alertname"] == "VendorwatchOurNetwork" || a.Labels["vendor"] != "" {
				t.Errorf("one replica without network raised %+v", a.Labels)
			}
		}
	}
}
