// Package serve is `vendorwatch serve`: one process polls the vendors
// for a whole team, keeps the history and the state dir's snapshot fresh,
// and serves what it sees — Prometheus metrics at /metrics, the schema-1
// report at /api/v1/snapshot, the incident report at /api/v1/report, the
// timeline at /api/v1/timeline and a health check at /healthz — over TCP,
// HTTPS or a unix socket. An optional bearer token guards everything; a
// request to /healthz without it learns only "ok" or "degraded".
//
// Many clients cost what one does: the metrics and the snapshot are
// rendered once per report (the process's own metrics at most once a
// second), redacted and gzipped once, and every scraper is sent the same
// bytes; requests in flight are bounded, and a request beyond the bound
// waits a few seconds for a turn before it is answered 503.
package serve

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/output"
)

// ShutdownTimeout bounds how long Run waits for requests in flight once
// its context ends.
const ShutdownTimeout = 5 * time.Second

// Options configure a Server.
type Options struct {
	// Monitor checks the vendors; Run runs it.
	Monitor *monitor.Monitor
	// Store is the history behind /api/v1/timeline; nil answers 503 there.
	Store *history.Store
	// Incident gathers the incident report of a window of history for
	// /api/v1/report (main's incidentReport, shared with `report`); nil
	// answers 503.
	Incident func(ctx context.Context, from, to time.Time, vendors []string) (output.IncidentReport, error)
	// Token, when not empty, must come as "Authorization: Bearer TOKEN"
	// (the scheme in any case) on every request; /healthz answers without
	// it, but says only "ok" or "degraded". It is registered with the
	// redactor and never appears in a log, an error or an answer.
	Token string
	// CalendarToken, when not empty, also opens the maintenance calendar
	// (and nothing else) to a request that names it as ?token=, for
	// calendar apps, which cannot send a header. Registered with the
	// redactor like Token.
	CalendarToken string
	// HistoryErr is why the history could not be opened at start, if it
	// could not: /healthz then answers 503 with it and
	// vendorwatch_history_errors_total counts it.
	HistoryErr error
	// TLS, when set, makes Run serve HTTPS (NewCertificate makes one that
	// follows a renewed certificate).
	TLS *tls.Config
	// MaxInFlight bounds the requests answered at once from the rendered
	// report (/metrics, /api/v1/snapshot, /healthz); default
	// DefaultMaxInFlight.
	MaxInFlight int
	// MaxHistoryInFlight bounds the requests that read the history
	// (/api/v1/report, /api/v1/timeline); default DefaultMaxHistoryInFlight.
	MaxHistoryInFlight int
	// QueueWait is how long a request beyond the bound waits for a turn
	// before it is answered 503 with Retry-After; default DefaultQueueWait.
	// Negative: no wait.
	QueueWait time.Duration
	// Version is reported in vendorwatch_build_info and /healthz.
	Version string
	// Stale is how old the latest check may be before /healthz answers
	// 503 (default 10 minutes).
	Stale time.Duration
	// OnUpdate is called with every monitor update, after the server has
	// taken it (notifications hang here). It must return quickly.
	OnUpdate func(monitor.Update)
	// NotifyStats feeds vendorwatch_notifications_total and the outbox's
	// vendorwatch_notifications_pending, _failing, _oldest_pending_timestamp_seconds
	// and _active; nil leaves them out.
	NotifyStats func() []notify.Stat
	// Log receives one line per noteworthy event (a failed recording).
	// Nil discards.
	Log io.Writer
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Server serves one monitor's reports.
type Server struct {
	opts  Options
	token [sha256.Size]byte
	// calendarToken is the SHA-256 of Options.CalendarToken.
	calendarToken [sha256.Size]byte
	// live gathers the process's own metrics: build info, checks,
	// notifications, the Go runtime and the process.
	live *prometheus.Registry
	// fromReport and fromHistory bound the requests in flight, those answered
	// from the rendered report and those that read the history; rejected
	// counts the requests each endpoint turned away.
	fromReport, fromHistory *limiter
	rejected                map[string]*atomic.Uint64

	// liveTTL is how long the process's own metrics are served before
	// they are gathered again (tests lengthen it).
	liveTTL time.Duration

	mu sync.Mutex
	st state

	// render holds what was rendered from the state; renderMu makes one
	// request render while the others wait for its result.
	renderMu sync.Mutex
	render   rendered
}

// state is what the handlers and the collectors read.
type state struct {
	report correlate.Report
	// gen counts the reports taken; the rendered bodies say which one
	// they show.
	gen uint64
	// live counts the updates taken (the in-flight count and the counters
	// change with each).
	live          uint64
	have          bool // a report from a check (or the store), not just the pending one
	checks        uint64
	historyErrors uint64
	inFlight      int
	// lastErr is the latest recording error, redacted; a later recording
	// that succeeds clears it.
	lastErr string
	// historyDown is why the history could not be opened, redacted.
	historyDown string
}

// New returns a server; Run starts it.
func New(o Options) *Server {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Stale <= 0 {
		o.Stale = 10 * time.Minute
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.MaxHistoryInFlight <= 0 {
		o.MaxHistoryInFlight = DefaultMaxHistoryInFlight
	}
	if o.QueueWait == 0 {
		o.QueueWait = DefaultQueueWait
	}
	redact.Register(o.Token)
	redact.Register(o.CalendarToken)
	s := &Server{opts: o, live: prometheus.NewRegistry(), rejected: map[string]*atomic.Uint64{}, liveTTL: liveTTL}
	s.token = sha256.Sum256([]byte(o.Token))
	s.calendarToken = sha256.Sum256([]byte(o.CalendarToken))
	for _, p := range endpoints {
		s.rejected[p] = new(atomic.Uint64)
	}
	s.fromReport = newLimiter(o.MaxInFlight, o.QueueWait)
	s.fromHistory = newLimiter(o.MaxHistoryInFlight, o.QueueWait)
	s.live.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		liveCollector{s},
	)
	if o.HistoryErr != nil {
		s.st.historyErrors = 1
		s.st.historyDown = redact.String(o.HistoryErr.Error())
	}
	return s
}

// state returns a copy of the server's state.
func (s *Server) state() state {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Update takes a monitor update: the latest report, the checks in flight,
// a recording error. Run calls it for every update; tests may call it
// directly.
func (s *Server) Update(u monitor.Update) {
	s.mu.Lock()
	prev := s.st.report
	if !sameReport(prev, u.Report) {
		s.st.gen++
	}
	s.st.live++
	s.st.report, s.st.inFlight = u.Report, u.InFlight
	fresh := !u.Report.GeneratedAt.Equal(prev.GeneratedAt)
	if fresh && !prev.GeneratedAt.IsZero() {
		s.st.checks++
	}
	if len(u.Report.Vendors) > 0 && hasData(u.Report) {
		s.st.have = true
	}
	switch {
	case u.Err != nil:
		s.st.historyErrors++
		s.st.lastErr = redact.String(u.Err.Error())
	case fresh && s.recorded(u.Report):
		// A check was recorded without an error: the history works again.
		s.st.lastErr = ""
	}
	s.mu.Unlock()
	if u.Err != nil {
		s.logf("vendorwatch: history: %v", u.Err)
	}
	if s.opts.OnUpdate != nil {
		s.opts.OnUpdate(u)
	}
}

// sameReport reports whether b is the report a was: the monitor hands
// the same report (the same slices) to every update until the next check
// is recorded, and a new report always has new slices.
func sameReport(a, b correlate.Report) bool {
	return a.GeneratedAt.Equal(b.GeneratedAt) && a.Overall == b.Overall && a.Verdict.Word == b.Verdict.Word &&
		len(a.Vendors) == len(b.Vendors) && len(a.Findings) == len(b.Findings) &&
		(len(a.Vendors) == 0 || &a.Vendors[0] == &b.Vendors[0]) &&
		(len(a.Findings) == 0 || &a.Findings[0] == &b.Findings[0])
}

// recorded reports whether rep is the report the monitor recorded last
// (without a monitor, as in tests that feed updates, any new report is).
func (s *Server) recorded(rep correlate.Report) bool {
	if s.opts.Monitor == nil {
		return true
	}
	last, ok := s.opts.Monitor.Last()
	return ok && sameReport(last, rep)
}

// logf writes one line to the log, redacted.
func (s *Server) logf(format string, args ...any) {
	io.WriteString(s.opts.Log, redact.String(fmt.Sprintf(format, args...))+"\n")
}

// hasData reports whether any vendor of the report has been checked.
func hasData(r correlate.Report) bool {
	for _, v := range r.Vendors {
		if !v.Status.CheckedAt.IsZero() || v.Reachability != nil || len(v.Status.Sources) > 0 {
			return true
		}
		for _, k := range v.Keys {
			if !k.CheckedAt.IsZero() {
				return true
			}
		}
	}
	return false
}

// The endpoints, each with its own count of requests turned away.
const (
	pathMetrics  = "/metrics"
	pathSnapshot = "/api/v1/snapshot"
	pathReport   = "/api/v1/report"
	pathTimeline = "/api/v1/timeline"
	pathHealth   = "/healthz"
	// pathMaintenancesICS is the maintenance calendar (calendar.go).
	pathMaintenancesICS = "/api/v1/maintenances.ics"
)

var endpoints = []string{pathMetrics, pathSnapshot, pathReport, pathTimeline, pathSilences, pathHealth, pathMaintenancesICS}

// Handler is the HTTP API. A request is authorized first (/healthz
// answers anyone, and tells an unauthorized client less), then waits for a
// turn: the endpoints answered from the rendered report share one bound,
// those that read the history another.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+pathHealth, s.fromReport.wrap(s.rejected[pathHealth], http.HandlerFunc(s.healthz)))
	mux.Handle("GET "+pathMetrics, s.auth(s.fromReport.wrap(s.rejected[pathMetrics], http.HandlerFunc(s.metrics))))
	mux.Handle("GET "+pathSnapshot, s.auth(s.fromReport.wrap(s.rejected[pathSnapshot], http.HandlerFunc(s.snapshot))))
	mux.Handle("GET "+pathReport, s.auth(s.fromHistory.wrap(s.rejected[pathReport], http.HandlerFunc(s.incidentReport))))
	mux.Handle("GET "+pathTimeline, s.auth(s.fromHistory.wrap(s.rejected[pathTimeline], http.HandlerFunc(s.timeline))))
	mux.Handle("GET "+pathMaintenancesICS, s.calendarAuth(s.fromReport.wrap(s.rejected[pathMaintenancesICS], http.HandlerFunc(s.maintenancesICS))))
	mux.Handle("GET "+pathSilences, s.auth(s.fromHistory.wrap(s.rejected[pathSilences], http.HandlerFunc(s.silences))))
	mux.Handle("POST "+pathSilences, s.auth(s.writable(s.addSilence)))
	mux.Handle("DELETE "+pathSilences+"/{id}", s.auth(s.writable(s.expireSilence)))
	mux.HandleFunc("GET /{$}", s.index)
	return mux
}

// Run serves on ln and runs the monitor until ctx ends, then shuts down:
// it stops accepting, lets requests in flight finish (up to
// ShutdownTimeout) and waits for the monitor, whose recording is one
// transaction, so history stays intact. The caller closes the store
// afterwards. Run returns nil after a shutdown asked for by ctx.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		TLSConfig:         s.opts.TLS,
	}
	monDone := make(chan error, 1)
	go func() { monDone <- s.opts.Monitor.Run(ctx, s.Update) }()
	srvDone := make(chan error, 1)
	go func() {
		if s.opts.TLS != nil {
			srvDone <- hs.ServeTLS(ln, "", "")
			return
		}
		srvDone <- hs.Serve(ln)
	}()

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-srvDone:
		runErr = fmt.Errorf("serve: %w", err)
		srvDone <- nil
	case err := <-monDone:
		runErr = err
		if runErr == nil {
			runErr = errors.New("serve: the monitor stopped")
		}
		monDone <- nil
	}
	cancel()
	sctx, scancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer scancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	<-srvDone
	if err := <-monDone; err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}
