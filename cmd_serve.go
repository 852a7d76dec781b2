package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/loopback"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/serve"
)

// notifyDrainTimeout is how long serve waits at shutdown for queued
// notifications.
const notifyDrainTimeout = 3 * time.Second

func newServeCmd(o *options) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Keep polling for a team: Prometheus /metrics, the JSON snapshot and reports over HTTP, notifications",
		Long: `serve polls every vendor continuously (the config's intervals, history and state dir, as the
dashboard does) and serves what it sees over HTTP:

  /metrics           Prometheus metrics (vendorwatch_vendor_state, vendorwatch_key_ok, vendorwatch_finding, ...)
  /api/v1/snapshot   the latest report, the schema-1 JSON of --once --json
  /api/v1/report     the incident report (?since=2h&vendor=vapi&format=markdown|json)
  /api/v1/timeline   history events (?vendor=ID&limit=200)
  /healthz           health, without a token

With serve.token in the config every request but /healthz needs "Authorization: Bearer TOKEN".
Other machines read the server with --remote URL (the token from $VENDORWATCH_TOKEN), so
keys live only on the server. The notify: list of the config fires on findings.
SIGTERM or SIGINT stops it within seconds, history intact.`,
		Example: `  vendorwatch serve                                # 127.0.0.1:9321
  vendorwatch serve --listen :9321                 # every interface: set serve.token
  curl -s localhost:9321/metrics | grep vendorwatch_vendor_state
  vendorwatch --once --remote http://localhost:9321`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, o, listen) },
	}
	cmd.Flags().StringVar(&listen, "listen", "", "host:port to listen on (default serve.listen from the config, else "+config.DefaultListen+")")
	return cmd
}

// runServe loads the config, resolves the token, listens, and runs the
// server until the command's context ends (SIGTERM, SIGINT).
func runServe(cmd *cobra.Command, o *options, listen string) error {
	if o.remote != "" {
		return &exitError{code: 3, err: errors.New("serve polls the vendors itself; --remote does not apply")}
	}
	l, err := load(o)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	stderr := &lockedWriter{w: cmd.ErrOrStderr()}
	token := ""
	if !l.cfg.Serve.Token.IsZero() {
		if token, err = (&config.Resolver{}).Resolve(ctx, l.cfg.Serve.Token); err != nil {
			return &exitError{code: 3, err: fmt.Errorf("serve token: %w", err)}
		}
	}
	if listen == "" {
		listen = l.cfg.Serve.Listen
	}
	if err := checkListenFlag(listen); err != nil {
		return &exitError{code: 3, err: err}
	}
	ns, problems := buildNotifiers(ctx, l.cfg.Notify)
	var fatal []error
	for _, p := range problems {
		if errors.Is(p, errNotifierUnavailable) {
			fmt.Fprintf(stderr, "vendorwatch: warning: %v; skipped\n", p)
			continue
		}
		fatal = append(fatal, p)
	}
	if len(fatal) > 0 {
		return &exitError{code: 3, err: errors.Join(fatal...)}
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return &exitError{code: 3, err: fmt.Errorf("serve: %w", err)}
	}
	store := openHistory(ctx, o, l, stderr)
	if store != nil {
		defer store.Close()
		// serve rewrites snapshot.json after every check; local tmux
		// widgets see this lock and start no refresh of their own.
		if lock := holdLiveLock(l.stateDir); lock != nil {
			defer lock.Unlock()
		}
	}
	disp := notify.New(ns, notify.Options{Log: func(s string) { fmt.Fprintln(stderr, "vendorwatch:", s) }})
	opts := serve.Options{
		Monitor:     monitor.New(newChecker(l), store),
		Store:       store,
		Token:       token,
		Version:     versionString(),
		Stale:       max(10*time.Minute, 3*max(l.cfg.Interval.D(), l.cfg.ProbeInterval.D())),
		OnUpdate:    func(u monitor.Update) { disp.Observe(u.Report) },
		NotifyStats: disp.Stats,
		Log:         stderr,
	}
	if store != nil {
		opts.Incident = func(ctx context.Context, from, to time.Time, vendors []string) (output.IncidentReport, error) {
			return incidentReport(ctx, store, from, to, vendors)
		}
	}
	auth := "no token: anyone who can reach it can read it"
	if token != "" {
		auth = "bearer token required"
	} else if host, _, _ := net.SplitHostPort(ln.Addr().String()); !loopback.Host(host) {
		fmt.Fprintf(stderr, "vendorwatch: warning: listening on %s without serve.token; set one before exposing the server\n", ln.Addr())
	}
	fmt.Fprintf(stderr, "vendorwatch: serving %d vendors on http://%s (%s; %d notifiers; config %s)\n",
		len(l.vendors), ln.Addr(), auth, len(ns), l.source)
	runErr := serve.New(opts).Run(ctx, ln)
	dctx, cancel := context.WithTimeout(context.Background(), notifyDrainTimeout)
	defer cancel()
	if err := disp.Close(dctx); err != nil {
		fmt.Fprintln(stderr, "vendorwatch:", err)
	}
	if runErr != nil {
		return &exitError{code: 3, err: runErr}
	}
	fmt.Fprintln(stderr, "vendorwatch: stopped")
	return nil
}

// checkListenFlag checks a host:port before listening, for a clear error.
func checkListenFlag(addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("--listen %q: want host:port such as 127.0.0.1:9321 or :9321", addr)
	}
	return nil
}

// lockedWriter serializes writes from the server's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
