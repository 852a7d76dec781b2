package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/notify"
)

// notifyLockFile is held, exclusively, by the one process that sends a
// state dir's notifications: the first serve or dashboard (with notifiers
// configured) to take it. The others run without notifying and try to
// take it at each new check, so when the sender stops, one of them
// carries on from the outbox and the ledger the last one left in the
// history. The kernel drops the lock however the holder exits.
const notifyLockFile = "notify.lock"

// notifier sends the config's notifications for one long-running session
// (serve, the dashboard), while it is its state dir's sender.
type notifier struct {
	dir    string
	ns     []notify.Notifier
	opts   notify.Options
	outbox *history.Outbox // nil without a history
	role   string          // who this is, written into the lock
	log    func(string)

	mu      sync.Mutex
	lock    *Lock
	disp    *notify.Dispatcher
	lastTry time.Time
	standby bool
	closed  bool
}

// startNotifier sets up the notifications of a session that records into
// store (nil without a history) and tries at once to become the state
// dir's sender. Its notifications wait in the history's outbox, or, with
// no history, in memory. log gets what the session should tell the user.
func (a *App) startNotifier(store *history.Store, ns []notify.Notifier, role string, log func(string)) *notifier {
	n := &notifier{dir: a.StateDir, ns: ns, role: role, log: log}
	n.opts = notify.Options{Log: log, Backoff: a.opts.NotifyBackoff}
	if store != nil {
		n.outbox = store.Outbox()
		n.opts.Outbox = n.outbox
	}
	n.mu.Lock()
	n.acquire()
	n.mu.Unlock()
	return n
}

// Sending reports whether this session sends the notifications.
func (n *notifier) Sending() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.disp != nil
}

// acquire starts the dispatcher when this process can take the notify
// lock; n.mu is held.
func (n *notifier) acquire() {
	if n.disp != nil || n.closed || len(n.ns) == 0 {
		return
	}
	if n.dir != "" {
		l, err := takeNotifyLock(n.dir)
		switch {
		case errors.Is(err, ErrLockHeld):
			if !n.standby {
				n.log(fmt.Sprintf("%s sends this state dir's notifications; this %s does not, and takes over if that one stops",
					lockHolder(n.dir), n.role))
			}
			n.standby = true
			return
		case err != nil:
			n.log(fmt.Sprintf("%v; sending notifications without it, so another vendorwatch on this state dir may send them too", err))
		}
		if l != nil {
			l.Note(fmt.Sprintf("%s (pid %d)", n.role, os.Getpid()))
		}
		n.lock = l
	}
	if n.standby {
		n.log("the last sender of this state dir's notifications stopped; this " + n.role + " sends them from now on")
	}
	n.standby = false
	n.disp = notify.New(n.ns, n.opts)
}

// takeNotifyLock takes the state dir's notify lock without waiting.
func takeNotifyLock(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot take %s: %w", notifyLockFile, err)
	}
	l, err := TryLock(filepath.Join(dir, notifyLockFile), false)
	if err != nil && !errors.Is(err, ErrLockHeld) {
		return nil, fmt.Errorf("cannot take %s: %w", notifyLockFile, err)
	}
	return l, err
}

// lockHolder names the process holding the notify lock, from the note it
// left there ("serve (pid 4242)"), or says "another vendorwatch".
func lockHolder(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, notifyLockFile))
	if s := termtext.Clip(termtext.Line(strings.TrimSpace(string(b))), 80); err == nil && s != "" {
		return "another vendorwatch (" + s + ")"
	}
	return "another vendorwatch"
}

// Observe passes a report on to the dispatcher. A session that is not the
// sender tries to become it once per new check.
func (n *notifier) Observe(rep correlate.Report) {
	n.mu.Lock()
	if n.disp == nil && !rep.GeneratedAt.Equal(n.lastTry) {
		n.lastTry = rep.GeneratedAt
		n.acquire()
	}
	d := n.disp
	n.mu.Unlock()
	if d != nil {
		d.Observe(rep)
	}
}

// Stats is the dispatcher's account; a session that is not the sender
// reports what waits in the outbox, marked Standby.
func (n *notifier) Stats() []notify.Stat {
	n.mu.Lock()
	d := n.disp
	n.mu.Unlock()
	if d != nil {
		return d.Stats()
	}
	out := make([]notify.Stat, len(n.ns))
	var backlog []history.Backlog
	if n.outbox != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		backlog, _ = n.outbox.Backlog(ctx, time.Now())
	}
	for i, nt := range n.ns {
		out[i] = notify.Stat{Name: nt.Name, Standby: true}
		for _, b := range backlog {
			if b.Notifier == nt.Name {
				out[i].Pending, out[i].Failing, out[i].Oldest = b.Pending, b.Failing, b.Oldest
			}
		}
	}
	return out
}

// Close stops the dispatcher (see notify.Dispatcher.Close) and then lets
// the notify lock go, so another session can take over.
func (n *notifier) Close(ctx context.Context) error {
	n.mu.Lock()
	n.closed = true
	d, l := n.disp, n.lock
	n.mu.Unlock()
	var err error
	if d != nil {
		err = d.Close(ctx)
	}
	l.Unlock()
	return err
}
