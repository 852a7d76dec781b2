package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/loopback"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/serve"
)

// NotifyDrainTimeout is how long serve and the dashboard spend at
// shutdown on one more attempt at the notifications that are due; what is
// left waits in the history's outbox for the next sender.
const NotifyDrainTimeout = 3 * time.Second

// Serve polls for a team until ctx ends (SIGTERM, SIGINT): it resolves
// serve.token, listens on listen (the config's serve.listen when empty),
// records into the history, serves /metrics and the API, and sends the
// config's notifications. What it has to say goes to stderr.
func (a *App) Serve(ctx context.Context, listen string, stderr io.Writer) error {
	if a.opts.Remote != "" {
		return errors.New("serve polls the vendors itself; --remote does not apply")
	}
	stderr = &lockedWriter{w: stderr}
	token := ""
	if !a.Config.Serve.Token.IsZero() {
		var err error
		if token, err = (&config.Resolver{}).Resolve(ctx, a.Config.Serve.Token); err != nil {
			return fmt.Errorf("serve token: %w", err)
		}
	}
	listen = cmp.Or(listen, a.Config.Serve.Listen)
	if _, _, err := net.SplitHostPort(listen); err != nil {
		return fmt.Errorf("--listen %q: want host:port such as 127.0.0.1:9321 or :9321", listen)
	}
	ns, problems := a.notifiers(ctx)
	var fatal []error
	for _, p := range problems {
		if errors.Is(p, ErrNotifierUnavailable) {
			fmt.Fprintf(stderr, "vendorwatch: warning: %v; skipped\n", p)
			continue
		}
		fatal = append(fatal, p)
	}
	if len(fatal) > 0 {
		return errors.Join(fatal...)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	store := a.OpenHistory(ctx, stderr)
	if store != nil {
		defer store.Close()
		// serve rewrites snapshot.json after every check; local tmux
		// widgets see this lock and start no refresh of their own.
		if lock := HoldLiveLock(a.StateDir); lock != nil {
			defer lock.Unlock()
		}
	}
	nt := a.startNotifier(store, ns, "serve", func(s string) { fmt.Fprintln(stderr, "vendorwatch:", s) })
	opts := serve.Options{
		Monitor:     a.newMonitor(a.Checker(), store),
		Store:       store,
		Token:       token,
		Version:     a.opts.Version,
		Stale:       max(10*time.Minute, 3*max(a.Config.Interval.D(), a.Config.ProbeInterval.D())),
		OnUpdate:    func(u monitor.Update) { nt.Observe(u.Report) },
		NotifyStats: nt.Stats,
		Log:         stderr,
	}
	if store != nil {
		opts.Incident = func(ctx context.Context, from, to time.Time, vendors []string) (output.IncidentReport, error) {
			return IncidentReport(ctx, store, from, to, vendors)
		}
	}
	auth := "no token: anyone who can reach it can read it"
	if token != "" {
		auth = "bearer token required"
	} else if host, _, _ := net.SplitHostPort(ln.Addr().String()); !loopback.Host(host) {
		fmt.Fprintf(stderr, "vendorwatch: warning: listening on %s without serve.token; set one before exposing the server\n", ln.Addr())
	}
	notifiers := fmt.Sprintf("%d notifiers", len(ns))
	if len(ns) > 0 && !nt.Sending() {
		notifiers += ", sent by another process"
	}
	fmt.Fprintf(stderr, "vendorwatch: serving %d vendors on http://%s (%s; %s; config %s)\n",
		len(a.Vendors), ln.Addr(), auth, notifiers, a.Source)
	runErr := serve.New(opts).Run(ctx, ln)
	dctx, cancel := context.WithTimeout(context.Background(), NotifyDrainTimeout)
	defer cancel()
	if err := nt.Close(dctx); err != nil {
		fmt.Fprintln(stderr, "vendorwatch:", err)
	}
	if runErr != nil {
		return runErr
	}
	fmt.Fprintln(stderr, "vendorwatch: stopped")
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

// DefaultListen is where serve listens when neither --listen nor the
// config says.
const DefaultListen = config.DefaultListen
