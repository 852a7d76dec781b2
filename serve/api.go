package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/output"
)

// Limits of /api/v1/timeline.
const (
	DefaultTimelineLimit = 200
	MaxTimelineLimit     = 5000
)

// incidentReport is `vendorwatch report` over HTTP: since, until (RFC 3339
// or a time ago such as 2h), vendor (repeated or comma-separated) and
// format (markdown or json).
func (s *Server) incidentReport(w http.ResponseWriter, r *http.Request) {
	if s.opts.Incident == nil {
		httpError(w, http.StatusServiceUnavailable, "no history on this server")
		return
	}
	q := r.URL.Query()
	now := s.opts.Now()
	from, to, err := window(q, now, 24*time.Hour)
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	format := q.Get("format")
	if format == "" {
		format = "markdown"
	}
	if format != "markdown" && format != "json" {
		httpError(w, http.StatusBadRequest, "format: use markdown or json")
		return
	}
	rep, err := s.opts.Incident(r.Context(), from, to, vendors(q))
	if err != nil {
		s.logf("vendorwatch: /api/v1/report: %v", err)
		httpError(w, http.StatusInternalServerError, "reading the history failed")
		return
	}
	var buf bytes.Buffer
	ctype := "text/markdown; charset=utf-8"
	if format == "json" {
		err = output.WriteIncidentJSON(&buf, rep)
		ctype = "application/json"
	} else {
		err = output.WriteMarkdown(&buf, rep)
	}
	if err != nil {
		httpError(w, http.StatusInternalServerError, "rendering the report failed")
		return
	}
	write(w, http.StatusOK, ctype, buf.Bytes())
}

// Timeline is the JSON of /api/v1/timeline.
type Timeline struct {
	// Events are oldest first, the newest `limit` of the window.
	Events []correlate.Event `json:"events"`
}

// timeline returns history events: vendor, since, until (default: all
// time) and limit (default 200, at most 5000, the newest kept).
func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	if s.opts.Store == nil {
		httpError(w, http.StatusServiceUnavailable, "no history on this server")
		return
	}
	q := r.URL.Query()
	hq := history.Query{Vendors: vendors(q), Limit: DefaultTimelineLimit}
	if q.Get("since") != "" || q.Get("until") != "" {
		from, to, err := window(q, s.opts.Now(), 0)
		if err != nil {
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
		hq.Since, hq.Until = from, to
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxTimelineLimit {
			httpError(w, http.StatusBadRequest, fmt.Sprintf("limit: a number from 1 to %d", MaxTimelineLimit))
			return
		}
		hq.Limit = n
	}
	evs, err := s.opts.Store.Timeline(r.Context(), hq)
	if err != nil {
		s.logf("vendorwatch: /api/v1/timeline: %v", err)
		httpError(w, http.StatusInternalServerError, "reading the history failed")
		return
	}
	if evs == nil {
		evs = []correlate.Event{}
	}
	writeJSON(w, http.StatusOK, Timeline{Events: evs})
}

// index lists the endpoints.
func (s *Server) index(w http.ResponseWriter, _ *http.Request) {
	write(w, http.StatusOK, "text/plain; charset=utf-8", []byte(`vendorwatch serve
/metrics            Prometheus metrics
/api/v1/snapshot    the latest report (schema-1 JSON, as vendorwatch --once --json)
/api/v1/report      the incident report: ?since=2h&until=...&vendor=ID&format=markdown|json
/api/v1/timeline    history events: ?vendor=ID&limit=200&since=...&until=...
/api/v1/maintenances.ics  the vendors' running and coming maintenances (iCalendar)
/api/v1/silences    silences: GET lists (?all=1 with ended ones), POST adds, DELETE /api/v1/silences/ID expires (token required)
/healthz            health (without the token: ok or degraded only)
`))
}

// window reads since and until: RFC 3339, or a time ago ("90m", "2h",
// "3d"). A missing since is def before now (none when def is 0); a
// missing until is now.
func window(q url.Values, now time.Time, def time.Duration) (time.Time, time.Time, error) {
	var from time.Time
	if def > 0 {
		from = now.Add(-def)
	}
	to := now.Add(time.Second) // include what was recorded this second
	if v := q.Get("since"); v != "" {
		t, err := when(v, now)
		if err != nil {
			return from, to, fmt.Errorf("since: %w", err)
		}
		from = t
	}
	if v := q.Get("until"); v != "" {
		t, err := when(v, now)
		if err != nil {
			return from, to, fmt.Errorf("until: %w", err)
		}
		to = t
	}
	if !from.IsZero() && !from.Before(to) {
		return from, to, errors.New("since is not before until")
	}
	return from, to, nil
}

// when reads RFC 3339 or a duration ago. Local times are not accepted:
// the server's time zone is not the caller's (the CLI sends RFC 3339).
func when(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := parseAgo(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: use RFC 3339 (2026-05-21T10:00:00Z) or a time ago like 90m, 2h, 3d", termtext.Clip(v, 40))
	}
	return now.Add(-d), nil
}

// parseAgo reads a Go duration, or whole days with a d suffix.
func parseAgo(v string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 3650 {
			return 0, errors.New("bad days")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, errors.New("bad duration")
	}
	return d, nil
}

// vendors reads vendor=a,b&vendor=c.
func vendors(q url.Values) []string {
	var out []string
	for _, v := range q["vendor"] {
		for id := range strings.SplitSeq(v, ",") {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// write answers with body, redacted: the one exit of every answer that
// is not rendered ahead (those are redacted when they are rendered).
func write(w http.ResponseWriter, code int, ctype string, body []byte) {
	body = redact.Bytes(body)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

// writeJSON answers v as indented JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		write(w, http.StatusInternalServerError, "application/json", []byte(`{"error": "encoding the answer failed"}`+"\n"))
		return
	}
	write(w, code, "application/json", buf.Bytes())
}

// httpError answers {"error": msg}. Messages are fixed text or our own
// parse errors, never a token or a path on disk.
func httpError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
