package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/output"
)

func TestSnapshotIsTheOnceJSON(t *testing.T) {
	rep := storyReport(t)
	s := New(Options{})
	s.Update(monitor.Update{Report: rep})
	resp, body := get(t, s.Handler(), "/api/v1/snapshot", "")
	var want bytes.Buffer
	output.WriteJSON(&want, rep)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || body != want.String() {
		t.Errorf("snapshot differs from output.WriteJSON: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	back, err := output.ReadJSON(strings.NewReader(body))
	if err != nil || len(back.Vendors) != 2 {
		t.Errorf("ReadJSON: %v", err)
	}
}

func TestAuth(t *testing.T) {
	const token = "vw-t0ken-5ecret"
	open := New(Options{}).Handler()
	guarded := New(Options{Token: token}).Handler()
	tests := []struct {
		name  string
		h     http.Handler
		path  string
		token string
		want  int
	}{
		{"no token configured", open, "/api/v1/snapshot", "", 200},
		{"metrics without token", guarded, "/metrics", "", 401},
		{"snapshot without token", guarded, "/api/v1/snapshot", "", 401},
		{"timeline without token", guarded, "/api/v1/timeline", "", 401},
		{"report without token", guarded, "/api/v1/report", "", 401},
		{"wrong token", guarded, "/api/v1/snapshot", "vw-t0ken-5ecreT", 401},
		{"a prefix of the token", guarded, "/api/v1/snapshot", "vw-t0ken", 401},
		{"right token", guarded, "/api/v1/snapshot", token, 200},
		{"metrics with token", guarded, "/metrics", token, 200},
		{"healthz is open", guarded, "/healthz", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, tt.h, tt.path, tt.token)
			if resp.StatusCode != tt.want {
				t.Errorf("%s: %d, want %d: %s", tt.path, resp.StatusCode, tt.want, body)
			}
			if tt.want == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if strings.Contains(body, token) || strings.Contains(body, "5ecret") {
				t.Errorf("the answer shows the token: %s", body)
			}
		})
	}
	req, _ := http.NewRequest(http.MethodPost, "/api/v1/snapshot", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := &recorder{header: http.Header{}}
	guarded.ServeHTTP(rec, req)
	if rec.code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.code)
	}
}

type recorder struct {
	header http.Header
	code   int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(code int)        { r.code = code }

func TestHealthz(t *testing.T) {
	now := at("12:50")
	s := New(Options{Version: "v9", Now: func() time.Time { return now }, Stale: 5 * time.Minute})
	var h Health
	check := func(wantCode int, wantStatus string) {
		t.Helper()
		resp, body := get(t, s.Handler(), "/healthz", "")
		if err := json.Unmarshal([]byte(body), &h); err != nil || resp.StatusCode != wantCode || h.Status != wantStatus || h.Version != "v9" {
			t.Errorf("healthz = %d %s, want %d %s", resp.StatusCode, body, wantCode, wantStatus)
		}
	}
	pending, _ := correlate.Assess(storyPending(), correlate.Memory{})
	s.Update(monitor.Update{Report: pending})
	check(200, "starting")
	s.Update(monitor.Update{Report: storyReport(t)})
	check(200, "ok")
	if h.Overall != "critical" || !h.LastCheck.Equal(at("12:46")) {
		t.Errorf("health = %+v", h)
	}
	now = at("12:52")
	check(503, "stale")
}

func TestIncidentReportEndpoint(t *testing.T) {
	now := at("14:00")
	var gotFrom, gotTo time.Time
	var gotVendors []string
	s := New(Options{Now: func() time.Time { return now }, Incident: func(_ context.Context, from, to time.Time, vendors []string) (output.IncidentReport, error) {
		gotFrom, gotTo, gotVendors = from, to, vendors
		return output.IncidentReport{Since: from, Until: to, Vendors: vendors}, nil
	}})
	tests := []struct {
		query, ctype string
		code         int
		from, to     time.Time
		vendors      []string
	}{
		{"", "text/markdown; charset=utf-8", 200, now.Add(-24 * time.Hour), now.Add(time.Second), nil},
		{"?since=2h&vendor=vapi,openai&vendor=vapi", "text/markdown; charset=utf-8", 200, at("12:00"), now.Add(time.Second), []string{"vapi", "openai"}},
		{"?since=2026-05-21T10:00:00Z&until=2026-05-21T12:00:00Z&format=json", "application/json", 200, at("10:00"), at("12:00"), nil},
		{"?since=3d", "text/markdown; charset=utf-8", 200, now.Add(-72 * time.Hour), now.Add(time.Second), nil},
		{"?since=2026-05-21+10:00", "application/json", 400, time.Time{}, time.Time{}, nil},
		{"?since=1h&until=2h", "application/json", 400, time.Time{}, time.Time{}, nil},
		{"?format=pdf", "application/json", 400, time.Time{}, time.Time{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			gotFrom, gotTo, gotVendors = time.Time{}, time.Time{}, nil
			resp, body := get(t, s.Handler(), "/api/v1/report"+tt.query, "")
			if resp.StatusCode != tt.code || resp.Header.Get("Content-Type") != tt.ctype {
				t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if tt.code != 200 {
				return
			}
			if !gotFrom.Equal(tt.from) || !gotTo.Equal(tt.to) || !slices.Equal(gotVendors, tt.vendors) {
				t.Errorf("window %s..%s %v, want %s..%s %v", gotFrom, gotTo, gotVendors, tt.from, tt.to, tt.vendors)
			}
			if tt.ctype != "application/json" && !strings.HasPrefix(body, "# Incident report") {
				t.Errorf("body:\n%s", body)
			}
		})
	}
	if resp, _ := get(t, New(Options{}).Handler(), "/api/v1/report", ""); resp.StatusCode != 503 {
		t.Errorf("no history: %d", resp.StatusCode)
	}
}

func TestTimelineEndpoint(t *testing.T) {
	ctx := context.Background()
	store, err := history.Open(ctx, t.TempDir(), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	mon := monitor.New(repeating(), store)
	for _, hhmm := range []string{"12:45", "12:46"} {
		if _, _, err := mon.Record(ctx, story(hhmm)); err != nil {
			t.Fatal(err)
		}
	}
	s := New(Options{Store: store})
	resp, body := get(t, s.Handler(), "/api/v1/timeline?vendor=vapi", "")
	var tl Timeline
	if err := json.Unmarshal([]byte(body), &tl); err != nil || resp.StatusCode != 200 || len(tl.Events) == 0 {
		t.Fatalf("timeline: %d %v %s", resp.StatusCode, err, body)
	}
	for _, e := range tl.Events {
		if e.Vendor != "vapi" && e.Vendor != "" {
			t.Errorf("event of %s with vendor=vapi", e.Vendor)
		}
	}
	if !slices.IsSortedFunc(tl.Events, func(a, b correlate.Event) int { return a.At.Compare(b.At) }) {
		t.Error("events are not oldest first")
	}
	_, body = get(t, s.Handler(), "/api/v1/timeline?limit=1", "")
	json.Unmarshal([]byte(body), &tl)
	if len(tl.Events) != 1 || !strings.Contains(tl.Events[0].Text, "opened") {
		t.Errorf("limit=1 = %+v", tl.Events)
	}
	for _, bad := range []string{"?limit=0", "?limit=99999", "?since=yesterday"} {
		if resp, _ := get(t, s.Handler(), "/api/v1/timeline"+bad, ""); resp.StatusCode != 400 {
			t.Errorf("%s: %d", bad, resp.StatusCode)
		}
	}
	if resp, _ := get(t, New(Options{}).Handler(), "/api/v1/timeline", ""); resp.StatusCode != 503 {
		t.Errorf("no store: %d", resp.StatusCode)
	}
}

// Run serves, checks, and stops soon after its context ends, with the
// history intact and the store still usable for the caller to close.
func TestRunStopsWithHistoryIntact(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := history.Open(ctx, dir, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	updates := make(chan monitor.Update, 16)
	sc := repeating(story("12:45"), story("12:46"))
	s := New(Options{Monitor: monitor.New(sc, store), Store: store, OnUpdate: func(u monitor.Update) {
		select {
		case updates <- u:
		default:
		}
	}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	waitFor := func(cond func(monitor.Update) bool) {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case u := <-updates:
				if cond(u) {
					return
				}
			case <-timeout:
				t.Fatal("no such update")
			}
		}
	}
	waitFor(func(u monitor.Update) bool { return len(u.Events) > 0 })
	sc.CheckNow()
	waitFor(func(u monitor.Update) bool { return u.Report.GeneratedAt.Equal(at("12:46")) })

	resp, err := http.Get("http://" + ln.Addr().String() + "/api/v1/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := output.ReadJSON(resp.Body)
	resp.Body.Close()
	if err != nil || !rep.GeneratedAt.Equal(at("12:46")) {
		t.Fatalf("snapshot over HTTP: %v %s", err, rep.GeneratedAt)
	}

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(ShutdownTimeout + 5*time.Second):
		t.Fatal("Run did not stop")
	}
	if d := time.Since(start); d > ShutdownTimeout {
		t.Errorf("shutdown took %s", d)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("still accepting after shutdown")
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := history.Open(context.Background(), dir, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	st, err := again.Load(context.Background())
	if err != nil || st.Report == nil || !st.Report.GeneratedAt.Equal(at("12:46")) {
		t.Fatalf("history after shutdown: %v %+v", err, st.Report)
	}
	if fs, _ := again.Findings(context.Background(), history.Query{}); len(fs) == 0 {
		t.Error("no findings recorded")
	}
}
