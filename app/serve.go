package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/loopback"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/serve"
)

// NotifyDrainTimeout is how long serve and the dashboard spend at
// shutdown on one more attempt at the notifications that are due; what is
// left waits in the history's outbox for the next sender.
const NotifyDrainTimeout = 3 * time.Second

// Serve polls for a team until ctx ends (SIGTERM, SIGINT): it resolves
// serve.token, listens on listen (the config's serve.listen when empty: a
// host:port, over HTTPS with serve.tls, or a unix socket), records into
// the history, serves /metrics and the API, and sends the config's
// notifications. What it has to say goes to stderr. A history that cannot
// be opened does not stop it: /healthz then answers 503 and says why.
func (a *App) Serve(ctx context.Context, listen string, stderr io.Writer) error {
	if a.opts.Remote != "" {
		return errors.New("serve polls the vendors itself; --remote does not apply")
	}
	stderr = &lockedWriter{w: stderr}
	listen = cmp.Or(listen, a.Config.Serve.Listen)
	network, address, err := config.ParseListen(listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", listen, err)
	}
	var cert *serve.Certificate
	if t := a.Config.Serve.TLS; t != nil {
		if network == "unix" {
			return fmt.Errorf("--listen %s: serve.tls applies to a host:port; a unix socket is guarded by its file permissions", listen)
		}
		if cert, err = serve.NewCertificate(t.Cert, t.Key, stderr); err != nil {
			return err
		}
	}
	token, err := a.serveToken(ctx, a.Config.Serve.Token, "token")
	if err != nil {
		return err
	}
	calendarToken, err := a.serveToken(ctx, a.Config.Serve.CalendarToken, "calendar_token")
	if err != nil {
		return err
	}
	var ns []notify.Notifier
	var problems []error
	if !a.NotifyOff {
		ns, problems = a.notifiers(ctx)
	}
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
	ln, err := serve.Listen(network, address)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	store, historyErr := a.openHistory(ctx)
	if historyErr != nil {
		fmt.Fprintln(stderr, historyNote(historyErr))
		if errors.Is(historyErr, errNoStateDir) {
			historyErr = nil // a choice, not a failure
		}
	}
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
		Monitor:       a.newMonitor(a.Checker(), store),
		Store:         store,
		HistoryErr:    historyErr,
		Token:         token,
		CalendarToken: calendarToken,
		Version:       a.opts.Version,
		Stale:         max(10*time.Minute, 3*max(a.Config.Interval.D(), a.Config.ProbeInterval.D())),
		OnUpdate:      func(u monitor.Update) { nt.Observe(u.Report) },
		NotifyStats:   nt.Stats,
		Log:           stderr,
	}
	if cert != nil {
		opts.TLS = cert.TLSConfig()
	}
	if store != nil {
		opts.Incident = func(ctx context.Context, from, to time.Time, vendors []string) (output.IncidentReport, error) {
			return IncidentReport(ctx, store, from, to, vendors)
		}
	}
	fmt.Fprintf(stderr, "vendorwatch: serving %d vendors on %s (%s; %s; config %s)\n",
		len(a.Vendors), serveURL(ln, cert != nil), a.serveAccess(ln, token, cert, stderr), a.notifierNote(ns, nt), a.Source)
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

// serveToken resolves the serve token ref written as serve.name ("" when
// there is none). A token shorter than config.MinTokenLength is refused at
// the config's line; the token itself is never shown.
func (a *App) serveToken(ctx context.Context, ref config.SecretRef, name string) (string, error) {
	if ref.IsZero() {
		return "", nil
	}
	token, err := (&config.Resolver{}).Resolve(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("serve %s: %w", name, err)
	}
	token = strings.TrimSpace(token)
	if len(token) < config.MinTokenLength {
		at := a.Config.Path
		if ref.Line > 0 {
			at += ":" + strconv.Itoa(ref.Line)
		}
		return "", fmt.Errorf("%s: serve %s %s is shorter than %d characters: make one with openssl rand -hex 24", at, name, ref, config.MinTokenLength)
	}
	return token, nil
}

// serveURL is where clients reach the server: the URL of a TCP listener,
// unix:PATH for a socket (the form --remote takes).
func serveURL(ln net.Listener, https bool) string {
	if ln.Addr().Network() == "unix" {
		return config.UnixPrefix + ln.Addr().String()
	}
	if https {
		return "https://" + ln.Addr().String()
	}
	return "http://" + ln.Addr().String()
}

// serveAccess says who can read the server, and warns when anyone on the
// network can.
func (a *App) serveAccess(ln net.Listener, token string, cert *serve.Certificate, stderr io.Writer) string {
	var parts []string
	switch {
	case token != "":
		parts = append(parts, "bearer token required")
	case ln.Addr().Network() == "unix":
		parts = append(parts, fmt.Sprintf("no token: whoever may write the socket (mode %04o) can read it", serve.SocketMode))
	default:
		parts = append(parts, "no token: anyone who can reach it can read it")
		if host, _, _ := net.SplitHostPort(ln.Addr().String()); !loopback.Host(host) {
			fmt.Fprintf(stderr, "vendorwatch: warning: listening on %s without serve.token; set one before exposing the server\n", ln.Addr())
		}
	}
	if cert != nil {
		parts = append(parts, "certificate valid until "+cert.NotAfter().UTC().Format("2006-01-02"))
	}
	return strings.Join(parts, "; ")
}

// notifierNote says how many notifiers there are and who sends.
func (a *App) notifierNote(ns []notify.Notifier, nt *notifier) string {
	if a.NotifyOff {
		return "notifications off (--notify=false)"
	}
	note := fmt.Sprintf("%d notifiers", len(ns))
	if len(ns) > 0 && !nt.Sending() {
		note += ", sent by another process"
	}
	return note
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
