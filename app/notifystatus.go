package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// writeNotifications writes check-config's NOTIFICATIONS section: for each
// notifier, what waits in the state dir's outbox, how many of those keep
// failing, how old the oldest is, what was given up within a week and the
// latest error; then which process sends them. It reads the history only
// when there is one, and creates nothing.
func (a *App) writeNotifications(ctx context.Context, out io.Writer, now time.Time) error {
	var names []string
	for _, n := range a.Config.Notify {
		names = append(names, n.Name)
	}
	if a.StateDir == "" {
		if len(names) > 0 {
			fmt.Fprintln(out, "\nNOTIFICATIONS\nno state dir: serve and the dashboard keep notifications in memory, and a restart loses them")
		}
		return nil
	}
	path := filepath.Join(a.StateDir, history.DatabaseFile)
	var backlog []history.Backlog
	var readErr error
	if _, err := os.Stat(path); err == nil {
		store, err := history.Open(ctx, a.StateDir, history.Options{})
		if err == nil {
			backlog, readErr = store.Outbox().Backlog(ctx, now)
			store.Close()
		} else {
			readErr = err
		}
	}
	if len(names) == 0 && len(backlog) == 0 && readErr == nil {
		return nil
	}
	fmt.Fprintf(out, "\nNOTIFICATIONS (outbox in %s)\n", Tildify(path))
	if readErr != nil {
		fmt.Fprintf(out, "cannot read the outbox: %s\n", termtext.Line(readErr.Error()))
	} else {
		rows := map[string]history.Backlog{}
		for _, b := range backlog {
			rows[b.Notifier] = b
			if !slices.Contains(names, b.Notifier) {
				names = append(names, b.Notifier)
			}
		}
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NOTIFIER\tPENDING\tFAILING\tOLDEST\tEXPIRED (7 DAYS)\tLAST ERROR")
		for _, name := range names {
			b := rows[name]
			shown := termtext.Clip(termtext.Line(name), 40)
			if !slices.ContainsFunc(a.Config.Notify, func(n config.Notifier) bool { return n.Name == name }) {
				shown += " (not in this config)"
			}
			oldest, last := "-", "-"
			if !b.Oldest.IsZero() {
				oldest = ago(now.Sub(b.Oldest))
			}
			if b.LastError != "" {
				last = termtext.Clip(termtext.Line(b.LastError), 80)
			}
			fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%d\t%s\n", shown, b.Pending, b.Failing, oldest, b.Expired, last)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(out, notifySender(a.StateDir))
	return nil
}

// notifySender says which process sends the state dir's notifications.
func notifySender(dir string) string {
	const nobody = "sent by: no vendorwatch now (serve or the dashboard sends them while it runs)"
	path := filepath.Join(dir, notifyLockFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nobody
	}
	l, err := TryLock(path, false)
	switch {
	case errors.Is(err, ErrLockHeld):
		return "sent by: " + lockHolder(dir) + ", which holds " + notifyLockFile
	case err != nil:
		return "sent by: cannot tell (" + termtext.Line(err.Error()) + ")"
	}
	l.Unlock()
	return nobody
}

// ago says how long ago, to the second under a minute, else to the minute.
func ago(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String() + " ago"
	}
	s := strings.TrimSuffix(d.Round(time.Minute).String(), "0s") // 1h5m0s: 1h5m
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m") // 2h0m: 2h
	}
	return s + " ago"
}
