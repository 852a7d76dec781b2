package demo

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// The demo's Prometheus is a small fake of Prometheus's HTTP query API
// (/api/v1/query and /api/v1/query_range, as documented at
// prometheus.io/docs/prometheus/latest/querying/api/) that answers with
// the story's production traffic (TrafficAt). It cannot run PromQL; it
// reads three things from a query's text:
//   - the host it is about: the first of OpenAIHost, VAPIHost and
//     AnthropicHost the query names (regexp escapes ignored); a query
//     naming none matches no series, like a host our services never call;
//   - what it asks: a query whose outermost aggregation keeps the class
//     label ("sum by (class) (…)") answers one series per class that
//     failed; one that mentions class only inside ("sum(sum by (class)
//     (…))") the total failed rate; anything else one series without
//     labels, the request rate. An error query that divides ("/")
//     answers ratios of the request rate rather than rates;
//   - when: the time or range asked, less any "offset" in the query.
//     Times more than half a day before the story's clock are the calm
//     day before the incident: what a baseline a day earlier sees.

// maxPoints is Prometheus's own limit on the points of one range query
// series.
const maxPoints = 11000

// baselineAge is how far before the story's clock a query must look to
// see the calm day before, rather than the story.
const baselineAge = 12 * time.Hour

var (
	classLabel = lazyregexp.New(`\bclass\b`)
	byClassRe  = lazyregexp.New(`^[\s(]*(sum|max|min|avg)\s*by\s*\(\s*class\s*\)`)
	offsetRe   = lazyregexp.New(`\boffset\s+(\d+)(ms|s|m|h|d|w|y)\b`)
)

// promQuery is what the fake understood of a query.
type promQuery struct {
	host string
	// byClass: one series per class; errors: the total of failed requests.
	byClass, errors bool
	ratio           bool
	offset          time.Duration
}

func parsePromQL(q string) promQuery {
	plain := strings.ReplaceAll(q, `\`, "")
	var pq promQuery
	for _, h := range []string{OpenAIHost, VAPIHost, AnthropicHost} {
		if strings.Contains(plain, h) {
			pq.host = h
			break
		}
	}
	pq.byClass = byClassRe().MatchString(plain)
	pq.errors = !pq.byClass && classLabel().MatchString(plain)
	pq.ratio = strings.Contains(plain, "/")
	if m := offsetRe().FindStringSubmatch(plain); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
			"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "y": 365 * 24 * time.Hour}[m[2]]
		pq.offset = time.Duration(n) * unit
	}
	return pq
}

// sample is one series' value at an evaluation time: labels and value.
type sample struct {
	labels map[string]string
	value  float64
}

// eval answers the query at time at, the story's clock being now.
func (pq promQuery) eval(at, now time.Time) []sample {
	if pq.host == "" {
		return nil
	}
	at = at.Add(-pq.offset)
	tr, ok := TrafficAt(pq.host, at)
	if now.Sub(at) > baselineAge {
		tr, ok = BaselineAt(pq.host, at.Add(24*time.Hour))
	}
	if !ok {
		return nil
	}
	scale := tr.Rate
	if pq.ratio {
		scale = 1
	}
	switch {
	case pq.errors:
		var total float64
		for _, r := range tr.Errors {
			total += r
		}
		return []sample{{labels: map[string]string{}, value: total * scale}}
	case !pq.byClass:
		return []sample{{labels: map[string]string{}, value: tr.Rate}}
	}
	var out []sample
	for _, c := range TrafficClasses {
		if r := tr.Errors[c]; r > 0 {
			out = append(out, sample{labels: map[string]string{"class": c}, value: r * scale})
		}
	}
	return out
}

// servePrometheus is the demo's Prometheus: its query API, its readiness
// and its build information.
func (s *Sim) servePrometheus(w http.ResponseWriter, r *http.Request, m Moment) {
	switch r.URL.Path {
	case "/-/ready", "/-/healthy":
		writeBody(w, http.StatusOK, "text/plain; charset=utf-8", []byte("Prometheus Server is Ready.\n"))
	case "/api/v1/status/buildinfo":
		promSuccess(w, map[string]string{"version": "2.42.0", "revision": "demo", "branch": "demo"})
	case "/api/v1/query":
		promInstant(w, r, m)
	case "/api/v1/query_range":
		promRange(w, r, m)
	default:
		notFound(w)
	}
}

func promInstant(w http.ResponseWriter, r *http.Request, m Moment) {
	q := r.FormValue("query")
	if q == "" {
		promError(w, "bad_data", `invalid parameter "query": empty query`)
		return
	}
	at := m.Time
	if v := r.FormValue("time"); v != "" {
		t, err := promTime(v)
		if err != nil {
			promError(w, "bad_data", fmt.Sprintf(`invalid parameter "time": %v`, err))
			return
		}
		at = t
	}
	result := []map[string]any{}
	for _, s := range parsePromQL(q).eval(at, m.Time) {
		result = append(result, map[string]any{"metric": s.labels, "value": promPoint(at, s.value)})
	}
	promSuccess(w, map[string]any{"resultType": "vector", "result": result})
}

func promRange(w http.ResponseWriter, r *http.Request, m Moment) {
	q := r.FormValue("query")
	if q == "" {
		promError(w, "bad_data", `invalid parameter "query": empty query`)
		return
	}
	var start, end time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"start", &start}, {"end", &end}} {
		t, err := promTime(r.FormValue(p.name))
		if err != nil {
			promError(w, "bad_data", fmt.Sprintf("invalid parameter %q: %v", p.name, err))
			return
		}
		*p.t = t
	}
	step, err := promStep(r.FormValue("step"))
	if err != nil {
		promError(w, "bad_data", fmt.Sprintf(`invalid parameter "step": %v`, err))
		return
	}
	if end.Before(start) {
		promError(w, "bad_data", `invalid parameter "end": end timestamp must not be before start time`)
		return
	}
	if end.Sub(start)/step >= maxPoints {
		promError(w, "bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
		return
	}
	pq := parsePromQL(q)
	series := map[string]map[string]any{}
	var order []string
	for t := start; !t.After(end); t = t.Add(step) {
		for _, s := range pq.eval(t, m.Time) {
			key := s.labels["class"]
			if series[key] == nil {
				series[key] = map[string]any{"metric": s.labels, "values": [][2]any{}}
				order = append(order, key)
			}
			series[key]["values"] = append(series[key]["values"].([][2]any), promPoint(t, s.value))
		}
	}
	result := []map[string]any{}
	for _, k := range order {
		result = append(result, series[k])
	}
	promSuccess(w, map[string]any{"resultType": "matrix", "result": result})
}

// promTime reads a time as the API takes it: RFC 3339 or a Unix
// timestamp in seconds, fractions allowed.
func promTime(v string) (time.Time, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("cannot parse %q to a valid timestamp", v)
	}
	return t.UTC(), nil
}

// promStep reads a range query's step: a duration ("60s", "1m") or a
// number of seconds.
func promStep(v string) (time.Duration, error) {
	var d time.Duration
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		d = time.Duration(f * float64(time.Second))
	} else if d, err = time.ParseDuration(v); err != nil {
		return 0, fmt.Errorf("cannot parse %q to a valid duration", v)
	}
	if d <= 0 {
		return 0, fmt.Errorf("zero or negative query resolution step widths are not accepted. Try a positive integer")
	}
	return d, nil
}

// promPoint is a sample as the API writes it: the time in Unix seconds
// and the value as a string.
func promPoint(t time.Time, v float64) [2]any {
	return [2]any{float64(t.UnixMilli()) / 1000, strconv.FormatFloat(v, 'f', -1, 64)}
}

func promSuccess(w http.ResponseWriter, data any) {
	b, _ := json.Marshal(map[string]any{"status": "success", "data": data})
	writeJSON(w, http.StatusOK, b)
}

func promError(w http.ResponseWriter, errorType, msg string) {
	b, _ := json.Marshal(map[string]any{"status": "error", "errorType": errorType, "error": msg})
	writeJSON(w, http.StatusBadRequest, b)
}
