package providers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// Every hostile answer stays with its own vendor: that source is unknown
// with an error a human understands, the healthy vendor next to it reads
// fine, and the slowest one costs the request timeout, not more.
func TestPollerIsolatesHostileSources(t *testing.T) {
	t.Parallel()
	good, _ := os.ReadFile("testdata/github__statuspage_status_none.json")
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) { w.Write(good) })
	mux.HandleFunc("/malformed-json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(good[:len(good)/2])
	})
	mux.HandleFunc("/html-for-json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!DOCTYPE html><html><body><h1>We moved to a new status page!</h1></body></html>"))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(`{"page":{"id":"x"},"components":[` + strings.Repeat(`{"name":"x","status":"operational"},`, 1000))
		for range 2000 { // ~70 MB if nobody stops reading
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		for {
			select {
			case <-release:
				return
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
				w.Write([]byte(" "))
				w.(http.Flusher).Flush()
			}
		}
	})
	mux.HandleFunc("/broken.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><item><title>Outage</title><description>`))
	})
	mux.HandleFunc("/escapes.json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"page":{"id":"x","url":"https://x.test"},"status":{"indicator":"major","description":"\u001b]0;owned\u0007Bad \u001b[31mday"},
		"incidents":[{"id":"i1","name":"\u001b[2JAPI\r\ndown","status":"investigating","impact":"major",
		"incident_updates":[{"status":"investigating","body":"<script>alert(1)</script>Looking <b>into</b> it \u009b31m","created_at":"2026-05-21T12:35:00Z"}]}]}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	sp := statuspage.Statuspage
	vendors := []catalog.Vendor{
		{ID: "good", Name: "Good", Sources: []catalog.SourceSpec{{URL: srv.URL + "/good", Format: sp}}},
		{ID: "malformed", Name: "Malformed", Sources: []catalog.SourceSpec{{URL: srv.URL + "/malformed-json", Format: sp}}},
		{ID: "moved", Name: "Moved", Sources: []catalog.SourceSpec{{URL: srv.URL + "/html-for-json", Format: sp}}},
		{ID: "empty", Name: "Empty", Sources: []catalog.SourceSpec{{URL: srv.URL + "/empty", Format: sp}}},
		{ID: "png", Name: "PNG", Sources: []catalog.SourceSpec{{URL: srv.URL + "/png", Format: sp}}},
		{ID: "huge", Name: "Huge", Sources: []catalog.SourceSpec{{URL: srv.URL + "/huge", Format: sp}}},
		{ID: "trickle", Name: "Trickle", Sources: []catalog.SourceSpec{{URL: srv.URL + "/trickle", Format: sp}}},
		{ID: "brokenfeed", Name: "Broken feed", Sources: []catalog.SourceSpec{{URL: srv.URL + "/broken.rss", Format: statuspage.Feed}}},
		{ID: "escapes", Name: "Escapes", Sources: []catalog.SourceSpec{{URL: srv.URL + "/escapes.json", Format: sp}}},
	}
	f := fetch.New(fetch.Options{Timeout: 700 * time.Millisecond, MaxBody: 1 << 20})
	start := time.Now()
	snap := NewPoller(vendors, f).Check(context.Background())
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("check took %s; the slowest source should cost about one timeout", d)
	}

	if v, _ := snap.Vendor("good"); v.Status.State != observe.Operational || !v.Status.Sources[0].OK {
		t.Errorf("good vendor = %s %+v", v.Status.State, v.Status.Sources)
	}
	wantErr := map[string]string{
		"malformed":  "got malformed JSON",
		"moved":      "want Statuspage API JSON, got an HTML page",
		"empty":      "got an empty body",
		"png":        "got content type image/png",
		"huge":       "response too large (over 1 MiB)",
		"trickle":    "timed out",
		"brokenfeed": "malformed feed",
	}
	for id, want := range wantErr {
		v, _ := snap.Vendor(id)
		src := v.Status.Sources[0]
		if v.Status.State != observe.Unknown || src.OK || !strings.Contains(src.Error, want) {
			t.Errorf("%s: state %s, source %+v; want unknown with %q", id, v.Status.State, src, want)
		}
	}

	esc, _ := snap.Vendor("escapes")
	in := esc.Status.Incidents[0]
	if esc.Status.Description != "Bad day" || in.Title != "API down" || !strings.HasPrefix(in.LatestUpdate, "Looking into it") ||
		strings.ContainsAny(in.LatestUpdate, "\u009b<>") || strings.Contains(in.LatestUpdate, "alert") {
		t.Errorf("escapes = %q / %q / %q", esc.Status.Description, in.Title, in.LatestUpdate)
	}
}
