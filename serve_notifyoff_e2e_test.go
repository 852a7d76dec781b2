package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// serve --notify=false, the HA replica behind Alertmanager: the finding
// is in /metrics for Prometheus to alert on, and the config's webhook is
// never called, though serve with notifications would call it on this
// very finding (TestServeNotifiesWithoutKeys).
func TestServeNotifyFalseSendsNothing(t *testing.T) {
	t.Setenv("VW_OPENAI_PROD", probeKeys["openai-broken"])
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	openai := fakeVendorAPI(t, "openai") // every key rejected
	hook := newRecordingHook(t, 0)
	cfg := writeConfig(t, fmt.Sprintf(`vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    keys:
      - {name: prod, secret: env:VW_OPENAI_PROD}
notify:
  - type: webhook
    url: %[2]s/hook
`, openai.URL, hook.URL))
	srv := startServe(t, "", "--config", cfg, "--state-dir", t.TempDir(), "--notify=false")
	want := `vendorwatch_finding{kind="key_revoked",severity="critical",vendor="openai"} 1`
	deadline := time.Now().Add(15 * time.Second)
	metrics := metricsOf(t, srv.url)
	for !strings.Contains(metrics, want) {
		if time.Now().After(deadline) {
			t.Fatalf("no key_revoked finding in /metrics:\n%s\n%s", metrics, srv.stderr)
		}
		time.Sleep(50 * time.Millisecond)
		metrics = metricsOf(t, srv.url)
	}
	if code, _ := srv.stop(); code != 0 {
		t.Errorf("serve exited %d:\n%s", code, srv.stderr)
	}
	if requests, _ := hook.counts(); requests != 0 {
		t.Errorf("serve --notify=false called the webhook %d times", requests)
	}
	if !strings.Contains(srv.stderr.String(), "notifications off (--notify=false)") {
		t.Errorf("serve does not say notifications are off:\n%s", srv.stderr)
	}
	if strings.Contains(metrics, `vendorwatch_notifications_total{`) {
		t.Errorf("a replica without notifications counts some:\n%s", metrics)
	}
}
