package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/notify"
)

// recordingHook is a webhook receiver that fails the first fail requests
// with a 500 and keeps the payloads of the others.
type recordingHook struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
	got      []notify.Payload
}

func newRecordingHook(t *testing.T, fail int) *recordingHook {
	h := &recordingHook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.requests++
		if h.requests <= fail {
			http.Error(w, "slack is having a moment", http.StatusInternalServerError)
			return
		}
		var p notify.Payload
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("webhook body: %v\n%s", err, b)
		}
		h.got = append(h.got, p)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *recordingHook) counts() (requests, delivered int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests, len(h.got)
}

// metricsOf scrapes a server's /metrics.
func metricsOf(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// stateFiles is everything a run left in the state dir, for key checks.
func stateFiles(t *testing.T, dir string) string {
	t.Helper()
	var all strings.Builder
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
			all.Write(b)
		}
	}
	return all.String()
}

// notifyConfig is one OpenAI vendor whose key every probe rejects (the
// vendor echoes the key), with a webhook notifier.
func notifyConfig(t *testing.T, hookURL string) string {
	key := probeKeys["openai-broken"]
	t.Setenv("VW_OPENAI_PROD", key)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	openai := fakeVendorAPI(t, "openai")
	return writeConfig(t, fmt.Sprintf(`vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
    keys:
      - {name: prod, secret: env:VW_OPENAI_PROD}
notify:
  - type: webhook
    name: team
    url: %[2]s/hook
`, openai.URL, hookURL))
}

// The acceptance case end to end: serve's webhook answers 500 once, and
// the notification still arrives, on the retry; /metrics counts the
// failure and shows nothing pending. A second serve on the same state dir
// (the same config) sends nothing: it says another process sends, and
// its /metrics says it is not the sender. No key reaches the webhook, the
// logs, the metrics or the outbox.
func TestServeRetriesAFailedNotification(t *testing.T) {
	hook := newRecordingHook(t, 1)
	cfg := notifyConfig(t, hook.URL)
	tweakApp = func(o *app.Options) { o.NotifyBackoff = func(int) time.Duration { return 100 * time.Millisecond } }
	defer func() { tweakApp = nil }()
	state := t.TempDir()
	first := startServe(t, "", "--config", cfg, "--state-dir", state)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, n := hook.counts(); n == 1 {
			break
		}
		if time.Now().After(deadline) {
			req, n := hook.counts()
			t.Fatalf("%d requests, %d delivered:\n%s", req, n, first.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The receiver has the payload a moment before serve has its answer.
	metrics := metricsOf(t, first.url)
	settled := func(m string) bool {
		return strings.Contains(m, `vendorwatch_notifications_pending{notifier="team"} 0`) &&
			strings.Contains(m, `vendorwatch_notifications_total{notifier="team",result="sent"} 1`)
	}
	for i := 0; i < 100 && !settled(metrics); i++ {
		time.Sleep(20 * time.Millisecond)
		metrics = metricsOf(t, first.url)
	}
	for _, want := range []string{
		`vendorwatch_notifications_total{notifier="team",result="failed"} 1`,
		`vendorwatch_notifications_total{notifier="team",result="sent"} 1`,
		`vendorwatch_notifications_pending{notifier="team"} 0`,
		`vendorwatch_notifications_active{notifier="team"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	second := startServe(t, "", "--config", cfg, "--state-dir", state)
	if !strings.Contains(second.stderr.String(), "sends this state dir's notifications; this serve does not") ||
		!strings.Contains(second.stderr.String(), "1 notifiers, sent by another process") {
		t.Errorf("the second serve does not say who sends:\n%s", second.stderr)
	}
	metrics2 := metricsOf(t, second.url)
	if !strings.Contains(metrics2, `vendorwatch_notifications_active{notifier="team"} 0`) {
		t.Errorf("the second serve's /metrics claims to send")
	}
	time.Sleep(300 * time.Millisecond) // room for a wrong second delivery
	second.stop()
	if code, _ := first.stop(); code != 0 {
		t.Errorf("serve exited %d", code)
	}
	req, n := hook.counts()
	if req != 2 || n != 1 || hook.got[0].Event != "finding_opened" || hook.got[0].Finding.ID != "key_revoked:openai:prod" {
		t.Errorf("%d requests, payloads %+v", req, hook.got)
	}
	if log := first.stderr.String(); !strings.Contains(log, "notify team: Critical opened: OpenAI key prod revoked: the webhook answered HTTP 500: slack is having a moment (attempt 1; retrying in") {
		t.Errorf("the failed attempt is not logged:\n%s", log)
	}
	var payloads strings.Builder
	json.NewEncoder(&payloads).Encode(hook.got)
	assertNoKey(t, strings.Join([]string{payloads.String(), first.stderr.String(), second.stderr.String(), metrics, metrics2, stateFiles(t, state)}, "\n"),
		probeKeys["openai-broken"])
}
