package traffic

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// promToken is the fake bearer token the tests configure.
const promToken = "glc_Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aU4iO6eT8rW0qS3"

var now = fixture.At("12:40")

// fakeProm answers Prometheus's query API the way its HTTP API
// documentation shapes answers: {"status":"success","data":{"resultType":
// "vector"|"matrix","result":[…]}} and, for errors, {"status":"error",
// "errorType":…,"error":…} with 400 or 422.
type fakeProm struct {
	t *testing.T
	// answer returns the JSON "result" for an instant query at ts (the
	// baseline when ts is a day before now) or a range query.
	instant func(query string, ts time.Time) string
	ranged  func(query string) string

	mu      sync.Mutex
	queries []string
	headers http.Header
	paths   []string
}

func (f *fakeProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("bad form: %v", err)
	}
	f.mu.Lock()
	f.queries = append(f.queries, r.Form.Get("query"))
	f.headers = r.Header.Clone()
	f.paths = append(f.paths, r.URL.Path)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, "/api/v1/query"):
		sec, _ := strconv.ParseFloat(r.Form.Get("time"), 64)
		ts := time.Unix(0, int64(sec*1e9)).UTC()
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[%s]}}`, f.instant(r.Form.Get("query"), ts))
	case strings.HasSuffix(r.URL.Path, "/api/v1/query_range"):
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":[%s]}}`, f.ranged(r.Form.Get("query")))
	default:
		http.NotFound(w, r)
	}
}

func sample(metric string, v float64, ts time.Time) string {
	return fmt.Sprintf(`{"metric":{%s},"value":[%.3f,"%g"]}`, metric, float64(ts.UnixMilli())/1000, v)
}

func openai(base string) catalog.Vendor {
	return catalog.Vendor{ID: "openai", Name: "OpenAI", API: catalog.APISpec{BaseURL: base}}
}

func source(t *testing.T, url string, mod func(*config.Traffic), o Options) *Source {
	t.Helper()
	cfg := &config.Traffic{
		Prometheus: config.Prometheus{URL: url, Token: config.SecretRef{Kind: config.SecretEnv, Value: "PROM_TOKEN"}, Headers: map[string]string{"X-Scope-OrgID": "team-a"}},
		Window:     config.Duration(5 * time.Minute),
	}
	if mod != nil {
		mod(cfg)
	}
	o.Now = func() time.Time { return now }
	if o.Resolver == nil {
		o.Resolver = &config.Resolver{LookupEnv: func(name string) (string, bool) {
			return promToken, name == "PROM_TOKEN"
		}}
	}
	return New(cfg, o)
}

// healthy is a Prometheus where our traffic to OpenAI runs at 12 requests
// per second, 10 of them on the stable metric and 2 on the older one, with
// 10% auth errors now against 1% a day earlier.
func healthy(t *testing.T) *fakeProm {
	return &fakeProm{
		t: t,
		instant: func(q string, ts time.Time) string {
			base := ts.Before(now.Add(-time.Hour))
			switch {
			case strings.Contains(q, "class"):
				if base {
					return sample(`"class":"auth"`, 0.1, ts)
				}
				return strings.Join([]string{
					sample(`"class":"auth"`, 1.2, ts),
					sample(`"class":"vendor"`, 0.6, ts),
					sample(`"class":"network"`, 0.12, ts),
					sample(`"class":"throttled"`, 0, ts),
					sample(`"class":""`, 9, ts), // not a class: left out
				}, ",")
			case base:
				return sample(`"server_address":"api.openai.com"`, 10, ts)
			}
			return sample(`"server_address":"api.openai.com","job":"chat"`, 10, ts) + "," +
				sample(`"net_peer_name":"api.openai.com","job":"batch"`, 2, ts)
		},
		ranged: func(q string) string {
			var vals []string
			for i := range 3 {
				at := now.Add(time.Duration(i-2) * time.Minute)
				v := 10.0
				if strings.Contains(q, "class") {
					v = float64(i) // 0, 1, 2 failed per second
				}
				vals = append(vals, fmt.Sprintf(`[%d,"%g"]`, at.Unix(), v))
			}
			return `{"metric":{},"values":[` + strings.Join(vals, ",") + `]}`
		},
	}
}

func TestReadDefaultQueries(t *testing.T) {
	fp := healthy(t)
	srv := httptest.NewServer(fp)
	defer srv.Close()
	got := source(t, srv.URL+"/prometheus/", nil, Options{}).Read(context.Background(), openai("https://api.openai.com/v1"))

	if got.Result != observe.ResultOK || got.Error != "" {
		t.Fatalf("result %s %q, want ok", got.Result, got.Error)
	}
	if got.Series != 2 || got.Rate != 12 {
		t.Errorf("series %d rate %g, want 2 series at 12/s (both spellings summed)", got.Series, got.Rate)
	}
	want := observe.TrafficErrors{Auth: 0.1, Vendor: 0.05, Network: 0.01}
	if !near(got.Errors, want) {
		t.Errorf("errors %+v, want %+v", got.Errors, want)
	}
	if got.Baseline == nil || !near(*got.Baseline, observe.TrafficErrors{Auth: 0.01}) {
		t.Errorf("baseline %+v, want 1%% auth a day earlier", got.Baseline)
	}
	if len(got.Points) != 3 || got.Points[0].At != now.Add(-2*time.Minute) || got.Points[2].Errors != 0.2 || got.Points[1].Rate != 10 {
		t.Errorf("points %+v, want 3 steps, oldest first, 0%%, 10%%, 20%% errors at 10/s", got.Points)
	}
	if got.Window != 5*time.Minute || got.Thresholds != (observe.TrafficThresholds{MinRate: 0.1, MinRatio: 0.05, Rise: 3}) || !got.CheckedAt.Equal(now) {
		t.Errorf("window %s thresholds %+v checked %s", got.Window, got.Thresholds, got.CheckedAt)
	}

	fp.mu.Lock()
	defer fp.mu.Unlock()
	if h := fp.headers.Get("Authorization"); h != "Bearer "+promToken {
		t.Errorf("Authorization %q, want the bearer token", h)
	}
	if h := fp.headers.Get("X-Scope-OrgID"); h != "team-a" {
		t.Errorf("X-Scope-OrgID %q, want team-a", h)
	}
	for _, p := range fp.paths {
		if !strings.HasPrefix(p, "/prometheus/api/v1/") {
			t.Errorf("path %q lost the URL's prefix", p)
		}
	}
	if len(fp.queries) != 6 {
		t.Errorf("%d queries, want 6 (now, a day earlier, the last hour; requests and errors each)", len(fp.queries))
	}
	all := strings.Join(fp.queries, "\n")
	for _, s := range []string{"http_client_request_duration_seconds_count", "http_client_duration_milliseconds_count", "server_address=~`api\\.openai\\.com`", "net_peer_name=~`api\\.openai\\.com`", "[5m]"} {
		if !strings.Contains(all, s) {
			t.Errorf("queries never use %s:\n%s", s, all)
		}
	}
}

func near(a, b observe.TrafficErrors) bool {
	d := func(x, y float64) bool { return x-y < 1e-9 && y-x < 1e-9 }
	return d(a.Auth, b.Auth) && d(a.Throttled, b.Throttled) && d(a.Vendor, b.Vendor) && d(a.Network, b.Network) && d(a.Client, b.Client)
}

func TestReadOverrides(t *testing.T) {
	fp := healthy(t)
	srv := httptest.NewServer(fp)
	defer srv.Close()
	v := openai("https://api.openai.com")
	v.Traffic = &config.VendorTraffic{
		Requests: `sum(rate(my_requests_total{peer="openai"}[5m]))`,
		Errors:   `sum by (class) (rate(my_errors_total{peer="openai"}[5m]))`,
	}
	got := source(t, srv.URL, nil, Options{}).Read(context.Background(), v)
	if got.Result != observe.ResultOK {
		t.Fatalf("result %s %q", got.Result, got.Error)
	}
	fp.mu.Lock()
	defer fp.mu.Unlock()
	for _, q := range fp.queries {
		if strings.Contains(q, "http_client") {
			t.Errorf("an override still ran a default query: %s", q)
		}
	}
	if !strings.Contains(strings.Join(fp.queries, "\n"), "sum("+v.Traffic.Requests+")") {
		t.Errorf("the range query does not sum the override: %q", fp.queries)
	}
}

func TestReadHosts(t *testing.T) {
	q, ok := QueriesFor(catalog.Vendor{ID: "x", Traffic: &config.VendorTraffic{Hosts: []string{"a.example.com", "b.example.com"}}}, time.Minute)
	if !ok || !strings.Contains(q.Requests, "`a\\.example\\.com|b\\.example\\.com`") {
		t.Errorf("hosts not in the query: %s", q.Requests)
	}
	if _, ok := QueriesFor(catalog.Vendor{ID: "x"}, time.Minute); ok {
		t.Errorf("a vendor with neither hosts nor an API host has queries")
	}
}

// answer serves every request with one status and body.
func answer(code int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	})
}

func TestReadFailures(t *testing.T) {
	cases := []struct {
		name    string
		handler http.Handler
		want    observe.Result
		says    string
	}{
		{"bad query", answer(400, `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:9: parse error: unexpected \u001b[31m\"}\"`+promToken+`"}`), observe.ResultMisconfigured, "refused the query: invalid parameter"},
		{"bad token", answer(401, "Unauthorized "+promToken), observe.ResultMisconfigured, "refused our credentials (HTTP 401)"},
		{"wrong prefix", answer(404, "404 page not found"), observe.ResultMisconfigured, "no query API at that address"},
		{"prometheus failing", answer(503, "Service Unavailable"), observe.ResultVendorError, "failed the query"},
		{"query timeout", answer(503, `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`), observe.ResultVendorError, "failed the query"},
		{"execution error", answer(422, `{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}`), observe.ResultVendorError, "many-to-many matching not allowed"},
		{"not json", answer(200, "<html>login</html>"), observe.ResultVendorError, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			got := source(t, srv.URL, nil, Options{}).Read(context.Background(), openai("https://api.openai.com"))
			if got.Result != c.want || !strings.Contains(got.Error, c.says) {
				t.Errorf("got %s %q, want %s saying %q", got.Result, got.Error, c.want, c.says)
			}
			fixture.NoKey(t, "the error", got.Error, promToken)
			fixture.TerminalSafe(t, got, false)
			if got.Rate != 0 || got.Points != nil {
				t.Errorf("a failed read carries numbers: %+v", got)
			}
		})
	}
}

func TestReadDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	got := source(t, url, nil, Options{}).Read(context.Background(), openai("https://api.openai.com"))
	if got.Result != observe.ResultNetworkError || !strings.Contains(got.Error, "cannot be reached") {
		t.Errorf("got %s %q, want network_error", got.Result, got.Error)
	}
}

// TestReadSlow: a Prometheus that never answers costs the signal its own
// deadline and nothing more; the caller's context is not the limit.
func TestReadSlow(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	got := source(t, srv.URL, nil, Options{Timeout: 50 * time.Millisecond}).Read(context.Background(), openai("https://api.openai.com"))
	if got.Result != observe.ResultTimeout || !strings.Contains(got.Error, "did not answer in time") {
		t.Errorf("got %s %q, want timeout", got.Result, got.Error)
	}
}

func TestReadTokenUnset(t *testing.T) {
	fp := healthy(t)
	srv := httptest.NewServer(fp)
	defer srv.Close()
	s := source(t, srv.URL, nil, Options{Resolver: &config.Resolver{LookupEnv: func(string) (string, bool) { return "", false }}})
	got := s.Read(context.Background(), openai("https://api.openai.com"))
	if got.Result != observe.ResultNoSecret || !strings.Contains(got.Error, "env:PROM_TOKEN") {
		t.Errorf("got %s %q, want no_secret naming env:PROM_TOKEN", got.Result, got.Error)
	}
	if len(fp.queries) != 0 {
		t.Errorf("queried Prometheus without the token")
	}
}

func TestNilWithoutConfig(t *testing.T) {
	if New(nil, Options{}) != nil {
		t.Errorf("a source without traffic: config")
	}
}

// TestReadRedirectKeepsToken: a Prometheus that redirects to another host
// does not get the token sent there; the read fails instead.
func TestReadRedirectKeepsToken(t *testing.T) {
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || r.Header.Get("X-Scope-OrgID") != "" {
			leaked.Store(true)
		}
		http.NotFound(w, r)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	got := source(t, srv.URL, nil, Options{}).Read(context.Background(), openai("https://api.openai.com"))
	if leaked.Load() {
		t.Fatal("the token or headers followed a redirect to another host")
	}
	if got.Result == observe.ResultOK || !strings.Contains(got.Error, "refused a redirect to another host") {
		t.Errorf("got %s %q, want a failure that says the redirect was refused", got.Result, got.Error)
	}
}

// TestReadOddNumbers: NaN, infinities and negative rates (a counter
// reset seen through a hand-written override) are left out, so the
// signal always encodes as JSON.
func TestReadOddNumbers(t *testing.T) {
	fp := &fakeProm{t: t,
		instant: func(q string, ts time.Time) string {
			if strings.Contains(q, "class") {
				return `{"metric":{"class":"vendor"},"value":[1,"NaN"]},{"metric":{"class":"auth"},"value":[1,"+Inf"]},{"metric":{"class":"client"},"value":[1,"0.5"]}`
			}
			return `{"metric":{"job":"a"},"value":[1,"NaN"]},{"metric":{"job":"b"},"value":[1,"-3"]},{"metric":{"job":"c"},"value":[1,"2"]}`
		},
		ranged: func(q string) string { return `{"metric":{},"values":[[60,"NaN"],[120,"+Inf"],[180,"1"]]}` },
	}
	srv := httptest.NewServer(fp)
	defer srv.Close()
	got := source(t, srv.URL, nil, Options{}).Read(context.Background(), openai("https://api.openai.com"))
	if got.Result != observe.ResultOK || got.Rate != 2 || got.Errors != (observe.TrafficErrors{Client: 0.25}) {
		t.Errorf("got %s rate %g errors %+v, want 2/s with 25%% client errors", got.Result, got.Rate, got.Errors)
	}
	if _, err := json.Marshal(got); err != nil {
		t.Errorf("the signal does not encode: %v", err)
	}
	if len(got.Points) != 1 || got.Points[0].Rate != 1 {
		t.Errorf("points %+v, want the one usable step", got.Points)
	}
}
