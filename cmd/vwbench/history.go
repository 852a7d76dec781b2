package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/vendorwatch/vendorwatch/history"
)

// runHistory is `vwbench history`: it writes a generated history into a
// state dir (history.Generate), for timing `vendorwatch report` over a
// year's worth of checks:
//
//	go run ./cmd/vwbench history -vendors 200 -days 90 -dir /tmp/vw-90d
//	/usr/bin/time -v vendorwatch --state-dir /tmp/vw-90d report --since 24h > /dev/null
//	go run ./cmd/vwbench history -migrate -dir /tmp/vw-90d   # a history from an older vendorwatch, migrated
func runHistory(args []string) error {
	fs := flag.NewFlagSet("vwbench history", flag.ContinueOnError)
	dir := fs.String("dir", "", "the state dir to write (created; it must hold no history yet)")
	vendors := fs.Int("vendors", 200, "vendors checked every round")
	days := fs.Int("days", 90, "days of history, ending now")
	interval := fs.Duration("interval", time.Minute, "time between checks")
	seed := fs.Uint64("seed", 1, "the churn's seed: the same flags give the same history")
	churn := fs.Float64("churn", 1, "how often vendors go through incidents, maintenances and probe failures (1: an incident a month, a maintenance every six weeks, a failing probe a week per vendor)")
	migrate := fs.Bool("migrate", false, "instead, open the history already in -dir, bringing its schema up to date, and say how long that took")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("-dir: give the state dir to write")
	}
	if *migrate {
		start := time.Now()
		s, err := history.Open(context.Background(), *dir, history.Options{})
		if err != nil {
			return err
		}
		fmt.Printf("%s opened at schema %d in %s\n", s.Path(), history.SchemaVersion, time.Since(start).Round(time.Millisecond))
		return s.Close()
	}
	if _, err := os.Stat(*dir + "/" + history.DatabaseFile); err == nil {
		return fmt.Errorf("-dir %s already holds a history: give a new directory", *dir)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s, err := history.Open(ctx, *dir, history.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	st, err := history.Generate(ctx, s, history.GenerateOptions{
		Vendors: *vendors, Days: *days, Interval: *interval, Seed: *seed, Churn: *churn,
		Progress: func(done, total int) {
			fmt.Fprintf(os.Stderr, "vwbench history: %d of %d rounds (%s)\n", done, total, time.Since(start).Round(time.Second))
		},
	})
	if err != nil {
		return err
	}
	fi, _ := os.Stat(s.Path())
	var size int64
	if fi != nil {
		size = fi.Size()
	}
	fmt.Printf("%d vendors, %d days, %d rounds (%d committed, %d episodes): %s, %.1f MB, in %s\n",
		*vendors, *days, st.Rounds, st.Commits, st.Episodes, s.Path(), float64(size)/1e6, time.Since(start).Round(time.Second))
	return nil
}
