package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/procs"
)

// --once runs a small check on one processor (app.OneShotProcs) and gives
// the processors back when it returns: a caller that goes on, such as
// these tests, keeps its own GOMAXPROCS.
func TestOnceGivesTheProcessorsBack(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two processors and no GOMAXPROCS in the environment")
	}
	site := vendorsite(t, map[string]string{"/index.json": "vapi__betterstack_index_outage_2026-05-21_reconstructed.json"})
	cfg := writeConfig(t, "vendors:\n  - id: vapi\n    status: [{url: "+site.URL+"}]\n    api: {base_url: "+site.URL+"}\n")
	before := runtime.GOMAXPROCS(0)
	if _, stderr, code := runCLI(t, "--config", cfg, "--state-dir", t.TempDir(), "--once", "--no-color"); code != 2 {
		t.Fatalf("exit %d, want 2 (VAPI down); %s", code, stderr)
	}
	if n := runtime.GOMAXPROCS(0); n != before {
		t.Errorf("GOMAXPROCS %d after --once, want %d as before", n, before)
	}
}

// A process internal/procs held to one processor from its command line
// gets them back when cobra runs another command than the one-shot check
// it guessed: a flag value or a subcommand it could not tell apart.
func TestAWrongGuessGivesTheProcessorsBack(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two processors and no GOMAXPROCS in the environment")
	}
	before := runtime.GOMAXPROCS(0)
	for _, args := range [][]string{{"catalog", "openai"}, {"check-config", "--config", writeConfig(t, "vendors: []\n")}} {
		procs.Hold()
		runCLI(t, args...)
		if procs.Held() || runtime.GOMAXPROCS(0) != before {
			t.Errorf("vendorwatch %v: held %v, GOMAXPROCS %d after; want %d back", args, procs.Held(), runtime.GOMAXPROCS(0), before)
		}
	}
	procs.Release()
}

// The hold is cheap only when it comes before the heavy packages'
// inits: a processor taken away later flushes what they allocated on it.
// Go orders the inits by import path among the ready packages, so an
// import added to internal/procs could move it behind them.
func TestOnceIsHeldBeforeTheHeavyPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cmd := exec.Command(buildBinary(t), "--once", "--config", filepath.Join(t.TempDir(), "missing.yaml"))
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "XDG_CONFIG_HOME="+t.TempDir(), "VENDORWATCH_CONFIG=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run() // exit 3: no config; the inits ran all the same
	var order []string
	for _, line := range strings.Split(stderr.String(), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "init" {
			order = append(order, f[1])
		}
	}
	at := slices.Index(order, "github.com/vendorwatch/vendorwatch/internal/procs")
	if at < 0 {
		t.Fatalf("no init of internal/procs in the trace:\n%s", stderr.String())
	}
	for _, heavy := range []string{"modernc.org/libc", "github.com/prometheus/client_golang/prometheus", "golang.org/x/net/html", "go.yaml.in/yaml/v3", "crypto/tls"} {
		if i := slices.Index(order, heavy); i >= 0 && i < at {
			t.Errorf("%s initialized before internal/procs (%d and %d of %d)", heavy, i+1, at+1, len(order))
		}
	}
}
