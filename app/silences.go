package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/ui"
)

// OpenSilences opens the history of the state dir (flag, or the default)
// for the silence commands, creating it when there is none yet: a
// silence may be added before the first check.
func OpenSilences(ctx context.Context, stateDir string) (*history.Store, error) {
	dir := StateDir(stateDir)
	if dir == "" {
		return nil, errors.New("no state dir: give --state-dir")
	}
	return history.Open(ctx, dir, history.Options{})
}

// SilenceFor reads how long a silence lasts ("2h", "90m", "1d"), which
// must be positive and at most correlate.MaxSilence.
func SilenceFor(s string) (time.Duration, error) {
	d, err := config.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: use 30m, 2h or 1d: %w", s, err)
	}
	if d <= 0 || d > correlate.MaxSilence {
		return 0, fmt.Errorf("%q: a silence lasts more than nothing and at most %d days", s, int(correlate.MaxSilence.Hours()/24))
	}
	return d, nil
}

// Who is the OS user a silence is recorded as added by: the login name,
// else $USER, else "unknown".
func Who() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// DashboardComment is the comment of a silence added with the
// dashboard's 'a'.
const DashboardComment = "silenced from the dashboard"

// SilenceOf is the silence the dashboard's 'a' adds for f: its first
// vendor, its kind, and its key when it is about exactly one.
func SilenceOf(f correlate.Finding, d time.Duration, now time.Time) correlate.Silence {
	s := correlate.Silence{Kind: f.Kind, Comment: DashboardComment, By: Who(), Created: now.UTC(), Until: now.UTC().Add(d)}
	if len(f.Vendors) > 0 {
		s.Vendor = f.Vendors[0]
	}
	if len(f.Keys) == 1 {
		s.Key = f.Keys[0]
	}
	return s
}

// Silence stores a silence of f for d ('a' in the dashboard).
func (b *MonitorBackend) Silence(ctx context.Context, f correlate.Finding, d time.Duration) (correlate.Silence, error) {
	if b.store == nil {
		return correlate.Silence{}, errors.New("no history: the state dir could not be opened, so nothing can be silenced")
	}
	now := time.Now()
	if b.now != nil {
		now = b.now()
	}
	return b.store.AddSilence(ctx, SilenceOf(f, d, now))
}

var _ ui.Silencer = (*MonitorBackend)(nil)
