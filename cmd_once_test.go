package main

import (
	"os"
	"runtime"
	"testing"
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
