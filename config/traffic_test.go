package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fileperm"
)

func TestParseTraffic(t *testing.T) {
	src := `probe_interval: 30s
traffic:
  prometheus:
    url: https://prometheus-prod-10.grafana.net/api/prom
    token: env:PROM_TOKEN
    headers: {X-Scope-OrgID: team-a}
  thresholds: {min_rate: 1}
vendors:
  - id: openai
    traffic:
      hosts: [api.openai.com, eu.api.openai.com]
  - id: vapi
    traffic:
      requests: 'sum(rate(my_requests_total{peer="vapi"}[5m]))'
      errors: 'sum by (class) (rate(my_errors_total{peer="vapi"}[5m]))'
`
	cfg, err := Parse([]byte(src), "ok.yaml", false, cat)
	if err != nil {
		t.Fatal(err)
	}
	tr := cfg.Traffic
	if tr == nil || tr.Prometheus.Token.String() != "env:PROM_TOKEN" || tr.Prometheus.Headers["X-Scope-OrgID"] != "team-a" {
		t.Fatalf("traffic = %+v", tr)
	}
	if tr.Window.D() != DefaultTrafficWindow || tr.Interval.D() != 30*time.Second {
		t.Errorf("window %s interval %s, want the default window and the probe interval", tr.Window, tr.Interval)
	}
	if r, q, x := tr.Thresholds.Values(); r != 1 || q != DefaultTrafficMinRatio || x != DefaultTrafficRise {
		t.Errorf("thresholds %g %g %g, want min_rate 1 and the defaults", r, q, x)
	}
	if h := cfg.Vendors[0].Traffic.Hosts; len(h) != 2 || cfg.Vendors[1].Traffic.Requests == "" {
		t.Errorf("vendor traffic = %+v %+v", cfg.Vendors[0].Traffic, cfg.Vendors[1].Traffic)
	}

	cfg, err = Parse([]byte("vendors: [{id: openai}]\n"), "none.yaml", false, cat)
	if err != nil || cfg.Traffic != nil {
		t.Errorf("without traffic: the block is %+v (%v), want nil", cfg.Traffic, err)
	}
}

func TestTrafficProblems(t *testing.T) {
	src := `traffic:
  prometheus:
    url: ftp://prom.internal
    token: env:PROM_TOKEN=glc_abc
    headers: {Authorization: Bearer x}
  window: 10s
  interval: 5s
  thresholds: {min_rate: -1, min_ratio: 5, rise: 0.5}
vendors:
  - id: openai
    traffic:
      hosts: ["https://api.openai.com/v1"]
      requests: ""
      errors: " "
`
	checkProblems(t, problemsOf(t, src), []wantProblem{
		{3, "not an http(s) URL"},
		{4, "holds the value itself"},
		{5, "Authorization carries a credential"},
		{6, "traffic window 10s must be between 30s and 24h0m0s"},
		{7, "traffic interval 5s is below the minimum"},
		{8, "min_rate must be 0 or more"},
		{8, "min_ratio is a ratio above 0 and at most 1"},
		{8, "rise must be at least 1"},
		{12, "write a host name"},
		{13, "traffic requests: is empty"},
		{14, "traffic errors: is empty"},
	})

	checkProblems(t, problemsOf(t, "traffic: {window: 5m}\n"), []wantProblem{{1, "traffic: needs prometheus: url:"}})
	checkProblems(t, problemsOf(t, "vendors:\n  - id: openai\n    traffic: {hosts: [api.openai.com]}\n"), []wantProblem{{3, "no top-level traffic: prometheus:"}})
	checkProblems(t, problemsOf(t, "traffic: {prometheus: {url: 'http://u:p@prom:9090'}}\n"), []wantProblem{{1, "credentials do not go in the URL"}})
	checkProblems(t, problemsOf(t, "traffic: {prometheus: {url: 'http://prom:9090', bogus: 1}}\n"), []wantProblem{{1, `unknown option "bogus" in traffic prometheus`}})
	checkProblems(t, problemsOf(t, "traffic:\n  prometheus:\n    url: http://prometheus.monitoring:9090\n    token: env:PROM_TOKEN\n"), []wantProblem{{4, "a token goes only over https"}})
}

type wantProblem struct {
	line int
	text string
}

func checkProblems(t *testing.T, got []Problem, want []wantProblem) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, p := range got {
			found = found || (p.Line == w.line && strings.Contains(p.Msg, w.text))
		}
		if !found {
			t.Errorf("no problem at line %d saying %q; got:\n%s", w.line, w.text, strings.Join(fmtProblems(got), "\n"))
		}
	}
}

// TestTrafficTokenTrust: the Prometheus token is a secret like a key's: a
// literal only in a private file, a command only in a file nobody else
// can change, and never quoted.
func TestTrafficTokenTrust(t *testing.T) {
	const token = "glc_eyJvIjoiMTIzNDU2IiwibiI6InZ3LXJlYWQiLCJrIjoiUW00eFo4dlIybkw2dFkwd0szcEo5c0QxIn0="
	literal := "traffic:\n  prometheus:\n    url: http://127.0.0.1:9090\n    token: " + token + "\n"
	if _, err := Parse([]byte(literal), "private.yaml", true, cat); err != nil {
		t.Errorf("a literal token in a private file: %v", err)
	}
	_, err := Parse([]byte(literal), "loose.yaml", false, cat)
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "literal secret is refused") || strings.Contains(err.Error(), token) {
		t.Errorf("a literal token in a readable file: %v", err)
	}
	cmd := "traffic:\n  prometheus:\n    url: http://127.0.0.1:9090\n    token: cmd:vault read -field=token secret/prom\n"
	_, err = parse([]byte(cmd), "c.yaml", fileperm.Access{Mode: 0o666, Owner: -1, Self: -1, POSIX: true}, cat)
	if err == nil || !strings.Contains(err.Error(), "runs a command as you and is refused") {
		t.Errorf("a cmd: token in a file others can change: %v", err)
	}
	if _, err := parse([]byte(cmd), "c.yaml", fileperm.Access{Mode: 0o600, Owner: -1, Self: -1, POSIX: true}, cat); err != nil {
		t.Errorf("a cmd: token in a private file: %v", err)
	}
}
