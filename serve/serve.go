// Package serve is `vendorwatch serve`: one process polls the vendors
// for a whole team, keeps the history and the state dir's snapshot fresh,
// and serves what it sees — Prometheus metrics at /metrics, the schema-1
// report at /api/v1/snapshot, the incident report at /api/v1/report, the
// timeline at /api/v1/timeline and a health check at /healthz. An optional
// bearer token guards everything but /healthz.
package serve

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
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
	// Token, when not empty, must come as "Authorization: Bearer TOKEN" on
	// every request but /healthz. It never appears in logs or errors.
	Token string
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
	reg   *prometheus.Registry

	mu sync.Mutex
	st state
}

// state is what the handlers and the collector read.
type state struct {
	report        correlate.Report
	have          bool // a report from a check (or the store), not just the pending one
	checks        uint64
	historyErrors uint64
	inFlight      int
	lastErr       string
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
	s := &Server{opts: o, reg: prometheus.NewRegistry()}
	s.token = sha256.Sum256([]byte(o.Token))
	s.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collector{s},
	)
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
	prev := s.st.report.GeneratedAt
	s.st.report, s.st.inFlight = u.Report, u.InFlight
	if !u.Report.GeneratedAt.Equal(prev) && !prev.IsZero() {
		s.st.checks++
	}
	if len(u.Report.Vendors) > 0 && hasData(u.Report) {
		s.st.have = true
	}
	if u.Err != nil {
		s.st.historyErrors++
		s.st.lastErr = u.Err.Error()
	}
	s.mu.Unlock()
	if u.Err != nil {
		fmt.Fprintf(s.opts.Log, "vendorwatch: history: %v\n", u.Err)
	}
	if s.opts.OnUpdate != nil {
		s.opts.OnUpdate(u)
	}
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

// Handler is the HTTP API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.auth(promhttp.InstrumentMetricHandler(s.reg,
		promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))))
	mux.Handle("GET /api/v1/snapshot", s.auth(http.HandlerFunc(s.snapshot)))
	mux.Handle("GET /api/v1/report", s.auth(http.HandlerFunc(s.incidentReport)))
	mux.Handle("GET /api/v1/timeline", s.auth(http.HandlerFunc(s.timeline)))
	mux.HandleFunc("GET /{$}", s.index)
	return mux
}

// auth lets a request through when no token is configured or when it
// carries the token. The comparison takes the same time whatever the
// guess, and the token is never logged or echoed.
func (s *Server) auth(next http.Handler) http.Handler {
	if s.opts.Token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !ok || subtle.ConstantTimeCompare(sum[:], s.token[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vendorwatch"`)
			httpError(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		next.ServeHTTP(w, r)
	})
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
	}
	monDone := make(chan error, 1)
	go func() { monDone <- s.opts.Monitor.Run(ctx, s.Update) }()
	srvDone := make(chan error, 1)
	go func() { srvDone <- hs.Serve(ln) }()

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
