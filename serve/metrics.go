package serve

import (
	"runtime"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/observe"
)

// maxComponents caps the components exported per vendor, so a status page
// listing hundreds of products cannot flood Prometheus.
const maxComponents = 100

// keyResults are the key probe results of DESIGN §3, the states of
// vendorwatch_key_result.
var keyResults = []observe.Result{
	observe.ResultOK, observe.ResultInvalidKey, observe.ResultAccountDisabled, observe.ResultNoPermission,
	observe.ResultMisconfigured, observe.ResultQuotaExceeded, observe.ResultRateLimited, observe.ResultVendorError,
	observe.ResultTimeout, observe.ResultNetworkError, observe.ResultNoSecret, observe.ResultUnexpected, observe.ResultListed,
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("vendorwatch_"+name, help, labels, nil)
}

// The metric families. Those of the report are rendered once per report;
// the process's own are gathered at most once a second.
var (
	descBuildInfo     = desc("build_info", "Always 1; the labels say which vendorwatch is running.", "version", "goversion")
	descChecks        = desc("checks_total", "Checks recorded since this server started.")
	descHistoryErrors = desc("history_errors_total", "History failures: a history database that could not be opened at start, and every check whose recording failed (locked, damaged, disk full).")
	descInFlight      = desc("checks_in_flight", "Vendor checks running now.")
	descLastCheck     = desc("last_check_timestamp_seconds", "When the latest report was generated, in seconds since the epoch.")
	descNotifications = desc("notifications_total", "Finding notifications by notifier and result: sent, failed (an attempt failed; it is retried), expired (given up), suppressed (held back by the rules), deferred (could not be queued; queued at a later check).", "notifier", "result")
	descNotifyPending = desc("notifications_pending", "Notifications waiting in the outbox to be sent.", "notifier")
	descNotifyFailing = desc("notifications_failing", "Notifications waiting in the outbox whose latest attempt failed.", "notifier")
	descNotifyOldest  = desc("notifications_oldest_pending_timestamp_seconds", "When the oldest notification waiting in the outbox was queued, in seconds since the epoch; absent when none waits.", "notifier")
	descNotifyActive  = desc("notifications_active", "1 when this process sends the state dir's notifications, 0 when another process on the state dir does.", "notifier")
	descHistoryUp     = desc("history_up", "1 when the history database is open and the latest check was recorded; 0 when it could not be opened or the latest recording failed. Absent when serve runs without a state dir.")
	descRejected      = desc("http_rejected_total", "Requests answered 503 because too many were in flight for longer than the queue wait, by endpoint.", "path")

	descOverall       = desc("overall_level", "Overall level: 0 ok, 1 warning, 2 critical, 3 unknown (the --once exit code).")
	descVendorInfo    = desc("vendor_info", "Always 1; maps a vendor id to its display name.", "vendor", "name")
	descVendorLevel   = desc("vendor_level", "Vendor level: 0 ok, 1 warning, 2 critical, 3 unknown.", "vendor")
	descVendorState   = desc("vendor_state", "The vendor's status page state as a state set: 1 for the current state, 0 for the others.", "vendor", "state")
	descComponent     = desc("component_state", "A status page component's state as a state set: 1 for the current state, 0 for the others.", "vendor", "group", "component", "state")
	descIncidents     = desc("incidents_open", "Incidents open on the vendor's status page.", "vendor")
	descSourceUp      = desc("status_source_up", "1 when the status source was read, 0 when it failed.", "vendor", "url")
	descSourceSeconds = desc("status_source_duration_seconds", "How long the latest read of the status source took.", "vendor", "url")
	descReachable     = desc("vendor_reachable", "1 when the vendor's API answered the keyless request in its own JSON, else 0; absent when not probed.", "vendor")
	descKeyOK         = desc("key_ok", "1 when the key authenticates (a canary watched in the key list: while it is listed), else 0. Keys are named, never shown.", "vendor", "key")
	descKeyResult     = desc("key_result", "The key probe's result as a state set: 1 for the current result, 0 for the others.", "vendor", "key", "result")
	descProbeSeconds  = desc("probe_duration_seconds", "How long the latest probe took: probe=\"key\" for a key (named by key), probe=\"reach\" for the keyless request.", "vendor", "probe", "key")
	descFinding       = desc("finding", "Open findings by kind, vendor (the first it is about; empty for network_local) and severity; those still confirming or recovering are not counted.", "kind", "vendor", "severity")
	descVerdict       = desc("verdict", "The verdict as a state set: 1 for the current word (THEM, US, KEY, OK, UNKNOWN), 0 for the others.", "word")
	descConfirming    = desc("findings_confirming", "Findings seen once and still confirming (pending), which no level counts yet.")
)

// verdictWords are the verdict's state set.
var verdictWords = []correlate.Word{correlate.WordThem, correlate.WordUs, correlate.WordKey, correlate.WordOK, correlate.WordUnknown}

// liveCollector exports the server's own figures: what it has done, its
// notifications and the requests it turned away.
type liveCollector struct{ s *Server }

var _ prometheus.Collector = liveCollector{}

// Describe sends every family's descriptor.
func (c liveCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descBuildInfo, descChecks, descHistoryErrors, descHistoryUp, descInFlight,
		descNotifications, descNotifyPending, descNotifyFailing, descNotifyOldest, descNotifyActive, descRejected} {
		ch <- d
	}
}

// Collect sends the server's figures.
func (c liveCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.state()
	gauge, counter := senders(ch)
	gauge(descBuildInfo, 1, c.s.opts.Version, runtime.Version())
	counter(descChecks, float64(st.checks))
	counter(descHistoryErrors, float64(st.historyErrors))
	if c.s.opts.Store != nil || st.historyDown != "" || st.lastErr != "" {
		gauge(descHistoryUp, boolf(st.historyDown == "" && st.lastErr == ""))
	}
	gauge(descInFlight, float64(st.inFlight))
	if c.s.opts.NotifyStats != nil {
		for _, n := range c.s.opts.NotifyStats() {
			collectNotifier(n, gauge, counter)
		}
	}
	for _, p := range endpoints {
		counter(descRejected, float64(c.s.rejected[p].Load()), p)
	}
}

// reportCollector exports one report. It builds constant metrics from
// it, so there is no metric state to keep in step with the report.
type reportCollector struct{ rep correlate.Report }

var _ prometheus.Collector = reportCollector{}

// Describe sends every family's descriptor.
func (c reportCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descLastCheck,
		descOverall, descVendorInfo, descVendorLevel, descVendorState, descComponent, descIncidents, descSourceUp, descSourceSeconds,
		descReachable, descKeyOK, descKeyResult, descProbeSeconds, descFinding, descVerdict, descConfirming} {
		ch <- d
	}
	for _, d := range trafficDescs {
		ch <- d
	}
}

// senders returns the functions that send a gauge and a counter, their
// labels cleaned.
func senders(ch chan<- prometheus.Metric) (gauge, counter func(*prometheus.Desc, float64, ...string)) {
	send := func(t prometheus.ValueType) func(*prometheus.Desc, float64, ...string) {
		return func(d *prometheus.Desc, v float64, labels ...string) {
			for i := range labels {
				labels[i] = label(labels[i])
			}
			ch <- prometheus.MustNewConstMetric(d, t, v, labels...)
		}
	}
	return send(prometheus.GaugeValue), send(prometheus.CounterValue)
}

// Collect sends the metrics of the report.
func (c reportCollector) Collect(ch chan<- prometheus.Metric) {
	gauge, _ := senders(ch)
	rep := c.rep
	if !rep.GeneratedAt.IsZero() {
		gauge(descLastCheck, float64(rep.GeneratedAt.UnixMilli())/1000)
	}
	gauge(descOverall, float64(rep.Overall.ExitCode()))
	if rep.Verdict.Word != "" {
		for _, w := range verdictWords {
			gauge(descVerdict, boolf(rep.Verdict.Word == w), string(w))
		}
	}
	seen := map[string]bool{}
	for _, v := range rep.Vendors {
		if seen[v.ID] {
			continue
		}
		seen[v.ID] = true
		collectVendor(v, gauge)
		collectTraffic(v, gauge)
	}
	type fkey struct{ kind, vendor, sev string }
	counts := map[fkey]int{}
	var order []fkey
	confirming := 0
	for _, f := range rep.Findings {
		if f.State == correlate.StatePending {
			confirming++
		}
		if !f.Counts() {
			continue
		}
		k := fkey{kind: string(f.Kind), sev: string(f.Severity)}
		if len(f.Vendors) > 0 {
			k.vendor = f.Vendors[0]
		}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	for _, k := range order {
		gauge(descFinding, float64(counts[k]), k.kind, k.vendor, k.sev)
	}
	gauge(descConfirming, float64(confirming))
}

// collectNotifier sends one notifier's metrics.
func collectNotifier(n notify.Stat, gauge, counter func(*prometheus.Desc, float64, ...string)) {
	name := label(n.Name)
	for _, r := range []struct {
		result string
		v      uint64
	}{{"sent", n.Sent}, {"failed", n.Failed}, {"expired", n.Expired}, {"suppressed", n.Suppressed}, {"deferred", n.Deferred}} {
		counter(descNotifications, float64(r.v), name, r.result)
	}
	gauge(descNotifyPending, float64(n.Pending), name)
	gauge(descNotifyFailing, float64(n.Failing), name)
	if !n.Oldest.IsZero() {
		gauge(descNotifyOldest, float64(n.Oldest.UnixMilli())/1000, name)
	}
	gauge(descNotifyActive, boolf(!n.Standby), name)
}

// collectVendor sends one vendor's metrics.
func collectVendor(v correlate.VendorReport, gauge func(*prometheus.Desc, float64, ...string)) {
	gauge(descVendorInfo, 1, v.ID, v.Name)
	gauge(descVendorLevel, float64(v.Level.ExitCode()), v.ID)
	for _, s := range observe.States {
		gauge(descVendorState, boolf(v.Status.State == s), v.ID, string(s))
	}
	comps := map[[2]string]bool{}
	for _, comp := range v.Status.Components {
		k := [2]string{label(comp.Group), label(comp.Name)}
		if comps[k] || len(comps) >= maxComponents {
			continue
		}
		comps[k] = true
		for _, s := range observe.States {
			gauge(descComponent, boolf(comp.State == s), v.ID, k[0], k[1], string(s))
		}
	}
	gauge(descIncidents, float64(len(v.Status.Incidents)), v.ID)
	srcs := map[string]bool{}
	for _, src := range v.Status.Sources {
		u := label(src.URL)
		if srcs[u] {
			continue
		}
		srcs[u] = true
		gauge(descSourceUp, boolf(src.OK), v.ID, u)
		gauge(descSourceSeconds, float64(src.LatencyMS)/1000, v.ID, u)
	}
	if r := v.Reachability; r != nil {
		gauge(descReachable, boolf(r.Result == observe.ResultReachable), v.ID)
		gauge(descProbeSeconds, float64(r.LatencyMS)/1000, v.ID, "reach", "")
	}
	keys := map[string]bool{}
	for _, k := range v.Keys {
		name := label(k.Name)
		if keys[name] || k.Result == "" {
			continue
		}
		keys[name] = true
		gauge(descKeyOK, boolf(k.Result == observe.ResultOK || k.Result == observe.ResultListed), v.ID, name)
		for _, r := range keyResults {
			gauge(descKeyResult, boolf(k.Result == r), v.ID, name, string(r))
		}
		gauge(descProbeSeconds, float64(k.LatencyMS)/1000, v.ID, "key", name)
	}
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// label makes remote text fit for a label value: one clean line of valid
// UTF-8, at most 200 characters.
func label(s string) string {
	return termtext.Clip(termtext.Line(strings.ToValidUTF8(s, "")), 200)
}
