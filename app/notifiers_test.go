package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vendorwatch/vendorwatch/notify"
)

// Every notifier type of the config becomes its sender, with its
// credentials resolved and its routes carried over.
func TestNotifiersFromConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(`vendors:
  - id: openai
    keys: [{name: prod, secret: env:VW_NT_OPENAI}]
  - id: vapi
notify:
  - {name: pd, type: pagerduty, routing_key: env:VW_NT_PD, url: "https://events.eu.pagerduty.com/v2/enqueue", vendors: [vapi]}
  - {name: og, type: opsgenie, api_key: env:VW_NT_OG, kinds: [key_revoked]}
  - {name: tm, type: teams, url: env:VW_NT_TEAMS}
  - {name: dc, type: discord, url: env:VW_NT_DISCORD, keys: [prod]}
  - {name: em, type: email, smtp: "smtp.example.com:587", from: a@example.com, to: [b@example.com], username: vw, password: env:VW_NT_PW}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"VW_NT_PD": "r0ut1ngk3y0f4f4k3s3rv1c3abcdef12", "VW_NT_OG": "og-key", "VW_NT_TEAMS": "https://example.com/workflows/x",
		"VW_NT_DISCORD": "https://discord.com/api/webhooks/1/x", "VW_NT_PW": "pw"} {
		t.Setenv(k, v)
	}
	a, err := Load(Options{ConfigPath: cfg, StateDir: filepath.Join(dir, "state")})
	if err != nil {
		t.Fatal(err)
	}
	ns, problems := a.notifiers(context.Background())
	if len(problems) != 0 || len(ns) != 5 {
		t.Fatalf("notifiers %d, problems %v", len(ns), problems)
	}
	if pd, ok := ns[0].Sender.(*notify.PagerDuty); !ok || pd.RoutingKey != "r0ut1ngk3y0f4f4k3s3rv1c3abcdef12" || pd.URL != "https://events.eu.pagerduty.com/v2/enqueue" ||
		!slices.Equal(ns[0].Vendors, []string{"vapi"}) {
		t.Errorf("pagerduty = %+v %+v", ns[0], ns[0].Sender)
	}
	if og, ok := ns[1].Sender.(*notify.Opsgenie); !ok || og.APIKey != "og-key" || !slices.Equal(ns[1].Kinds, []string{"key_revoked"}) {
		t.Errorf("opsgenie = %+v", ns[1])
	}
	if c, ok := ns[2].Sender.(*notify.Chat); !ok || c.Service != notify.Teams || c.URL != "https://example.com/workflows/x" {
		t.Errorf("teams = %+v", ns[2].Sender)
	}
	if c, ok := ns[3].Sender.(*notify.Chat); !ok || c.Service != notify.Discord || !slices.Equal(ns[3].Keys, []string{"prod"}) {
		t.Errorf("discord = %+v", ns[3])
	}
	if m, ok := ns[4].Sender.(*notify.Email); !ok || m.Addr != "smtp.example.com:587" || m.Password != "pw" || m.To[0] != "b@example.com" {
		t.Errorf("email = %+v", ns[4].Sender)
	}
}
