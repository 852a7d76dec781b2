// Command vwbench measures vendorwatch as a whole process, the way a user
// meets it: `--once --json` over many vendors served by local fake hosts
// with injected latency (wall time, CPU, peak RSS, and the requests the
// hosts saw: total, conditional, 304), a cold run and a warm one sharing
// the state dir; the sequential baseline (one request at a time, as a curl
// loop); the --tmux widget against a hello-world Go program (and alone,
// interleaved with it, as `vwbench widget`: widget.go); and the idle
// dashboard's CPU in tmux. With -serve it measures `vendorwatch serve`
// instead, under levels of concurrent scrapers (peak RSS, latency, errors).
// With -sizes it draws the scaling curve: at each vendor count, vendorwatch
// beside `vwbench floor`, the least program that fetches the same URLs
// (floor.go), over hosts with a round trip emulated below TLS (rtt.go).
// It prints Markdown tables for BENCHMARKS.md.
//
//	go build -o /tmp/vendorwatch . && go run ./cmd/vwbench -bin /tmp/vendorwatch
//	go run ./cmd/vwbench -bin /tmp/vendorwatch -serve 1,10,50,200   # serve under concurrent scrapers
//	go run ./cmd/vwbench -bin /tmp/vendorwatch -sizes 10,200,1000 -rtt 200ms -latency 0 -h1 0.25   # the scaling curve against the floor
//	go run ./cmd/vwbench widget -bin /tmp/vendorwatch -n 300   # the tmux widget beside a hello world
//	go run ./cmd/vwbench history -vendors 200 -days 90 -dir /tmp/vw-90d   # a generated history to time report over
//
// Nothing here runs under `go test`: it is a program, run on purpose.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	var (
		bin      = flag.String("bin", "", "the vendorwatch binary to measure (default: go build . into a temporary directory)")
		vendors  = flag.Int("vendors", 200, "vendors in the config")
		nhosts   = flag.Int("hosts", 50, "fake vendor hosts (127.0.0.1 listeners) the vendors are spread over")
		latency  = flag.Duration("latency", 200*time.Millisecond, "time every fake host takes to answer (with -sizes: 0 unless given)")
		useTLS   = flag.Bool("tls", false, "serve HTTPS with HTTP/2 (a self-signed certificate the child trusts through SSL_CERT_FILE); with -serve, serve itself answers HTTPS (serve.tls)")
		runs     = flag.Int("runs", 5, "cold+warm --once pairs; medians are reported")
		seq      = flag.Bool("sequential", true, "measure the sequential baseline (takes about requests x latency)")
		tmuxN    = flag.Int("tmux", 50, "--tmux calls to time (0: skip)")
		idleFor  = flag.Duration("idle", 30*time.Second, "how long to measure the idle dashboard in tmux between its checks, under 55s (0: skip)")
		idleAvg  = flag.Duration("idle-avg", 0, "then measure the dashboard this long more, its checks every 60s included (0: skip)")
		echoes   = flag.Int("echo", 10, "key echoes to time in the idle dashboard")
		keepTemp = flag.Bool("keep", false, "keep the temporary directory (configs, state dirs)")
		hold     = flag.Bool("hold", false, "after measuring, keep the fake hosts up until interrupted (to profile by hand)")
		payloads = flag.String("payloads", payloadDir, "the directory of real status payloads the fake hosts serve")
		uniform  = flag.Bool("uniform", false, "every vendor an Atlassian summary.json (one round trip each) instead of the mix of every format")
		serveAt  = flag.String("serve", "", "instead of the rest, load `vendorwatch serve`: concurrent scrapers per level, such as 1,10,50,200")
		serveFor = flag.Duration("serve-for", 10*time.Second, "how long each -serve level scrapes")
		rtt      = flag.Duration("rtt", 0, "a network round trip emulated below TLS on every fake host, so TCP and TLS handshakes pay it (0: loopback's; with -sizes: 200ms unless given); -latency stays the host's think time")
		h1Share  = flag.Float64("h1", 0, "with -tls or -sizes, the share of hosts (0 to 1) that offer only HTTP/1.1 (with -sizes: 0.25 unless given)")
		history  = flag.String("history", "", "with -sizes, time `vendorwatch report` when the last state dir holds these many rounds of history, such as 2,10,20 (more warm runs grow it; default: 2)")
		cost     = flag.String("serve-cost", "", "instead of the rest, the continuous-check cost: `vendorwatch serve` at these vendor counts (on vendors/4 HTTPS hosts, nothing changing), CPU and bytes written per hour beside the floor program doing the same rounds, such as 200,1000")
		costFor  = flag.Duration("serve-cost-for", 10*time.Minute, "with -serve-cost, how long each size is watched after serve's first complete check")
		costPeer = flag.Bool("serve-cost-peer", false, "with -serve-cost, also measure Prometheus scraping blackbox_exporter on the same endpoints (needs both Debian packages)")
		costIvl  = flag.Duration("serve-cost-interval", 60*time.Second, "with -serve-cost, the config's interval and probe_interval (the defaults: 60s)")
		whole    = flag.Duration("serve-whole", 0, "with -serve-cost, instead of the per-hour figures: everything each size's serve writes from its start to its exit after this long (such as 2m), on an empty state dir and then restarted on it")
		sizes    = flag.String("sizes", "", "instead of the rest, the scaling curve: vendorwatch --once and the floor program side by side at these vendor counts (on vendors/4 HTTPS hosts), such as 10,200,1000,5000")
	)
	if len(os.Args) > 1 && os.Args[1] == "widget" {
		if err := runWidget(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "vwbench widget:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "floor" {
		if err := runFloorChild(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "vwbench floor:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "history" {
		if err := runHistory(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "vwbench history:", err)
			os.Exit(1)
		}
		return
	}
	flag.Parse()
	payloadDir = *payloads
	if *h1Share < 0 || *h1Share > 1 {
		fmt.Fprintln(os.Stderr, "vwbench: -h1 is a share of the hosts, from 0 to 1")
		os.Exit(2)
	}
	if *sizes != "" {
		curveNetwork(flag.CommandLine, latency, rtt, h1Share)
		ns, err := parseSizes("-sizes", *sizes)
		var hs []int
		if err == nil && *history != "" {
			hs, err = parseSizes("-history", *history)
		}
		if err == nil {
			err = runCurve(curveOptions{bin: *bin, sizes: ns, latency: *latency, rtt: *rtt, h1Share: *h1Share, runs: *runs, uniform: *uniform, keep: *keepTemp || *hold, hold: *hold, history: hs})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vwbench:", err)
			os.Exit(1)
		}
		return
	}
	if *cost != "" {
		ns, err := parseSizes("-serve-cost", *cost)
		if err == nil {
			err = runServeCost(costOptions{bin: *bin, sizes: ns, window: *costFor, interval: *costIvl, rtt: *rtt, latency: *latency, h1Share: *h1Share, peer: *costPeer, keep: *keepTemp, whole: *whole})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vwbench:", err)
			os.Exit(1)
		}
		return
	}
	if *serveAt != "" {
		levels, err := parseLevels(*serveAt)
		if err == nil {
			err = runServeLoad(*bin, *vendors, *nhosts, *latency, levels, *serveFor, *useTLS, *keepTemp)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vwbench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*bin, *vendors, *nhosts, hostOptions{latency: *latency, rtt: *rtt}, *h1Share, *useTLS, *runs, *seq, *tmuxN, *idleFor, *idleAvg, *echoes, *keepTemp || *hold, *hold, *uniform); err != nil {
		fmt.Fprintln(os.Stderr, "vwbench:", err)
		os.Exit(1)
	}
}

// runServeLoad is the -serve mode: the scenario's vendors behind one
// `vendorwatch serve`, loaded by levels of concurrent scrapers.
func runServeLoad(bin string, vendors, nhosts int, latency time.Duration, levels []int, d time.Duration, useTLS, keep bool) error {
	tmp, bin, home, err := prepare(bin, keep)
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(tmp)
	}
	hosts, err := startFleet(nhosts, latency, nil)
	if err != nil {
		return err
	}
	defer hosts.close()
	sc, err := buildScenario(tmp, vendors, hosts, false)
	if err != nil {
		return err
	}
	fmt.Printf("## vwbench -serve\n\n")
	fmt.Printf("- binary: %s (%s)\n", bin, fileSize(bin))
	fmt.Printf("- machine: %s/%s, %d CPUs, %s; load average before: %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), loadAvg())
	if err := serveLoad(bin, home, sc, filepath.Join(tmp, "state-serve"), levels, d, useTLS); err != nil {
		return err
	}
	fmt.Printf("load average after: %s\n", loadAvg())
	return nil
}

// prepare makes the temporary directory and its home, and builds the
// binary when none is given.
func prepare(bin string, keep bool) (tmp, exe, home string, err error) {
	if tmp, err = os.MkdirTemp("", "vwbench-"); err != nil {
		return "", "", "", err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "vwbench: keeping", tmp)
	}
	if bin == "" {
		bin = filepath.Join(tmp, "vendorwatch")
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return tmp, "", "", fmt.Errorf("go build: %w", err)
		}
	} else if bin, err = filepath.Abs(bin); err != nil {
		return tmp, "", "", err
	}
	home = filepath.Join(tmp, "home")
	return tmp, bin, home, os.MkdirAll(home, 0o700)
}

func run(bin string, vendors, nhosts int, ho hostOptions, h1Share float64, useTLS bool, runs int, seq bool, tmuxN int, idleFor, idleAvg time.Duration, echoes int, keep, hold, uniform bool) error {
	latency := ho.latency
	tmp, bin, home, err := prepare(bin, keep)
	if !keep && tmp != "" {
		defer os.RemoveAll(tmp)
	}
	if err != nil {
		return err
	}

	var cert *tls.Certificate
	var roots *x509.CertPool
	proto := "HTTP/1.1 without TLS"
	if useTLS {
		if cert, caFile, err = selfSigned(tmp); err != nil {
			return err
		}
		leaf, err := x509.ParseCertificate(cert.Certificate[0])
		if err != nil {
			return err
		}
		roots = x509.NewCertPool()
		roots.AddCert(leaf)
		proto = "HTTPS offering HTTP/2"
		if h1Share > 0 {
			proto = fmt.Sprintf("HTTPS offering HTTP/2, %.0f %% of hosts HTTP/1.1 only", 100*h1Share)
		}
	}
	ho.cert = cert
	hosts, err := startFleetWith(nhosts, ho, h1Share)
	if err != nil {
		return err
	}
	defer hosts.close()
	sc, err := buildScenario(tmp, vendors, hosts, uniform)
	if err != nil {
		return err
	}

	fmt.Printf("## vwbench\n\n")
	fmt.Printf("- binary: %s (%s)\n", bin, fileSize(bin))
	fmt.Printf("- machine: %s/%s, %d CPUs, %s; load average before: %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), loadAvg())
	fmt.Printf("- scenario: %d vendors on %d hosts (%s), every answer after %s, a round trip of %s emulated; a cold run makes %d requests, all at once\n\n",
		vendors, nhosts, proto, latency, ho.rtt, len(sc.requests))

	var cold, warm []result
	var last string
	for i := range runs {
		state := filepath.Join(tmp, fmt.Sprintf("state-%d", i))
		c, err := once(bin, home, sc.config, state, hosts)
		if err != nil {
			return fmt.Errorf("cold run %d: %w", i+1, err)
		}
		w, err := once(bin, home, sc.config, state, hosts)
		if err != nil {
			return fmt.Errorf("warm run %d: %w", i+1, err)
		}
		cold, warm = append(cold, c), append(warm, w)
		last = state
		fmt.Fprintf(os.Stderr, "vwbench: run %d: cold %s, warm %s\n", i+1, c.Wall.Round(time.Millisecond), w.Wall.Round(time.Millisecond))
	}
	fmt.Printf("### --once --json (median of %d runs, min-max)\n\n", runs)
	fmt.Println("| run | wall | CPU (user+sys) | peak RSS | requests | HTTP/2 | conditional | 304 | 404 | new connections | max in flight at one host | sources ok / failed / reused |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, row := range []struct {
		name string
		rs   []result
	}{{"cold (empty state dir)", cold}, {"warm (same state dir)", warm}} {
		r := row.rs[len(row.rs)-1]
		lo, hi := spread(row.rs, func(r result) time.Duration { return r.Wall })
		fmt.Printf("| %s | %s (%s-%s) | %s | %s | %d | %d | %d | %d | %d | %d | %d | %d / %d / %d |\n", row.name,
			secs(medianOf(row.rs, func(r result) time.Duration { return r.Wall })), secs(lo), secs(hi),
			secs(medianOf(row.rs, func(r result) time.Duration { return r.CPU })),
			mib(medianRSS(row.rs)),
			r.Seen.Requests, r.Seen.HTTP2, r.Seen.Conditional, r.Seen.NotModified, r.Seen.NotFound, r.Seen.Conns, r.Seen.MaxPerHost,
			r.OK, r.Failed, r.Reused)
	}
	fmt.Printf("| physical floor (TCP + TLS + request round trips, plus the think time) | %s | | | | | | | | | | |\n", secs(physicalFloor(ho.rtt, latency, useTLS)))
	if seq {
		d, n, err := sequential(sc, roots)
		if err != nil {
			return fmt.Errorf("sequential baseline: %w", err)
		}
		fmt.Printf("| sequential baseline (one request at a time, a new connection each, like a curl loop) | %s | | | %d | | | | | %d | 1 | |\n", secs(d), n, n)
	}
	fmt.Println()

	if tmuxN > 0 {
		hello, err := helloWorld(tmp)
		if err != nil {
			return fmt.Errorf("building hello world: %w", err)
		}
		// A warm cache: the last run's snapshot, never older than --max-age.
		tm, err := timeCalls(tmuxN, home, bin, "--tmux", "--state-dir", last, "--config", sc.config, "--max-age", "8760h")
		if err != nil {
			return err
		}
		hw, err := timeCalls(tmuxN, home, hello)
		if err != nil {
			return err
		}
		fmt.Printf("### --tmux from a warm cache (%d-vendor snapshot; median of %d calls, process start included)\n\n", vendors, tmuxN)
		fmt.Println("| command | median | min | max | median's ratio to hello world |")
		fmt.Println("|---|---|---|---|---|")
		for _, row := range []struct {
			name string
			ds   []time.Duration
		}{{"vendorwatch --tmux", tm}, {"hello world (a Go program that prints a line: the floor)", hw}} {
			fmt.Printf("| %s | %s | %s | %s | %.2f× |\n", row.name, ms(median(row.ds)), ms(minD(row.ds)), ms(maxD(row.ds)), ratio(median(row.ds), median(hw)))
		}
		fmt.Printf("\n(These calls run one command after the other; `vwbench widget` interleaves them, which is fairer on a busy machine.)\n\n")
	}

	if idleFor > 0 {
		r, err := idle(bin, home, sc.config, last, 5*time.Second, idleFor, idleAvg, echoes)
		if err != nil {
			fmt.Printf("### idle dashboard\n\nnot measured: %v\n\n", err)
		} else {
			fmt.Printf("### the dashboard at rest (tmux pane 120x40, %d vendors)\n\n", vendors)
			fmt.Println("| measure | value |")
			fmt.Println("|---|---|")
			fmt.Printf("| CPU between checks (%s, from 5 s after start) | %.2f %% |\n", r.Window.Round(time.Second), r.CPUPercent)
			if r.AvgWindow > 0 {
				fmt.Printf("| CPU over %s, its checks every 60 s included | %.2f %% |\n", r.AvgWindow.Round(time.Second), r.AvgPercent)
			}
			fmt.Printf("| key echo (press to changed screen, through tmux), median of %d | %s |\n", 2*echoes, ms(r.Echo))
			fmt.Printf("| key echo, max | %s |\n\n", ms(r.EchoMax))
		}
	}
	fmt.Printf("load average after: %s\n", loadAvg())
	if hold {
		fmt.Fprintf(os.Stderr, "vwbench: the fake hosts are up; try\n  %s --config %s --state-dir %s --once --json\nCtrl-C ends.\n", bin, sc.config, last)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
	}
	return nil
}

func medianRSS(rs []result) int64 {
	var ds []time.Duration
	for _, r := range rs {
		ds = append(ds, time.Duration(r.MaxRSS))
	}
	return int64(median(ds))
}

func minD(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

func maxD(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }
func ms(d time.Duration) string   { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
func mib(n int64) string          { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func fileSize(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "?"
	}
	return mib(fi.Size())
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "cpu unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimLeft(name, " \t:"))
		}
	}
	return "cpu unknown"
}

// The scaling curve's network unless the flags say otherwise: issue 22's,
// the one BENCHMARKS.md publishes. Every host is 200 ms away below TLS, so
// a fresh HTTPS request costs three round trips as it would across the
// internet; the hosts answer at once; a quarter of them speak only
// HTTP/1.1. Without round trips (-rtt 0 -latency 200ms, the rest of
// vwbench's default) handshakes cost nothing but CPU and each answer comes
// 200 ms after its request.
const (
	curveRTT     = 200 * time.Millisecond
	curveLatency = 0
	curveH1Share = 0.25
)

// curveNetwork sets -rtt, -latency and -h1 to the curve's network where
// the command line (fs, parsed) did not set them.
func curveNetwork(fs *flag.FlagSet, latency, rtt *time.Duration, h1Share *float64) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["rtt"] {
		*rtt = curveRTT
	}
	if !set["latency"] {
		*latency = curveLatency
	}
	if !set["h1"] {
		*h1Share = curveH1Share
	}
}
