package main

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// runServeWhole is -serve-cost with -serve-whole: for each size,
// `vendorwatch serve` over vendors that never change, everything it
// writes from its start to its exit (SIGTERM) after the given time, its
// first check and its shutdown included (wait4's rusage, ru_oublock): on
// an empty state dir, then restarted on the state dir the first left.
func runServeWhole(o costOptions, tmp, bin, home string, cert *tls.Certificate) error {
	fmt.Printf("- each serve runs %s from its start, then stops (SIGTERM); written: everything it caused to be written, start to exit\n\n", o.whole)
	fmt.Println("| vendors | hosts | written: empty state dir | written: restarted on it | CPU: empty / restarted | state dir after |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, n := range o.sizes {
		if err := serveWholeSize(o, tmp, bin, home, cert, n); err != nil {
			return fmt.Errorf("%d vendors: %w", n, err)
		}
	}
	fmt.Printf("\nload average after: %s\n", loadAvg())
	return nil
}

// serveWholeSize measures one size: two whole runs of serve on one state
// dir.
func serveWholeSize(o costOptions, tmp, bin, home string, cert *tls.Certificate, n int) error {
	nh := max(1, (n+3)/4)
	hosts, err := startFleetWith(nh, hostOptions{latency: o.latency, cert: cert, rtt: o.rtt}, o.h1Share)
	if err != nil {
		return err
	}
	defer hosts.close()
	dir := filepath.Join(tmp, fmt.Sprintf("whole-%d", n))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	sc, err := buildScenario(dir, n, hosts, false)
	if err != nil {
		return err
	}
	state := filepath.Join(dir, "state")
	extra := fmt.Sprintf("interval: %s\nprobe_interval: %s\n", o.interval, o.interval)
	var written [2]int64
	var cpu [2]time.Duration
	for i, what := range []string{"an empty state dir", "restarted"} {
		start := time.Now()
		rs, err := startServe(bin, home, sc, state, extra, false)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "vwbench: %d vendors, %s: serve answered with every vendor after %s; stopping it %s after its start\n", n, what, time.Since(start).Round(time.Millisecond), o.whole)
		time.Sleep(time.Until(start.Add(o.whole)))
		rs.stop()
		written[i] = writtenBytes(rs.exited)
		cpu[i] = rs.exited.UserTime() + rs.exited.SystemTime()
	}
	fmt.Printf("| %d | %d | %s | %s | %s / %s | %s |\n", n, nh, kib(written[0]), kib(written[1]), secs(cpu[0]), secs(cpu[1]), kib(dirSize(state)))
	return nil
}
