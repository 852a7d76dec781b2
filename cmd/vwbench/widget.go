package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/statusline"
)

// widgetCall is one command the widget benchmark times: a name for the
// table, and the command line.
type widgetCall struct {
	name string
	args []string
}

// widgetRun is what one call of a command cost.
type widgetRun struct {
	wall, cpu time.Duration
	faults    int64
}

// runWidget is `vwbench widget`: the tmux widget's answer from a fresh
// digest (`vendorwatch --tmux`, which the fast path answers), timed side
// by side with a hello-world Go program built on the spot in the same
// temporary directory, and with `vendorwatch --version` (the whole program
// starting, for reference). The calls are interleaved, one of each in
// turn, so that a change in the machine's load falls on every command
// alike; the table gives medians and minimums and their ratio to the
// hello world. The binary from `go build` links the C library whenever a C
// compiler is at hand (package net's resolver), which costs every call the
// dynamic loader's work; the release is built without cgo, so -release
// times such a build too. With -compare, other builds of vendorwatch are
// timed in the same rounds, to weigh a change before and after.
//
//	go build -o /tmp/vw . && go run ./cmd/vwbench widget -bin /tmp/vw -n 300
func runWidget(args []string) error {
	fs := flag.NewFlagSet("vwbench widget", flag.ContinueOnError)
	var (
		bin     = fs.String("bin", "", "the vendorwatch binary to measure (default: go build . into a temporary directory)")
		n       = fs.Int("n", 200, "calls of each command")
		compare = fs.String("compare", "", "more vendorwatch binaries to time in the same rounds, comma-separated (name=path or path)")
		keep    = fs.Bool("keep", false, "keep the temporary directory")
		release = fs.Bool("release", true, "also build . as the release does (CGO_ENABLED=0, -trimpath, -ldflags \"-s -w\") and time it in the same rounds")
		check   = fs.Bool("check", true, "check that every --tmux call prints the digest's line (false: time experimental builds that print something else)")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 {
		return errors.New("-n must be at least 1")
	}
	tmp, exe, home, err := prepare(*bin, *keep)
	if !*keep && tmp != "" {
		defer os.RemoveAll(tmp)
	}
	if err != nil {
		return err
	}
	hello, err := helloWorld(tmp)
	if err != nil {
		return fmt.Errorf("building hello world: %w", err)
	}
	state := filepath.Join(tmp, "state")
	want, err := writeWidgetState(state)
	if err != nil {
		return err
	}
	tmuxArgs := []string{"--tmux", "--state-dir", state, "--max-age", "8760h"}
	calls := []widgetCall{
		{"hello world (a Go program that prints a line: the floor)", []string{hello}},
		{"vendorwatch --tmux (fresh digest: the fast path)", append([]string{exe}, tmuxArgs...)},
	}
	if *release {
		rel := filepath.Join(tmp, "vendorwatch-release")
		if err := releaseBuild(rel); err != nil {
			return err
		}
		calls = append(calls, widgetCall{"vendorwatch built as the release is (static, no cgo, stripped) --tmux", append([]string{rel}, tmuxArgs...)})
	}
	for _, c := range strings.Split(*compare, ",") {
		if c == "" {
			continue
		}
		name, path, ok := strings.Cut(c, "=")
		if !ok {
			name, path = filepath.Base(c), c
		}
		if path, err = filepath.Abs(path); err != nil {
			return err
		}
		calls = append(calls, widgetCall{name + " --tmux", append([]string{path}, tmuxArgs...)})
	}
	calls = append(calls, widgetCall{"vendorwatch --version (the whole program starts)", []string{exe, "--version"}})

	// Every --tmux call must print the digest's line: a call that fell
	// through to the whole program would still print a line, but it would
	// not be the fast path being timed.
	for _, c := range calls[1 : len(calls)-1] {
		if !*check {
			break
		}
		out, err := widgetOutput(home, c.args)
		if err != nil {
			return err
		}
		if out != want {
			return fmt.Errorf("%s printed %q, want %q", c.name, out, want)
		}
	}

	fmt.Printf("## vwbench widget\n\n")
	fmt.Printf("- binary: %s (%s)\n", exe, fileSize(exe))
	fmt.Printf("- hello world: %s (%s)\n", hello, fileSize(hello))
	fmt.Printf("- machine: %s/%s, %d CPUs, %s; load average before: %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), loadAvg())
	fmt.Printf("- %d calls of each command, interleaved\n\n", *n)

	runs := make([][]widgetRun, len(calls))
	for range *n {
		for i, c := range calls {
			r, err := widgetCallOnce(home, c.args)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			runs[i] = append(runs[i], r)
		}
	}
	base := runs[0]
	wall := func(r widgetRun) time.Duration { return r.wall }
	cpu := func(r widgetRun) time.Duration { return r.cpu }
	fmt.Println("| command | wall median | wall min | CPU median | minor faults | wall ratio to hello (median) | CPU ratio to hello (median) |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for i, c := range calls {
		rs := runs[i]
		fmt.Printf("| %s | %s | %s | %s | %d | %.2f× | %.2f× |\n", c.name,
			ms(widgetMedian(rs, wall)), ms(widgetMin(rs, wall)), ms(widgetMedian(rs, cpu)), widgetFaults(rs),
			ratio(widgetMedian(rs, wall), widgetMedian(base, wall)), ratio(widgetMedian(rs, cpu), widgetMedian(base, cpu)))
	}
	fmt.Printf("\nload average after: %s\n", loadAvg())
	return nil
}

// releaseBuild builds the program in the current directory as
// release/gobuild.go does, without its version stamps: no cgo, so a static
// binary that the dynamic loader never touches, and no symbol table or
// DWARF.
func releaseBuild(out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build as the release: %w", err)
	}
	return nil
}

// writeWidgetState makes a state dir whose digest is what --tmux reads: a
// 200-vendor report with two problems, written after its snapshot. It
// returns the line the default format prints of it.
func writeWidgetState(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	// The fast path only checks that the snapshot is not newer than the
	// digest; the whole program would read it, and must find a report.
	if err := os.WriteFile(filepath.Join(dir, statusline.SnapshotFile), []byte("{}\n"), 0o600); err != nil {
		return "", err
	}
	d := statusline.Digest{GeneratedAt: time.Now(), Overall: statusline.Critical, Vendors: 200, Entries: []statusline.Entry{
		{Level: statusline.Critical, Label: "OpenAI key", Width: 10},
		{Level: statusline.Warning, Label: "Twilio", Width: 6},
		{Level: statusline.OK, Label: "198 ok", Width: 6},
	}}
	b, err := d.Encode()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, statusline.DigestFile)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", err
	}
	// Written after the snapshot, and so never older, whatever the file
	// system's time resolution.
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		return "", err
	}
	out, _ := statusline.Render(statusline.FormatTmux, statusline.Line{Items: d.Items(false), Overall: d.Overall, Vendors: d.Vendors, Style: statusline.StyleDefault})
	return out.Text, nil
}

// widgetOutput runs a command once and returns what it printed.
func widgetOutput(home string, args []string) (string, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env(home)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, errb.String())
	}
	return strings.TrimSuffix(out.String(), "\n"), nil
}

// widgetCallOnce runs a command once, its output discarded, and returns its
// wall time from start to exit, its CPU time and its minor page faults.
func widgetCallOnce(home string, args []string) (widgetRun, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env(home)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return widgetRun{}, err
	}
	ps := cmd.ProcessState
	return widgetRun{wall: time.Since(start), cpu: ps.UserTime() + ps.SystemTime(), faults: minorFaults(ps)}, nil
}

func widgetMedian(rs []widgetRun, f func(widgetRun) time.Duration) time.Duration {
	var ds []time.Duration
	for _, r := range rs {
		ds = append(ds, f(r))
	}
	return median(ds)
}

func widgetMin(rs []widgetRun, f func(widgetRun) time.Duration) time.Duration {
	var ds []time.Duration
	for _, r := range rs {
		ds = append(ds, f(r))
	}
	return minD(ds)
}

// widgetFaults is the median of the calls' minor page faults.
func widgetFaults(rs []widgetRun) int64 {
	var fs []int64
	for _, r := range rs {
		fs = append(fs, r.faults)
	}
	slices.Sort(fs)
	return fs[len(fs)/2]
}
