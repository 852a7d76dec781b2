package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseServeAndNotify(t *testing.T) {
	src := `serve:
  listen: 0.0.0.0:9321
  token: env:VW_TOKEN
notify:
  - type: slack
    url: env:VW_SLACK_WEBHOOK
    min_severity: critical
  - type: webhook
    name: pager
    url: https://alerts.example.com/vendorwatch
    quiet: 30m
    events: [opened, closed]
    expire: 2d
  - type: command
    command: "/usr/local/bin/page-oncall --team 'voice ops'"
    env: [PAGER_TOKEN]
    timeout: 5s
  - type: desktop
`
	cfg, err := Parse([]byte(src), "ok.yaml", false, cat)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Serve.Listen != "0.0.0.0:9321" || cfg.Serve.Token.Kind != SecretEnv || cfg.Serve.Token.Value != "VW_TOKEN" {
		t.Errorf("serve = %+v", cfg.Serve)
	}
	if len(cfg.Notify) != 4 {
		t.Fatalf("notify = %+v", cfg.Notify)
	}
	slack, hook, cmd, desk := cfg.Notify[0], cfg.Notify[1], cfg.Notify[2], cfg.Notify[3]
	if slack.Name != "slack-1" || slack.URL.Kind != SecretEnv || slack.MinSeverity != "critical" ||
		slack.Quiet.D() != DefaultNotifyQuiet || !slices.Equal(slack.Events, DefaultNotifyEvents) || slack.Line != 5 || slack.Expire.D() != DefaultNotifyExpire {
		t.Errorf("slack = %+v", slack)
	}
	if hook.Name != "pager" || hook.URL.Kind != SecretLiteral || hook.Quiet.D() != 30*time.Minute ||
		!slices.Equal(hook.Events, []string{"opened", "closed"}) || hook.MinSeverity != "warning" || hook.Expire.D() != 48*time.Hour {
		t.Errorf("webhook = %+v", hook)
	}
	if cmd.Timeout.D() != 5*time.Second || cmd.Env[0] != "PAGER_TOKEN" || hook.Timeout.D() != DefaultNotifyTimeout {
		t.Errorf("command = %+v", cmd)
	}
	if desk.Name != "desktop-4" {
		t.Errorf("desktop = %+v", desk)
	}
}

func TestServeDefaults(t *testing.T) {
	cfg, err := Parse([]byte("interval: 60s\n"), "d.yaml", false, cat)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Serve.Listen != DefaultListen || !cfg.Serve.Token.IsZero() || len(cfg.Notify) != 0 {
		t.Errorf("defaults: serve %+v notify %+v", cfg.Serve, cfg.Notify)
	}
	if Default().Serve.Listen != DefaultListen {
		t.Errorf("Default() has no listen address")
	}
}

// Every mistake in serve: and notify: is reported at once, at its line.
func TestParseServeAndNotifyProblems(t *testing.T) {
	src := `serve:
  listen: localhost
  token: s3cr3t-literal-token
notify:
  - type: pager
  - type: slack
    url: https://hooks.slack.com/services/T000/B000/XXXX
  - type: webhook
  - type: webhook
    url: ftp://example.com/hook
    command: echo hi
  - type: command
  - type: desktop
    url: https://example.com
    min_severity: loud
    quiet: 10s
    events: [opened, reopened]
    env: [A]
  - name: x
  - type: command
    name: x
    command: "unclosed 'quote"
    env: ["NOT A NAME"]
    timeout: 1h
    expire: 30d
`
	got := problemsOf(t, src)
	want := []struct {
		line int
		text string
	}{
		{2, `serve listen "localhost"`},
		{3, `literal secret is refused`},
		{5, `notifier type "pager"`},
		{7, `Slack webhook URL is a credential`},
		{8, `needs url:`},
		{10, `notifier url is not an http(s) URL`},
		{11, `command: only applies to command notifiers`},
		{12, `needs command:`},
		{14, `url: only applies to webhook and slack`},
		{15, `min_severity "loud"`},
		{16, `quiet 10s is below the minimum`},
		{17, `event "reopened"`},
		{18, `env: only applies to command notifiers`},
		{19, `notifier #7 has no type`},
		{21, `duplicate notifier name "x"`},
		{22, `cannot split the command`},
		{23, `"NOT A NAME" is not a variable name`},
		{24, `notifier timeout 1h0m0s is outside`},
		{25, `notifier expire 720h0m0s is outside 1m..7d`},
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
		if strings.Contains(p.Msg, "s3cr3t") || strings.Contains(p.Msg, "XXXX") || strings.Contains(p.Msg, "ftp://") {
			t.Errorf("a problem repeats a secret: %s", p.Msg)
		}
	}
}

func TestUnknownServeOption(t *testing.T) {
	got := problemsOf(t, "serve:\n  port: 80\nnotify:\n  - type: desktop\n    sound: true\n")
	text := strings.Join(fmtProblems(got), "\n")
	for _, want := range []string{`f:2: unknown option "port" in serve`, `f:5: unknown option "sound" in a notifier`} {
		if !strings.Contains(text, want) {
			t.Errorf("want %q in:\n%s", want, text)
		}
	}
}
