package main

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// costOptions are the -serve-cost mode's settings.
type costOptions struct {
	bin      string
	sizes    []int
	window   time.Duration // how long each size is watched after its first check
	interval time.Duration // the config's interval and probe_interval
	rtt      time.Duration
	latency  time.Duration
	h1Share  float64
	peer     bool // also measure Prometheus + blackbox_exporter on the same endpoints
	keep     bool
	// whole, when set, measures each size's serve from its start to its
	// exit this long after instead (servewhole.go).
	whole time.Duration
}

// procCost is what a process has cost so far: CPU time and the bytes it
// caused to be written to storage.
type procCost struct {
	cpu     time.Duration
	written int64
}

// userHZ is the unit of /proc/PID/stat's times: 100 on every Linux.
const userHZ = 100

// readProcCost reads a live process' CPU time (/proc/PID/stat, utime +
// stime) and write_bytes (/proc/PID/io).
func readProcCost(pid int) (procCost, error) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return procCost{}, fmt.Errorf("-serve-cost needs Linux's /proc: %w", err)
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis (utime and stime are fields 14, 15).
	rest := stat[bytes.LastIndexByte(stat, ')')+1:]
	f := strings.Fields(string(rest))
	if len(f) < 13 {
		return procCost{}, errors.New("unexpected /proc/PID/stat")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return procCost{}, fmt.Errorf("reading /proc/PID/stat: %w", err)
	}
	c := procCost{cpu: time.Duration(ut+st) * time.Second / userHZ}
	io, err := os.ReadFile(filepath.Join(dir, "io"))
	if err != nil {
		return procCost{}, fmt.Errorf("reading /proc/PID/io: %w", err)
	}
	for _, line := range strings.Split(string(io), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes: "); ok {
			c.written, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return procCost{}, fmt.Errorf("reading /proc/PID/io: %w", err)
			}
		}
	}
	return c, nil
}

// costRow is one size's continuous-check cost, per hour.
type costRow struct {
	vendors, hosts, rounds, requests int
	serveCPU, floorCPU               time.Duration // per hour
	serveWritten, floorWritten       int64         // per hour
	stateGrowth                      int64         // per hour
	roundMedian, roundMax            int64         // bytes serve wrote in one interval
	rss                              int64
	peerCPU                          time.Duration // per hour, with -serve-cost-peer
	peerWritten, peerRSS             int64
	peerRounds                       int
}

// runServeCost is the -serve-cost mode: for each size, `vendorwatch serve`
// over that many vendors on vendors/4 HTTPS hosts that never change, at
// the given interval, watched for the window after its first complete
// check; beside it, what the floor program would cost doing the same
// rounds (its warm run, measured right after, times the rounds in an
// hour). Both are per hour of watching.
func runServeCost(o costOptions) error {
	if o.window < o.interval {
		return fmt.Errorf("-serve-cost-for (%s) must hold at least one -serve-cost-interval (%s)", o.window, o.interval)
	}
	tmp, bin, home, self, cert, cleanup, err := prepareBeside(o.bin, o.keep, "-serve-cost")
	defer cleanup()
	if err != nil {
		return err
	}
	fmt.Printf("- interval and probe_interval %s; every host HTTPS, %.0f %% HTTP/1.1 only, a round trip of %s; nothing changes: every document answers 304\n", o.interval, 100*o.h1Share, o.rtt)
	if o.whole > 0 {
		return runServeWhole(o, tmp, bin, home, cert)
	}
	fmt.Printf("- each size watched for %s after serve's first complete check\n\n", o.window)
	var rows []costRow
	for _, n := range o.sizes {
		row, err := serveCostSize(o, tmp, bin, self, home, cert, n)
		if err != nil {
			return fmt.Errorf("%d vendors: %w", n, err)
		}
		rows = append(rows, row)
	}
	fmt.Println("| vendors | hosts | rounds watched | requests a round | CPU per hour: serve / floor program | % of a core: serve / floor | written per hour: serve / floor | written in one round: median / most | state dir growth per hour | serve RSS |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %d | %d | %d | %d | %s / %s | %.2f %% / %.2f %% | %s / %s | %s / %s | %s | %s |\n",
			r.vendors, r.hosts, r.rounds, r.requests,
			secs(r.serveCPU), secs(r.floorCPU),
			100*r.serveCPU.Seconds()/3600, 100*r.floorCPU.Seconds()/3600,
			kib(r.serveWritten), kib(r.floorWritten), kib(r.roundMedian), kib(r.roundMax), kib(r.stateGrowth), mib(r.rss))
	}
	if o.peer {
		fmt.Println("\nThe same endpoints watched by Prometheus through blackbox_exporter (full GETs, no parsing, both processes counted):")
		fmt.Println()
		fmt.Println("| vendors | rounds watched | CPU per hour: serve / Prometheus + blackbox | % of a core | written per hour: serve / Prometheus + blackbox | RSS: serve / Prometheus + blackbox |")
		fmt.Println("|---|---|---|---|---|---|")
		for _, r := range rows {
			fmt.Printf("| %d | %d | %s / %s | %.2f %% / %.2f %% | %s / %s | %s / %s |\n", r.vendors, r.peerRounds,
				secs(r.serveCPU), secs(r.peerCPU), 100*r.serveCPU.Seconds()/3600, 100*r.peerCPU.Seconds()/3600,
				kib(r.serveWritten), kib(r.peerWritten), mib(r.rss), mib(r.peerRSS))
		}
	}
	fmt.Printf("\nload average after: %s\n", loadAvg())
	return nil
}

// serveCostSize measures one size.
func serveCostSize(o costOptions, tmp, bin, self, home string, cert *tls.Certificate, n int) (costRow, error) {
	nh := max(1, (n+3)/4)
	hosts, err := startFleetWith(nh, hostOptions{latency: o.latency, cert: cert, rtt: o.rtt}, o.h1Share)
	if err != nil {
		return costRow{}, err
	}
	defer hosts.close()
	dir := filepath.Join(tmp, fmt.Sprintf("cost-%d", n))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return costRow{}, err
	}
	sc, err := buildScenario(dir, n, hosts, false)
	if err != nil {
		return costRow{}, err
	}
	state := filepath.Join(dir, "state")
	extra := fmt.Sprintf("interval: %s\nprobe_interval: %s\n", o.interval, o.interval)
	rs, err := startServe(bin, home, sc, state, extra, false)
	if err != nil {
		return costRow{}, err
	}
	defer rs.stop()
	// The round after the first still settles (the history's first
	// evidence runs, SQLite's first checkpoint): skip it.
	time.Sleep(o.interval)
	hosts.take()
	before, err := readProcCost(rs.pid)
	if err != nil {
		return costRow{}, err
	}
	size0 := dirSize(state)
	fmt.Fprintf(os.Stderr, "vwbench: %d vendors: serve checked every vendor; watching for %s\n", n, o.window)
	var perRound []time.Duration // bytes written in each interval, as durations for median
	last := before
	for end := time.Now().Add(o.window); time.Now().Before(end); {
		time.Sleep(min(o.interval, time.Until(end)))
		c, err := readProcCost(rs.pid)
		if err != nil {
			return costRow{}, err
		}
		perRound = append(perRound, time.Duration(c.written-last.written))
		last = c
	}
	after := last
	seen := hosts.take()
	rss, _ := procRSS(rs.pid, "VmRSS")
	growth := dirSize(state) - size0
	rs.stop()

	perHour := func(x float64) float64 { return x * float64(time.Hour) / float64(o.window) }
	row := costRow{
		vendors: n, hosts: nh, requests: len(sc.requests), rss: rss,
		serveCPU:     time.Duration(perHour(float64(after.cpu - before.cpu))),
		serveWritten: int64(perHour(float64(after.written - before.written))),
		stateGrowth:  int64(perHour(float64(growth))),
		roundMedian:  int64(median(perRound)),
		roundMax:     int64(slices.Max(perRound)),
	}
	if len(sc.requests) > 0 {
		row.rounds = int(seen.Requests) / len(sc.requests)
	}

	// The floor program doing the same rounds: one cold run to learn the
	// validators, then warm runs, as many as an hour of rounds holds.
	var urls strings.Builder
	for _, r := range sc.requests {
		urls.WriteString(r.url + "\n")
	}
	urlFile := filepath.Join(dir, "urls.txt")
	if err := os.WriteFile(urlFile, []byte(urls.String()), 0o600); err != nil {
		return row, err
	}
	floorState := filepath.Join(dir, "floor.json")
	if _, err := floorRun(self, home, urlFile, floorState, hosts); err != nil {
		return row, fmt.Errorf("floor, cold: %w", err)
	}
	var warm []result
	for range 3 {
		r, err := floorRun(self, home, urlFile, floorState, hosts)
		if err != nil {
			return row, fmt.Errorf("floor, warm: %w", err)
		}
		warm = append(warm, r)
	}
	roundsPerHour := float64(time.Hour) / float64(o.interval)
	row.floorCPU = time.Duration(roundsPerHour * float64(medianOf(warm, func(r result) time.Duration { return r.CPU })))
	row.floorWritten = int64(roundsPerHour * float64(medianWritten(warm)))
	if o.peer {
		if err := peerCost(o, dir, sc, hosts, &row); err != nil {
			return row, fmt.Errorf("the peer: %w", err)
		}
	}
	return row, nil
}

// peerCost measures Prometheus + blackbox_exporter on the scenario's URLs
// as serveCostSize measures serve: a settling interval, then the window.
func peerCost(o costOptions, dir string, sc *scenario, hosts fleet, row *costRow) error {
	var urls []string
	for _, r := range sc.requests {
		urls = append(urls, r.url)
	}
	p, err := startPeer(filepath.Join(dir, "peer"), urls, o.interval)
	if err != nil {
		return err
	}
	defer p.stop()
	time.Sleep(o.interval + o.interval/2) // its first round, and its start-up writes
	hosts.take()
	before, err := p.cost()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "vwbench: %d vendors: Prometheus + blackbox_exporter; watching for %s\n", row.vendors, o.window)
	time.Sleep(o.window)
	after, err := p.cost()
	if err != nil {
		return err
	}
	perHour := float64(time.Hour) / float64(o.window)
	row.peerCPU = time.Duration(perHour * float64(after.cpu-before.cpu))
	row.peerWritten = int64(perHour * float64(after.written-before.written))
	row.peerRSS = p.rss()
	if len(urls) > 0 {
		row.peerRounds = int(hosts.take().Requests) / len(urls)
	}
	return nil
}
