package config

import (
	"strings"
	"testing"
	"time"
)

func TestAdminValid(t *testing.T) {
	src := `
vendors:
  - id: openai
    admin:
      secret: env:OPENAI_ADMIN_KEY
      interval: 10m
      expiry_warning: 30d
  - id: anthropic
    admin: {secret: env:ANTHROPIC_ADMIN_KEY}
  - id: vapi
    keys: [{name: prod, secret: env:VAPI_API_KEY}]
    admin: {}
`
	cfg, err := Parse([]byte(src), "test.yaml", false, cat)
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Vendors[0].Admin
	if a.Secret.String() != "env:OPENAI_ADMIN_KEY" || a.Interval.D() != 10*time.Minute || a.ExpiryWarning.D() != 30*24*time.Hour {
		t.Errorf("openai admin = %+v", a)
	}
	if v := cfg.Vendors[2].Admin; v == nil || !v.Secret.IsZero() {
		t.Errorf("vapi admin = %+v", v)
	}
}

func TestAdminProblems(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		want      string
	}{
		{"openai without secret", "vendors:\n  - id: openai\n    admin:\n      interval: 5m\n", 4, "admin: needs secret: (the openai admin key)"},
		{"vendor without admin API", "vendors:\n  - id: openai\n  - id: acme\n    status: [{url: https://s.acme.test}]\n    admin: {secret: env:X}\n", 5, "admin: works for openai, anthropic, vapi only"},
		{"interval too short", "vendors:\n  - id: openai\n    admin:\n      secret: env:K\n      interval: 10s\n", 5, "admin interval 10s is below the minimum of 1m0s"},
		{"expiry warning too short", "vendors:\n  - id: anthropic\n    admin:\n      secret: env:K\n      expiry_warning: 1m\n", 5, "expiry_warning 1m0s is below the minimum"},
		{"vapi with nothing to read with", "vendors:\n  - id: vapi\n    keys: [{name: c, secret: env:C, canary: true}]\n    admin: {interval: 2m}\n", 4, "admin: on vapi reads the call records with secret:"},
		{"literal in a readable file", "vendors:\n  - id: openai\n    admin:\n      secret: sk-admin-abcdefghijklmnop\n", 4, "a literal secret is refused"},
		{"unknown option", "vendors:\n  - id: openai\n    admin:\n      secret: env:K\n      window: 5m\n", 5, `unknown option "window" in admin`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := problemsOf(t, tc.src)
			if len(ps) != 1 || ps[0].Line != tc.line || !strings.Contains(ps[0].Msg, tc.want) {
				t.Errorf("problems = %v, want line %d %q", fmtProblems(ps), tc.line, tc.want)
			}
			for _, p := range ps {
				if strings.Contains(p.Msg, "sk-admin-abcdefghijklmnop") {
					t.Errorf("a problem echoes the literal admin key: %q", p.Msg)
				}
			}
		})
	}
}
