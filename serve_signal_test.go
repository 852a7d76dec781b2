//go:build unix

package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/remote"
)

// The built binary stops on SIGTERM within seconds, exits 0 and leaves a
// history that opens and holds the last check.
func TestServeStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the binary")
	}
	bin := filepath.Join(t.TempDir(), "vendorwatch")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build the binary: %v\n%s", err, out)
	}
	cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
	state := t.TempDir()
	cmd := exec.Command(bin, "serve", "--config", cfg, "--state-dir", state, "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "XDG_STATE_HOME="+t.TempDir(), "VENDORWATCH_CONFIG=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var log []string
	url := ""
	timeout := time.After(20 * time.Second)
	for url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited:\n%s", strings.Join(log, "\n"))
			}
			log = append(log, l)
			if m := servingLine.FindStringSubmatch(l + " "); m != nil {
				url = m[1]
			}
		case <-timeout:
			t.Fatalf("serve did not start:\n%s", strings.Join(log, "\n"))
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		rep, err := remote.FetchReport(context.Background(), url, "")
		if err == nil && checked(rep) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no check: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	exited := make(chan error, 1)
	go func() {
		for l := range lines {
			log = append(log, l)
		}
		exited <- cmd.Wait()
	}()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, strings.Join(log, "\n"))
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10s after SIGTERM:\n%s", strings.Join(log, "\n"))
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("SIGTERM to exit took %s", took)
	}
	if !strings.Contains(strings.Join(log, "\n"), "vendorwatch: stopped") {
		t.Errorf("stderr:\n%s", strings.Join(log, "\n"))
	}
	store, err := history.Open(context.Background(), state, history.Options{})
	if err != nil {
		t.Fatalf("history after SIGTERM: %v", err)
	}
	defer store.Close()
	st, err := store.Load(context.Background())
	if err != nil || st.Report == nil || len(st.Report.Vendors) != 3 {
		t.Fatalf("history after SIGTERM: %v %+v", err, st.Report)
	}
}
