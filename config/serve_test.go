package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
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
		{14, `url: only applies to webhook, slack, discord, teams, pagerduty and opsgenie`},
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

// A serve token shorter than MinTokenLength is refused at its line,
// without repeating it; a reference is checked when serve resolves it.
func TestServeTokenLength(t *testing.T) {
	tests := []struct {
		name, token string
		bad         bool
	}{
		{"one character", "Q", true},
		{"fifteen characters", "abcdefghijklmno", true},
		{"sixteen characters", "abcdefghijklmnop", false},
		{"a reference is resolved later", "env:VW_T", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "interval: 60s\nserve:\n  listen: 127.0.0.1:9321\n  token: " + tt.token + "\n"
			_, err := Parse([]byte(src), "/etc/vw.yaml", true, cat)
			if !tt.bad {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "/etc/vw.yaml:4: serve token is shorter than 16 characters") {
				t.Fatalf("err = %v", err)
			}
			if msg := strings.ReplaceAll(err.Error(), "/etc/vw.yaml", ""); strings.Contains(msg, tt.token) {
				t.Errorf("the error repeats the token: %v", err)
			}
		})
	}
}

// The calendar token is checked like the serve token, and may not be the
// serve token: it goes in calendar URLs.
func TestServeCalendarToken(t *testing.T) {
	tests := []struct{ cal, err string }{
		{"env:VW_CAL", ""},
		{"abcdefghijklmnopq", ""},
		{"short", "/etc/vw.yaml:5: serve calendar_token is shorter than 16 characters"},
		{"env:VW_T", "/etc/vw.yaml:5: serve calendar_token is the serve token"},
	}
	for _, tt := range tests {
		src := "interval: 60s\nserve:\n  listen: 127.0.0.1:9321\n  token: env:VW_T\n  calendar_token: " + tt.cal + "\n"
		_, err := Parse([]byte(src), "/etc/vw.yaml", true, cat)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.cal, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: err = %v, want %q", tt.cal, err, tt.err)
		}
	}
}

func TestParseListen(t *testing.T) {
	tests := []struct {
		addr, network, address, err string
	}{
		{"127.0.0.1:9321", "tcp", "127.0.0.1:9321", ""},
		{":9321", "tcp", ":9321", ""},
		{"[::1]:0", "tcp", "[::1]:0", ""},
		{"unix:/run/vendorwatch/vendorwatch.sock", "unix", "/run/vendorwatch/vendorwatch.sock", ""},
		{"unix:/run/vendorwatch/../vw.sock", "unix", "/run/vw.sock", ""},
		{"unix:vw.sock", "", "", "absolute socket path"},
		{"unix:", "", "", "absolute socket path"},
		{"localhost", "", "", "want host:port"},
		{"localhost:http", "", "", `port "http"`},
		{"localhost:70000", "", "", `port "70000"`},
	}
	for _, tt := range tests {
		network, address, err := ParseListen(tt.addr)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err %v, want %q", tt.addr, err, tt.err)
			}
			continue
		}
		if err != nil || network != tt.network || address != tt.address {
			t.Errorf("%q = %s %s %v, want %s %s", tt.addr, network, address, err, tt.network, tt.address)
		}
	}
}

// serve.tls is checked at load: both files given, readable, a key that
// matches the certificate and that others cannot read; relative paths
// are the config file's directory's.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := fixture.TLSCert(t, dir, "server")
	otherCert, otherKey := fixture.TLSCert(t, dir, "other")
	open := filepath.Join(dir, "open.key")
	b, _ := os.ReadFile(key)
	os.WriteFile(open, b, 0o644)
	cfgPath := filepath.Join(dir, "config.yaml")

	cfg, err := Parse([]byte("serve:\n  tls: {cert: server.crt, key: server.key}\n"), cfgPath, true, cat)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Serve.TLS.Cert != cert || cfg.Serve.TLS.Key != key {
		t.Errorf("relative paths = %+v, want %s and %s", cfg.Serve.TLS, cert, key)
	}

	tests := []struct {
		name, tls string
		line      int
		want      string
	}{
		{"no key", "{cert: " + cert + "}", 3, "serve tls needs key"},
		{"missing file", "{cert: " + dir + "/nope.crt, key: " + key + "}", 3, "nope.crt: no such file"},
		{"another certificate's key", "{cert: " + cert + ", key: " + otherKey + "}", 3, "are not a certificate and its key: tls: private key does not match public key"},
		{"a key for a certificate", "{cert: " + key + ", key: " + key + "}", 3, "are not a certificate and its key"},
		{"a key others can read", "{cert: " + otherCert + ", key: " + open + "}", 3, "others can read this private key: chmod o-r"},
		{"a directory", "{cert: " + dir + ", key: " + key + "}", 3, "is not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "interval: 60s\nserve:\n  tls: " + tt.tls + "\n"
			_, err := Parse([]byte(src), cfgPath, true, cat)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("config.yaml:%d: ", tt.line)) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want line %d: %q", err, tt.line, tt.want)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY") || strings.Contains(err.Error(), string(b[40:60])) {
				t.Errorf("the error quotes the key: %v", err)
			}
		})
	}
	if _, err := Parse([]byte("serve:\n  listen: unix:/run/vw.sock\n  tls: {cert: "+cert+", key: "+key+"}\n"), cfgPath, true, cat); err == nil ||
		!strings.Contains(err.Error(), "config.yaml:3: serve tls: a unix socket is guarded by its file permissions") {
		t.Errorf("tls on a unix socket: %v", err)
	}
}
