package serve

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
)

const goodToken = "vw-t0ken-5ecret-0123456789"

// The Bearer scheme is matched in any case (RFC 7235); anything else is
// 401, and the token is never echoed.
func TestBearerScheme(t *testing.T) {
	t.Parallel()
	h := New(Options{Token: goodToken}).Handler()
	tests := []struct {
		header string
		want   int
	}{
		{"Bearer " + goodToken, 200},
		{"bearer " + goodToken, 200},
		{"BEARER " + goodToken, 200},
		{"BeArEr   " + goodToken + "  ", 200},
		{"Bearer", 401},
		{"Bearer ", 401},
		{"Bearer" + goodToken, 401},
		{"Basic " + goodToken, 401},
		{goodToken, 401},
		{"Bearer " + goodToken + "x", 401},
		{"Bearer " + goodToken[:16], 401},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/snapshot", nil)
		req.Header.Set("Authorization", tt.header)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("Authorization: %q: %d, want %d", tt.header, rec.Code, tt.want)
		}
		if tt.want == 401 && strings.Contains(rec.Body.String(), "5ecret") {
			t.Errorf("the answer shows the token: %s", rec.Body)
		}
	}
}

// Without the token /healthz says ok or degraded and nothing else: no
// level, no version, no reason. With it, the whole health.
func TestHealthzWithAndWithoutToken(t *testing.T) {
	t.Parallel()
	now := at("12:50")
	s := New(Options{Token: goodToken, Version: "v9.9.9", Now: func() time.Time { return now }, Stale: 5 * time.Minute})
	s.Update(monitor.Update{Report: storyReport(t)})

	resp, body := get(t, s.Handler(), "/healthz", "")
	if resp.StatusCode != 200 || strings.TrimSpace(body) != `{
  "status": "ok"
}` {
		t.Errorf("without token: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, s.Handler(), "/healthz", goodToken)
	var h Health
	if err := json.Unmarshal([]byte(body), &h); err != nil || resp.StatusCode != 200 || h.Status != "ok" || h.Overall != "critical" || h.Version != "v9.9.9" {
		t.Errorf("with token: %d %s", resp.StatusCode, body)
	}

	now = at("12:59")
	resp, body = get(t, s.Handler(), "/healthz", "")
	if resp.StatusCode != 503 || !strings.Contains(body, `"status": "degraded"`) || strings.Contains(body, "stale") || strings.Contains(body, "critical") {
		t.Errorf("stale, without token: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, s.Handler(), "/healthz", goodToken)
	if resp.StatusCode != 503 || !strings.Contains(body, `"status": "stale"`) || !strings.Contains(body, "no check has finished for 13m0s (the limit is 5m0s)") {
		t.Errorf("stale, with token: %d %s", resp.StatusCode, body)
	}
}

// A history that could not be opened at start is a 503 with its reason,
// and counts as a history error, from the first request on.
func TestHistoryOpenFailureIsVisible(t *testing.T) {
	t.Parallel()
	openErr := errors.New(history.ErrCorrupt.Error() + ": /var/lib/vendorwatch/history.db: file is not a database")
	s := New(Options{Token: goodToken, HistoryErr: openErr, Now: func() time.Time { return at("12:47") }})
	s.Update(monitor.Update{Report: storyReport(t)})

	resp, body := get(t, s.Handler(), "/healthz", "")
	if resp.StatusCode != 503 || strings.TrimSpace(body) != "{\n  \"status\": \"degraded\"\n}" {
		t.Errorf("without token: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, s.Handler(), "/healthz", goodToken)
	var h Health
	if err := json.Unmarshal([]byte(body), &h); err != nil || resp.StatusCode != 503 || h.Status != "degraded" ||
		!strings.Contains(h.HistoryError, "history database is damaged") || len(h.Problems) != 1 ||
		!strings.Contains(h.Problems[0], "the history could not be opened, so nothing is recorded: history database is damaged") {
		t.Errorf("with token: %d %s", resp.StatusCode, body)
	}
	fams, _ := scrapeWith(t, s, goodToken)
	if v, _ := value(fams, "vendorwatch_history_errors_total", nil); v != 1 {
		t.Errorf("history_errors_total = %v, want 1", v)
	}
	if v, ok := value(fams, "vendorwatch_history_up", nil); !ok || v != 0 {
		t.Errorf("history_up = %v (found %v), want 0", v, ok)
	}
}

// A check that cannot be recorded degrades /healthz until a later check
// is recorded; every failure is counted.
func TestHistoryWriteFailureIsVisible(t *testing.T) {
	t.Parallel()
	s := New(Options{Now: func() time.Time { return at("12:47") }})
	first := storyReport(t)
	s.Update(monitor.Update{Report: first})
	if resp, body := get(t, s.Handler(), "/healthz", ""); resp.StatusCode != 200 {
		t.Fatalf("healthy: %d %s", resp.StatusCode, body)
	}
	failed := storyReport(t)
	failed.GeneratedAt = at("12:46:30")
	s.Update(monitor.Update{Report: failed, Err: history.ErrLocked})
	resp, body := get(t, s.Handler(), "/healthz", "")
	if resp.StatusCode != 503 || !strings.Contains(body, `"status": "degraded"`) || !strings.Contains(body, "the latest check could not be recorded: history database is locked") {
		t.Errorf("after a failed recording: %d %s", resp.StatusCode, body)
	}
	// Updates between checks (checks starting) change nothing.
	s.Update(monitor.Update{Report: failed, InFlight: 2})
	if resp, _ := get(t, s.Handler(), "/healthz", ""); resp.StatusCode != 503 {
		t.Errorf("an update without a recording cleared the error: %d", resp.StatusCode)
	}
	recorded := storyReport(t)
	recorded.GeneratedAt = at("12:46:45")
	s.Update(monitor.Update{Report: recorded})
	if resp, body := get(t, s.Handler(), "/healthz", ""); resp.StatusCode != 200 || strings.Contains(body, "history_error") {
		t.Errorf("after a recorded check: %d %s", resp.StatusCode, body)
	}
	fams, _ := scrape(t, s)
	if v, _ := value(fams, "vendorwatch_history_errors_total", nil); v != 1 {
		t.Errorf("history_errors_total = %v, want 1", v)
	}
	if _, ok := value(fams, "vendorwatch_history_up", nil); ok {
		t.Error("history_up without a history")
	}
}
