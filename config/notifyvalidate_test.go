package config

import (
	"slices"
	"strings"
	"testing"
)

func TestParsePagerDutyAndRoutes(t *testing.T) {
	src := `vendors:
  - id: openai
    keys: [{name: prod, secret: env:OPENAI_API_KEY}]
  - id: vapi
notify:
  - type: pagerduty
    name: voice-pager
    routing_key: env:PD_ROUTING_KEY
    min_severity: critical
    vendors: [vapi]
  - type: slack
    url: env:VW_SLACK
    kinds: [key_revoked, key_expiring]
    keys: [prod]
  - type: email
    smtp: smtp.example.com:587
    from: vendorwatch@example.com
    to: [oncall@example.com]
    username: vw
    password: env:SMTP_PASSWORD
`
	cfg, err := Parse([]byte(src), "ok.yaml", false, cat)
	if err != nil {
		t.Fatal(err)
	}
	pd, slack := cfg.Notify[0], cfg.Notify[1]
	if pd.Type != NotifyPagerDuty || pd.RoutingKey.Kind != SecretEnv || pd.RoutingKey.Value != "PD_ROUTING_KEY" || !slices.Equal(pd.Vendors, []string{"vapi"}) {
		t.Errorf("pagerduty = %+v", pd)
	}
	if !slices.Equal(slack.Kinds, []string{"key_revoked", "key_expiring"}) || !slices.Equal(slack.Keys, []string{"prod"}) || len(slack.Vendors) != 0 {
		t.Errorf("slack = %+v", slack)
	}
	if m := cfg.Notify[2]; m.Type != NotifyEmail || m.SMTP != "smtp.example.com:587" || m.To[0] != "oncall@example.com" || m.Password.Value != "SMTP_PASSWORD" {
		t.Errorf("email = %+v", m)
	}
}

// Each mistake in a PagerDuty notifier or a route is reported at its
// line, and a routing key written into a readable file is never echoed.
func TestPagerDutyAndRouteProblems(t *testing.T) {
	src := `vendors:
  - id: openai
    keys: [{name: prod, secret: env:OPENAI_API_KEY}]
notify:
  - type: pagerduty
  - type: pagerduty
    routing_key: r0ut1ngk3y0f4f4k3s3rv1c3abcdef12
    url: http://events.pagerduty.com/v2/enqueue
  - type: webhook
    url: https://example.com/hook
    routing_key: env:PD
    api_key: env:OG
    vendors: [openia]
    kinds: [Key-Revoked]
    keys: [prd]
  - type: opsgenie
    url: https://api.eu.opsgenie.com
  - type: teams
    url: https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=s1gn4tur3
  - type: discord
  - type: email
    smtp: mail.example.com
    from: not an address
    password: hunter2-l1teral
  - type: email
    smtp: smtp.example.com:587
    from: vendorwatch@example.com
    to: [oncall@example.com]
    username: vw
  - type: webhook
    url: https://example.com/hook
    to: [x@example.com]
`
	got := problemsOf(t, src)
	want := []struct {
		line int
		text string
	}{
		{5, `(pagerduty) needs routing_key`},
		{7, `a literal secret is refused`},
		{8, `notifier url is not an https URL`},
		{11, `routing_key: only applies to pagerduty`},
		{12, `api_key: only applies to opsgenie`},
		{13, `routes vendor "openia", which vendors: does not list`},
		{14, `routes kind "Key-Revoked"`},
		{15, `routes key "prd"`},
		{16, `(opsgenie) needs api_key`},
		{19, `a Teams webhook URL is a credential`},
		{20, `notifier "discord-6" (discord) needs url:`},
		{21, `(email) needs to:`},
		{22, `smtp "mail.example.com" is not host:port`},
		{23, `from "not an address" is not a mail address`},
		{24, `password: needs username:`},
		{29, `username: needs password:`},
		{32, `to: only applies to email notifiers`},
	}
	for _, w := range want {
		found := false
		for _, p := range got {
			if p.Line == w.line && strings.Contains(p.Msg, w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem at line %d saying %q; got:\n%s", w.line, w.text, strings.Join(fmtProblems(got), "\n"))
		}
	}
	for _, p := range got {
		if strings.Contains(p.Msg, "r0ut1ngk3y") || strings.Contains(p.Msg, "s1gn4tur3") || strings.Contains(p.Msg, "hunter2") {
			t.Errorf("a problem shows the routing key: %s", p.Msg)
		}
	}
}
