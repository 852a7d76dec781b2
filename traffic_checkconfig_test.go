package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// TestCheckConfigRunsTrafficQueries: check-config runs each vendor's
// traffic queries once against the configured Prometheus, with the
// token, and says what it found per vendor; a query Prometheus refuses is
// reported with Prometheus's reason, and the token is never shown.
func TestCheckConfigRunsTrafficQueries(t *testing.T) {
	const token = "glc_Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aU4iO6eT8rW0qS3"
	var unauthorized atomic.Int32
	prom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			unauthorized.Add(1)
		}
		_ = r.ParseForm()
		q := r.Form.Get("query")
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(q, "my_requests_total"):
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:40: parse error: unclosed left parenthesis"}`)
		case strings.HasSuffix(r.URL.Path, "/query_range"):
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[]}}`)
		case strings.Contains(q, "api\\.openai\\.com") && strings.Contains(q, "class"):
			fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"class":"auth"},"value":[%d,"3"]}]}}`, time.Now().Unix())
		case strings.Contains(q, "api\\.openai\\.com"):
			fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"server_address":"api.openai.com","job":"a"},"value":[%[1]d,"8"]},{"metric":{"server_address":"api.openai.com","job":"b"},"value":[%[1]d,"4"]}]}}`, time.Now().Unix())
		default:
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
		}
	}))
	defer prom.Close()
	t.Setenv("VW_TEST_PROM_TOKEN", token)
	cfg := writeConfig(t, `traffic:
  prometheus:
    url: `+prom.URL+`
    token: env:VW_TEST_PROM_TOKEN
vendors:
  - id: openai
  - id: anthropic
  - id: vapi
    traffic:
      requests: 'sum(rate(my_requests_total{peer="vapi"}[5m])'
      errors: 'sum by (class) (rate(my_errors_total{peer="vapi"}[5m]))'
`)
	stdout, stderr, code := runCLI(t, "check-config", "--config", cfg)
	if code != 0 {
		t.Fatalf("check-config exit %d:\n%s%s", code, stdout, stderr)
	}
	fixture.NoKey(t, "check-config", stdout+stderr, token)
	if unauthorized.Load() != 0 {
		t.Errorf("%d queries went without the token", unauthorized.Load())
	}
	for _, want := range []string{
		"TRAFFIC from " + prom.URL + " (token env:VW_TEST_PROM_TOKEN",
		"openai     hosts api.openai.com     2       12     25.0%   ok",
		"anthropic  hosts api.anthropic.com  0       0      0.0%    ok, but no series",
		`vapi       custom                   -       -      -       misconfigured: Prometheus at ` + prom.URL + ` refused the query: invalid parameter "query": 1:40: parse error: unclosed left parenthesis`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check-config lacks %q:\n%s", want, stdout)
		}
	}
}
