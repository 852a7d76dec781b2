package demo

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The queries the tests ask, in the shapes of the traffic signal's default
// queries: the request rate, the error rates by class, the ratios by class
// and a baseline a day earlier.
const (
	qRate     = `sum(rate(http_client_request_duration_seconds_count{server_address=~"%s"}[5m]))`
	qByClass  = `sum by (class) (label_replace(rate(http_client_request_duration_seconds_count{server_address=~"%s",http_response_status_code=~"401|403"}[5m]), "class", "auth", "", ""))`
	qRatio    = `(` + qByClass + `) / scalar(` + qRate + `)`
	qBaseline = `(sum by (class) (label_replace(rate(http_client_request_duration_seconds_count{server_address=~"%s"}[5m] offset 1d), "class", "auth", "", ""))) / scalar(sum(rate(http_client_request_duration_seconds_count{server_address=~"%s"}[5m] offset 1d)))`
)

// promAnswer is the query API's answer, as Prometheus documents it.
type promAnswer struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  []any             `json:"value"`
			Values [][]any           `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

// ask runs a query against the demo's Prometheus (path /api/v1/query or
// /api/v1/query_range) and decodes its answer.
func ask(t *testing.T, s *Sim, path string, params url.Values) (int, promAnswer) {
	t.Helper()
	code, body := get(t, s.Prometheus+path+"?"+params.Encode(), nil)
	var a promAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("%s: not the API's JSON: %v\n%s", path, err, body)
	}
	return code, a
}

// point reads a [time, "value"] pair.
func point(t *testing.T, p []any) (time.Time, float64) {
	t.Helper()
	if len(p) != 2 {
		t.Fatalf("point %v", p)
	}
	sec, ok := p[0].(float64)
	str, ok2 := p[1].(string)
	v, err := strconv.ParseFloat(str, 64)
	if !ok || !ok2 || err != nil {
		t.Fatalf("point %v: want [seconds, \"value\"]", p)
	}
	return time.UnixMilli(int64(sec * 1000)).UTC(), v
}

// instant runs an instant query at scenario time hhmm and returns its
// samples by class ("" for none).
func instant(t *testing.T, s *Sim, query, hhmm string) map[string]float64 {
	t.Helper()
	at := Time(hhmm)
	code, a := ask(t, s, "/api/v1/query", url.Values{"query": {query}, "time": {strconv.FormatInt(at.Unix(), 10)}})
	if code != http.StatusOK || a.Status != "success" || a.Data.ResultType != "vector" {
		t.Fatalf("%s at %s: %d %s %s %s", query, hhmm, code, a.Status, a.Error, a.Data.ResultType)
	}
	out := map[string]float64{}
	for _, r := range a.Data.Result {
		ts, v := point(t, r.Value)
		if !ts.Equal(at) {
			t.Errorf("sample at %s, want the time asked, %s", ts, at)
		}
		out[r.Metric["class"]] = v
	}
	return out
}

func host(q, h string) string { return strings.ReplaceAll(q, "%s", strings.ReplaceAll(h, ".", `\\.`)) }

// Our traffic to OpenAI shows the leaked key's 401s from 10:57 until the
// new key is rolled out at 12:20, while its page says operational; to VAPI
// it fails with its API from 12:35 (502s, then timeouts) until 13:30;
// Anthropic's stays calm. A baseline a day earlier is the calm day.
func TestPrometheusPlaysTheStorysTraffic(t *testing.T) {
	s := startManual(t)
	for _, tc := range []struct {
		host, at string
		want     map[string]float64 // ratios by class; classes absent are zero
	}{
		{OpenAIHost, "10:56", map[string]float64{"client": 0.002, "vendor": 0.001}},
		{OpenAIHost, "10:57", map[string]float64{"auth": 0.94, "client": 0.002}},
		{OpenAIHost, "12:19", map[string]float64{"auth": 0.94, "client": 0.002}},
		{OpenAIHost, "12:20", map[string]float64{"client": 0.002, "vendor": 0.001}},
		{VAPIHost, "12:34", map[string]float64{"client": 0.004}},
		{VAPIHost, "12:35", map[string]float64{"vendor": 0.97, "client": 0.001}},
		{VAPIHost, "12:55", map[string]float64{"network": 0.99}},
		{VAPIHost, "13:30", map[string]float64{"client": 0.004}},
		{AnthropicHost, "12:40", map[string]float64{"vendor": 0.002}},
	} {
		if err := s.Seek(Time(tc.at)); err != nil {
			t.Fatal(err)
		}
		got := instant(t, s, host(qRatio, tc.host), tc.at)
		if len(got) != len(tc.want) {
			t.Errorf("%s at %s: classes %v, want %v", tc.host, tc.at, got, tc.want)
		}
		for c, w := range tc.want {
			if math.Abs(got[c]-w) > 1e-9 {
				t.Errorf("%s at %s: %s ratio %v, want %v", tc.host, tc.at, c, got[c], w)
			}
		}
		rate := instant(t, s, host(qRate, tc.host), tc.at)[""]
		byClass := instant(t, s, host(qByClass, tc.host), tc.at)
		for c, w := range tc.want {
			if math.Abs(byClass[c]-w*rate) > 1e-9 {
				t.Errorf("%s at %s: %s rate %v, want %v of %v/s", tc.host, tc.at, c, byClass[c], w, rate)
			}
		}
		if rate < 1 || rate > 20 {
			t.Errorf("%s at %s: %v requests/s, want the team's steady traffic", tc.host, tc.at, rate)
		}
		base := instant(t, s, host(qBaseline, tc.host), tc.at)
		if base["auth"] != 0 || base["vendor"] > 0.01 || base["network"] != 0 {
			t.Errorf("%s at %s: the baseline a day earlier is %v, want the calm day", tc.host, tc.at, base)
		}
	}
}

// A range query gives the last hour for sparklines and charts: VAPI's
// errors rise at 12:35 and not before.
func TestPrometheusRangeQuery(t *testing.T) {
	s := startManual(t)
	if err := s.Seek(Time("12:40")); err != nil {
		t.Fatal(err)
	}
	code, ans := ask(t, s, "/api/v1/query_range", url.Values{"query": {host(qRatio, VAPIHost)},
		"start": {Time("11:40").Format(time.RFC3339)}, "end": {Time("12:40").Format(time.RFC3339)}, "step": {"60s"}})
	if code != http.StatusOK || ans.Data.ResultType != "matrix" {
		t.Fatalf("%d %s %s, want a matrix", code, ans.Error, ans.Data.ResultType)
	}
	points := map[string][][]any{}
	for _, r := range ans.Data.Result {
		points[r.Metric["class"]] = r.Values
	}
	vendor := points["vendor"]
	if len(vendor) != 6 {
		t.Fatalf("vendor errors: %v, want the six minutes from 12:35 to 12:40", vendor)
	}
	if at, v := point(t, vendor[0]); !at.Equal(Time("12:35")) || v != 0.97 {
		t.Errorf("first vendor error point %v at %s, want 0.97 at 12:35", v, at)
	}
	if n := len(points["client"]); n != 61 {
		t.Errorf("client errors have %d points over the hour, want 61", n)
	}

	// The chart's total: the class query summed, one series without labels.
	_, ans = ask(t, s, "/api/v1/query_range", url.Values{"query": {"sum(" + host(qByClass, VAPIHost) + ")"},
		"start": {Time("12:30").Format(time.RFC3339)}, "end": {Time("12:40").Format(time.RFC3339)}, "step": {"5m"}})
	if len(ans.Data.Result) != 1 || len(ans.Data.Result[0].Metric) != 0 || len(ans.Data.Result[0].Values) != 3 {
		t.Fatalf("the total error rate: %+v, want one series of three points", ans.Data.Result)
	}
	_, calm := point(t, ans.Data.Result[0].Values[0])
	_, failing := point(t, ans.Data.Result[0].Values[1])
	if calm > 0.1 || failing < 2 {
		t.Errorf("our failed requests to VAPI: %v/s at 12:30, %v/s at 12:35; want few, then nearly all of them", calm, failing)
	}
}

// What the fake cannot answer it refuses as Prometheus does, and a host
// our services never call has no series.
func TestPrometheusRefusals(t *testing.T) {
	s := startManual(t)
	if got := instant(t, s, `sum(rate(http_client_request_duration_seconds_count{server_address="api.example.com"}[5m]))`, "10:55"); len(got) != 0 {
		t.Errorf("a host nobody calls: %v, want no series", got)
	}
	code, ans := ask(t, s, "/api/v1/query_range", url.Values{"query": {host(qRate, OpenAIHost)},
		"start": {fmt.Sprint(Time("00:00").Unix())}, "end": {fmt.Sprint(Time("13:00").Unix())}, "step": {"1"}})
	if code != http.StatusBadRequest || ans.ErrorType != "bad_data" || !strings.Contains(ans.Error, "11,000 points") {
		t.Errorf("a range of 46,800 points: %d %+v, want Prometheus's resolution error", code, ans)
	}
	code, body := get(t, s.Prometheus+"/api/v1/query", nil)
	if code != http.StatusBadRequest || !strings.Contains(string(body), `"errorType":"bad_data"`) {
		t.Errorf("no query: %d %s", code, body)
	}
	code, body = get(t, s.Prometheus+"/api/v1/query?query=up&time=yesterday", nil)
	if code != http.StatusBadRequest || !strings.Contains(string(body), `invalid parameter \"time\"`) {
		t.Errorf("a bad time: %d %s", code, body)
	}
	if code, _ := get(t, s.Prometheus+"/-/ready", nil); code != http.StatusOK {
		t.Errorf("/-/ready: %d", code)
	}
}

// Without a time the query is about the story's clock.
func TestPrometheusDefaultsToTheStorysClock(t *testing.T) {
	s := startManual(t)
	if err := s.Seek(Time("11:00")); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, s.Prometheus+"/api/v1/query?"+url.Values{"query": {host(qByClass, OpenAIHost)}}.Encode(), nil)
	want := `{"metric":{"class":"auth"},"value":[` + "1779361200"
	if code != http.StatusOK || !strings.Contains(string(body), want) {
		t.Errorf("at 11:00 without a time: %d %s, want %s...", code, body, want)
	}
}
