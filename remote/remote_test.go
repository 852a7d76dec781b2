package remote

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/ui"
)

func TestNewRemoteClient(t *testing.T) {
	tests := []struct {
		url, token, err string
	}{
		{"http://127.0.0.1:9321", "t", ""},
		{"http://localhost:9321/", "t", ""},
		{"http://[::1]:9321", "t", ""},
		{"https://vendorwatch.internal/prefix/", "t", ""},
		{"http://vendorwatch.internal:9321", "", ""},
		{"http://vendorwatch.internal:9321", "t", "refusing to send $VENDORWATCH_TOKEN over plain HTTP"},
		{"vendorwatch.internal:9321", "", "want the server's address"},
		{"ftp://vendorwatch.internal", "", "want the server's address"},
		{"https://user:s3cr3t@vendorwatch.internal", "", "credentials in the URL are not used"},
		{"", "", "want the server's address"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := New(tt.url, tt.token, 0)
			if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// reportJSON is a schema-1 report as a server would send it.
func reportJSON(t *testing.T, rep correlate.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := output.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleReport(title string) correlate.Report {
	v := correlate.VendorReport{VendorResult: observe.VendorResult{ID: "vapi", Name: "VAPI", Keys: []observe.KeyResult{},
		Status: observe.Status{State: observe.MajorOutage, Incidents: []observe.Incident{{ID: "901977", Title: title}}}}, Level: correlate.LevelCritical}
	gh := correlate.VendorReport{VendorResult: observe.VendorResult{ID: "github", Name: "GitHub", Keys: []observe.KeyResult{},
		Status: observe.Status{State: observe.Operational}}, Level: correlate.LevelOK}
	return correlate.Report{SchemaVersion: 1, GeneratedAt: time.Date(2026, 5, 21, 12, 46, 0, 0, time.UTC), Overall: correlate.LevelCritical,
		Vendors: []correlate.VendorReport{v, gh},
		Findings: []correlate.Finding{{ID: "vendor_outage:vapi:", Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical,
			Vendors: []string{"vapi"}, Keys: []string{}, Title: "VAPI outage: " + title}}}
}

func TestRemoteClientErrors(t *testing.T) {
	var leaked atomic.Int64
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
	}))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/") {
		case "e500/api/v1/snapshot":
			w.WriteHeader(500)
			io.WriteString(w, `{"error":"reading the history failed \u001b[31m"}`)
		case "e401/api/v1/snapshot":
			w.WriteHeader(401)
		case "redirect/api/v1/snapshot":
			http.Redirect(w, r, elsewhere.URL+"/api/v1/snapshot", http.StatusFound)
		case "big/api/v1/snapshot":
			w.Write(bytes.Repeat([]byte(" "), maxRemoteBody+10))
		case "v2/api/v1/snapshot":
			io.WriteString(w, `{"schema_version": 2}`)
		case "html/api/v1/snapshot":
			io.WriteString(w, `<html>login</html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	tests := []struct{ prefix, token, want string }{
		{"e500", "", "/api/v1/snapshot: HTTP 500: reading the history failed"},
		{"e401", "", "wants a token: set VENDORWATCH_TOKEN"},
		{"e401", "tok", "rejected the token in VENDORWATCH_TOKEN"},
		{"redirect", "tok", "HTTP 302"},
		{"big", "", "larger than 32 MiB"},
		{"v2", "", "schema_version 2"},
		{"html", "", "reading report JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			_, err := FetchReport(context.Background(), srv.URL+"/"+tt.prefix, tt.token)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\x1b") {
				t.Errorf("err = %q, want %q", err, tt.want)
			}
		})
	}
	if leaked.Load() != 0 {
		t.Error("a redirect carried the token to another server")
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	}))
	defer slow.Close()
	c, _ := New(slow.URL, "", 100*time.Millisecond)
	if _, err := c.Report(context.Background()); err == nil || !strings.Contains(err.Error(), "did not answer within 100ms") {
		t.Errorf("slow server: %v", err)
	}
}

// What the server says reaches a terminal: escape sequences and control
// characters are removed on arrival, newlines kept.
func TestRemoteReportIsCleaned(t *testing.T) {
	rep := sampleReport("API down\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \u202eesrever\x1b[2J")
	rep.Vendors[0].Status.Incidents[0].LatestUpdate = "line one\nline\ttwo\x07"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(reportJSON(t, rep)) }))
	defer srv.Close()
	got, err := FetchReport(context.Background(), srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	inc := got.Vendors[0].Status.Incidents[0]
	if inc.Title != "API downclick esrever" || got.Findings[0].Title != "VAPI outage: API downclick esrever" || inc.LatestUpdate != "line one\nline two" {
		t.Errorf("title %q, finding %q, update %q", inc.Title, got.Findings[0].Title, inc.LatestUpdate)
	}
}

func TestNarrow(t *testing.T) {
	rep := sampleReport("API down")
	rep.Findings = append(rep.Findings, correlate.Finding{Kind: correlate.KindNetworkLocal, Severity: correlate.SeverityWarning, Vendors: []string{}})
	got := Narrow(rep, []string{"github"})
	if len(got.Vendors) != 1 || got.Vendors[0].ID != "github" || len(got.Findings) != 1 || got.Findings[0].Kind != correlate.KindNetworkLocal || got.Overall != correlate.LevelWarning {
		t.Errorf("narrow = %+v", got)
	}
	if got := Narrow(rep, nil); got.Overall != correlate.LevelCritical || len(got.Vendors) != 2 {
		t.Errorf("no --only changed the report")
	}
}

// The dashboard over --remote: the server's snapshot at once and on
// CheckNow, the timeline newest first, the report from the server, and the
// last report kept with a warning while the server cannot be read.
func TestRemoteBackend(t *testing.T) {
	var mu sync.Mutex
	rep := sampleReport("API down")
	down := false
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
		if down {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		switch r.URL.Path {
		case "/api/v1/snapshot":
			w.Write(reportJSON(t, rep))
		case "/api/v1/timeline":
			fmt.Fprint(w, `{"events":[{"id":1,"at":"2026-05-21T12:35:00Z","vendor":"vapi","kind":"reachability_changed","text":"first"},
				{"id":2,"at":"2026-05-21T12:46:00Z","vendor":"vapi","kind":"finding_opened","severity":"critical","text":"second\u001b[31m"}]}`)
		case "/api/v1/report":
			fmt.Fprint(w, "# Incident report\n\n| a | b |\n\x1b[31m")
		}
	}))
	defer srv.Close()
	c, err := New(srv.URL, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	b := NewBackend(c, nil)
	b.interval = time.Hour // only CheckNow polls again
	updates := make(chan ui.Update, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx, func(u ui.Update) { updates <- u }); close(done) }()
	next := func() ui.Update {
		t.Helper()
		select {
		case u := <-updates:
			return u
		case <-time.After(10 * time.Second):
			t.Fatal("no update")
		}
		return ui.Update{}
	}
	if u := next(); !u.Recorded || len(u.Report.Vendors) != 2 || u.Report.Overall != correlate.LevelCritical {
		t.Errorf("first update = %+v", u)
	}
	mu.Lock()
	down = true
	mu.Unlock()
	b.CheckNow()
	u := next()
	if len(u.Report.Vendors) != 2 || u.Report.Findings[0].Kind != KindRemoteUnreachable || !strings.Contains(u.Report.Findings[0].Detail, "HTTP 502") {
		t.Errorf("update while down = %+v", u.Report.Findings)
	}
	mu.Lock()
	down = false
	mu.Unlock()
	b.CheckNow()
	if u := next(); slices.ContainsFunc(u.Report.Findings, func(f correlate.Finding) bool { return f.Kind == KindRemoteUnreachable }) || u.Recorded {
		t.Errorf("update after recovery = %+v", u)
	}
	cancel()
	<-done

	tl, err := b.Timeline(context.Background(), "vapi", 50)
	if err != nil || len(tl) != 2 || tl[0].Text != "second" || tl[1].Text != "first" {
		t.Errorf("timeline = %+v, %v", tl, err)
	}
	md, err := b.IncidentReport(context.Background())
	if err != nil || !strings.HasPrefix(md, "# Incident report") || strings.Contains(md, "\x1b") || !strings.Contains(md, "| a | b |") {
		t.Errorf("report = %q, %v", md, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(queries, "/api/v1/timeline?limit=50&vendor=vapi") {
		t.Errorf("queries = %q", queries)
	}
}
