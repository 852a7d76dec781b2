package main

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// curveOptions are the -sizes mode's settings.
type curveOptions struct {
	bin     string
	sizes   []int
	latency time.Duration
	rtt     time.Duration
	h1Share float64
	runs    int
	uniform bool
	keep    bool
	hold    bool  // after each size, keep its hosts up until interrupted
	history []int // rounds of history at which to time report (none: after the runs)
}

// curveRow is one size's medians: vendorwatch and the floor, cold and
// warm, measured alternately in the same run.
type curveRow struct {
	vendors, hosts, h1Hosts, requests int
	vwCold, vwWarm, flCold, flWarm    []result
	report                            []reportPoint
}

// reportPoint is `vendorwatch report --since 24h` timed on a state dir
// holding a number of rounds of history.
type reportPoint struct {
	rounds                   int
	wall                     time.Duration // median
	stateBytes, historyBytes int64
}

// runCurve is the -sizes mode: for each number of vendors, on vendors/4
// hosts (at least one) over HTTPS with the round trip emulated, it runs
// `vwbench floor` and `vendorwatch --once --json`, cold then warm, in
// turn, opts.runs times, then times `vendorwatch report` on the last
// state dir, and prints one Markdown table of medians.
func runCurve(o curveOptions) error {
	tmp, bin, home, self, cert, cleanup, err := prepareBeside(o.bin, o.keep, "-sizes")
	defer cleanup()
	if err != nil {
		return err
	}
	fmt.Printf("- every host: HTTPS (TLS 1.3), a round trip of %s emulated below TLS, %s think time; %.0f %% of hosts offer only HTTP/1.1, the rest HTTP/2 too\n",
		o.rtt, o.latency, 100*o.h1Share)
	fmt.Printf("- physical floor: TCP + TLS + request = %s\n\n", secs(physicalFloor(o.rtt, o.latency, true)))

	var rows []curveRow
	for _, n := range o.sizes {
		row, err := curveSize(o, tmp, bin, self, home, cert, n)
		if err != nil {
			return fmt.Errorf("%d vendors: %w", n, err)
		}
		rows = append(rows, row)
	}
	printCurve(o, rows)
	fmt.Printf("\nload average after: %s\n", loadAvg())
	return nil
}

// curveSize measures one size.
func curveSize(o curveOptions, tmp, bin, self, home string, cert *tls.Certificate, n int) (curveRow, error) {
	nh := max(1, (n+3)/4)
	hosts, err := startFleetWith(nh, hostOptions{latency: o.latency, cert: cert, rtt: o.rtt}, o.h1Share)
	if err != nil {
		return curveRow{}, err
	}
	defer hosts.close()
	dir := filepath.Join(tmp, fmt.Sprintf("size-%d", n))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return curveRow{}, err
	}
	sc, err := buildScenario(dir, n, hosts, o.uniform)
	if err != nil {
		return curveRow{}, err
	}
	var urls strings.Builder
	for _, r := range sc.requests {
		urls.WriteString(r.url + "\n")
	}
	urlFile := filepath.Join(dir, "urls.txt")
	if err := os.WriteFile(urlFile, []byte(urls.String()), 0o600); err != nil {
		return curveRow{}, err
	}
	row := curveRow{vendors: n, hosts: nh, requests: len(sc.requests)}
	for i := range nh {
		if h1Only(i, o.h1Share) {
			row.h1Hosts++
		}
	}

	var last string
	for i := range o.runs {
		state := filepath.Join(dir, fmt.Sprintf("state-%d", i))
		floorState := filepath.Join(dir, fmt.Sprintf("floor-%d.json", i))
		fc, err := floorRun(self, home, urlFile, floorState, hosts)
		if err != nil {
			return row, fmt.Errorf("floor, cold run %d: %w", i+1, err)
		}
		vc, err := once(bin, home, sc.config, state, hosts)
		if err != nil {
			return row, fmt.Errorf("cold run %d: %w", i+1, err)
		}
		fw, err := floorRun(self, home, urlFile, floorState, hosts)
		if err != nil {
			return row, fmt.Errorf("floor, warm run %d: %w", i+1, err)
		}
		vw, err := once(bin, home, sc.config, state, hosts)
		if err != nil {
			return row, fmt.Errorf("warm run %d: %w", i+1, err)
		}
		row.flCold, row.vwCold = append(row.flCold, fc), append(row.vwCold, vc)
		row.flWarm, row.vwWarm = append(row.flWarm, fw), append(row.vwWarm, vw)
		last = state
		fmt.Fprintf(os.Stderr, "vwbench: %d vendors, run %d: cold %s (floor %s), warm %s (floor %s)\n", n, i+1,
			vc.Wall.Round(time.Millisecond), fc.Wall.Round(time.Millisecond),
			vw.Wall.Round(time.Millisecond), fw.Wall.Round(time.Millisecond))
	}
	points := o.history
	if len(points) == 0 {
		points = []int{2}
	}
	rounds := 2 // the last run's cold and warm
	for _, p := range points {
		for ; rounds < p; rounds++ {
			if _, err := once(bin, home, sc.config, last, hosts); err != nil {
				return row, fmt.Errorf("growing the history, round %d: %w", rounds+1, err)
			}
		}
		ds, err := timeCalls(max(3, o.runs), home, bin, "report", "--since", "24h", "--config", sc.config, "--state-dir", last)
		if err != nil {
			return row, fmt.Errorf("report: %w", err)
		}
		pt := reportPoint{rounds: rounds, wall: median(ds), stateBytes: dirSize(last)}
		if fi, err := os.Stat(filepath.Join(last, "history.db")); err == nil {
			pt.historyBytes = fi.Size()
		}
		row.report = append(row.report, pt)
		fmt.Fprintf(os.Stderr, "vwbench: %d vendors, %d rounds of history: report %s\n", n, rounds, pt.wall.Round(time.Millisecond))
	}
	if o.hold {
		fmt.Fprintf(os.Stderr, "vwbench: the %d vendors' hosts are up; try\n  env -i %s %s --config %s --state-dir %s --once --json\n  env -i %s %s floor -urls %s -state %s -ca %s\nCtrl-C goes on.\n",
			n, strings.Join(env(home), " "), bin, sc.config, last,
			strings.Join(env(home), " "), self, urlFile, filepath.Join(dir, fmt.Sprintf("floor-%d.json", o.runs-1)), caFile)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		signal.Stop(sig)
	}
	return row, nil
}

// floorRun runs `vwbench floor` once and measures it as once measures
// vendorwatch.
func floorRun(self, home, urls, state string, hosts fleet) (result, error) {
	hosts.take()
	cmd := exec.Command(self, "floor", "-urls", urls, "-state", state, "-ca", caFile)
	cmd.Env = env(home)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	wall, peak, err := runMeasured(cmd)
	r := result{Wall: wall, Seen: hosts.take()}
	if err != nil {
		return r, fmt.Errorf("%w: %s", err, strings.TrimSpace(errb.String()))
	}
	r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	r.MaxRSS = peakOr(peak, cmd.ProcessState)
	r.Written = writtenBytes(cmd.ProcessState)
	return r, nil
}

// printCurve prints the table: a cold and a warm line per size.
func printCurve(o curveOptions, rows []curveRow) {
	floor := physicalFloor(o.rtt, o.latency, true)
	fmt.Printf("### --once --json against the floor (median of %d runs each, alternating)\n\n", o.runs)
	fmt.Println("| vendors | hosts (HTTP/1.1 only) | run | wall: vendorwatch / floor program / ratio | ÷ physical floor | CPU: vendorwatch / floor / ratio | peak RSS: vendorwatch / floor / ratio | written: vendorwatch / floor | requests (conditional / 304) | new connections: vendorwatch / floor | sources failed |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	wall := func(r result) time.Duration { return r.Wall }
	cpu := func(r result) time.Duration { return r.CPU }
	for _, row := range rows {
		for _, side := range []struct {
			name   string
			vw, fl []result
		}{{"cold", row.vwCold, row.flCold}, {"warm", row.vwWarm, row.flWarm}} {
			vwWall, flWall := medianOf(side.vw, wall), medianOf(side.fl, wall)
			vwCPU, flCPU := medianOf(side.vw, cpu), medianOf(side.fl, cpu)
			vwRSS, flRSS := medianRSS(side.vw), medianRSS(side.fl)
			last := side.vw[len(side.vw)-1]
			fmt.Printf("| %d | %d (%d) | %s | %s / %s / **%.2f×** | %.2f× | %s / %s / %.1f× | %s / %s / %.1f× | %s / %s | %d (%d / %d) | %d / %d | %d |\n",
				row.vendors, row.hosts, row.h1Hosts, side.name,
				secs(vwWall), secs(flWall), ratio(vwWall, flWall), ratio(vwWall, floor),
				secs(vwCPU), secs(flCPU), ratio(vwCPU, flCPU),
				mib(vwRSS), mib(flRSS), float64(vwRSS)/float64(max(flRSS, 1)),
				kib(medianWritten(side.vw)), kib(medianWritten(side.fl)),
				last.Seen.Requests, last.Seen.Conditional, last.Seen.NotModified,
				last.Seen.Conns, side.fl[len(side.fl)-1].Seen.Conns, last.Failed)
		}
	}
	fmt.Printf("\n### vendorwatch report --since 24h on the last run's state dir (median of %d calls)\n\n", max(3, o.runs))
	fmt.Println("| vendors | rounds of history (--once runs) | history.db | state dir | report wall |")
	fmt.Println("|---|---|---|---|---|")
	for _, row := range rows {
		for _, p := range row.report {
			fmt.Printf("| %d | %d | %s | %s | %s |\n", row.vendors, p.rounds, kib(p.historyBytes), kib(p.stateBytes), secs(p.wall))
		}
	}
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func kib(n int64) string {
	if n >= 10<<20 {
		return mib(n)
	}
	return fmt.Sprintf("%.0f KiB", float64(n)/1024)
}

func medianWritten(rs []result) int64 {
	var ds []time.Duration
	for _, r := range rs {
		ds = append(ds, time.Duration(r.Written))
	}
	return int64(median(ds))
}

// dirSize is the bytes of the regular files below dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// parseSizes reads a flag's counts, such as "10,200,1000".
func parseSizes(name, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, errors.New(name + ": want counts above zero, such as 10,200,1000, got " + strconv.Quote(s))
		}
		out = append(out, n)
	}
	return out, nil
}

// prepareBeside is what the modes that measure vendorwatch beside the
// floor program share: the temporary directory and home (prepare), this
// program's own path (the floor program is `vwbench floor`), the fake
// hosts' certificate, and the report's heading with the binary and the
// machine. cleanup removes the directory unless keep.
func prepareBeside(binFlag string, keep bool, mode string) (tmp, bin, home, self string, cert *tls.Certificate, cleanup func(), err error) {
	cleanup = func() {}
	tmp, bin, home, err = prepare(binFlag, keep)
	if !keep && tmp != "" {
		cleanup = func() { os.RemoveAll(tmp) }
	}
	if err != nil {
		return
	}
	if self, err = os.Executable(); err != nil {
		err = fmt.Errorf("finding vwbench itself for the floor: %w", err)
		return
	}
	if cert, caFile, err = selfSigned(tmp); err != nil {
		return
	}
	fmt.Printf("## vwbench %s\n\n", mode)
	fmt.Printf("- binary: %s (%s)\n", bin, fileSize(bin))
	fmt.Printf("- machine: %s/%s, %d CPUs, %s; load average before: %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), loadAvg())
	return
}
