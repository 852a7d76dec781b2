package app

import (
	"context"
	"io"

	"github.com/vendorwatch/vendorwatch/monitor"
)

// Dashboard is the dashboard's backend over the app's vendors: the monitor
// on the config's intervals, correlation with the stored memory, the
// history in the state dir (which keeps snapshot.json fresh for the tmux
// widget and --once) and the config's notifications, which it sends
// unless another process on the state dir does. Call done when the
// dashboard has ended: it makes one more attempt at the notifications that
// are due, prints their problems to stderr (which the dashboard could not
// while it owned the terminal) and closes the history.
func (a *App) Dashboard(ctx context.Context, stderr io.Writer) (b *MonitorBackend, done func()) {
	store := a.OpenHistory(ctx, stderr)
	var release []func()
	if store != nil {
		release = append(release, func() { store.Close() })
		// While the dashboard runs it rewrites snapshot.json after every
		// check; the tmux widget sees this lock and starts no refresh.
		if lock := HoldLiveLock(a.StateDir); lock != nil {
			release = append(release, lock.Unlock)
		}
	}
	ns, problems := a.notifiers(ctx)
	notes := &noteLog{}
	for _, p := range problems {
		notes.add(p.Error())
	}
	// disp sends the notifications while this dashboard is the state
	// dir's sender (notify.go).
	disp := a.startNotifier(store, ns, "dashboard", notes.add)
	b = &MonitorBackend{mon: a.newMonitor(a.Checker(), store), store: store, observe: func(u monitor.Update) { disp.Observe(u.Report) }}
	return b, func() {
		dctx, cancel := context.WithTimeout(context.Background(), NotifyDrainTimeout)
		defer cancel()
		if err := disp.Close(dctx); err != nil {
			notes.add(err.Error())
		}
		notes.print(stderr)
		for i := len(release) - 1; i >= 0; i-- {
			release[i]()
		}
	}
}
