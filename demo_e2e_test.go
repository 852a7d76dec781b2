package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/demo"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// TestDemoInTmux tries --demo as a new user would: the built binary in a
// 120x40 tmux pane, with no config, no keys and no network. The revoked
// key and VAPI's outage appear on their own; j/k and Enter reach VAPI's
// incident and its updates; ? shows the help; q quits; nothing is left in
// the state dir or the temp dir. Skipped with -short and without tmux.
func TestDemoInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run skipped with -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed; .ci/run installs it")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "vendorwatch")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	state, tmp := filepath.Join(dir, "state"), filepath.Join(dir, "tmp")
	for _, d := range []string{state, tmp} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	s := &tmuxSession{t: t, socket: fmt.Sprintf("vendorwatch-demo-e2e-%d", os.Getpid())}
	shell := fmt.Sprintf("env -u OPENAI_API_KEY -u VAPI_API_KEY TERM=xterm-256color TMPDIR=%s XDG_STATE_HOME=%s XDG_CONFIG_HOME=%s %s --demo; echo vendorwatch-exit=$?; sleep 60",
		tmp, state, dir, bin)
	s.tmux("new-session", "-d", "-s", "vw", "-x", "120", "-y", "40", shell)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	capture := func(what string, want ...string) string {
		t.Helper()
		screen := s.waitFor(what, want...)
		fixture.NoKey(t, "the screen", screen, demo.Keys()...)
		return screen
	}

	start := time.Now()
	capture("vendors, states and findings", "DEMO · incident log of 2026-05-21", "OpenAI", "VAPI", "Anthropic", "GitHub", "operational", "FINDINGS")
	capture("the revoked key", "✖ OpenAI key prod revoked", "▲ VAPI may be hit by OpenAI")
	t.Logf("key_revoked on screen after %.1f s", time.Since(start).Seconds())
	capture("VAPI's outage", "✖ VAPI outage: Voice calls dropped and dashboard unavailable", "▸✖ VAPI")
	t.Logf("vendor_outage on screen after %.1f s", time.Since(start).Seconds())

	s.keys("j")
	capture("j moves the selection", "▸● OpenAI")
	s.keys("k")
	capture("k moves it back", "▸✖ VAPI")
	s.keys("Enter")
	screen := capture("enter opens VAPI's detail", "✖ VAPI · critical · major outage", "esc back")
	for range 15 {
		if strings.Contains(screen, "We are seeing degraded call quality") {
			break
		}
		s.keys("j")
		time.Sleep(50 * time.Millisecond)
		screen = s.capture()
	}
	capture("the incident and its update", "INCIDENTS", "Voice calls dropped and dashboard unavailable", "https://status.vapi.ai/incident/901977", "We are seeing degraded call quality")

	s.keys("Escape")
	capture("esc goes back", "j/k move")
	s.keys("?")
	capture("? shows the help", "KEYS", "check now", "LEVELS")
	s.keys("Escape")
	capture("esc leaves the help", "j/k move")
	s.keys("q")
	screen = s.waitFor("q quits", "vendorwatch-exit=0")
	if strings.Contains(screen, "panic") {
		t.Errorf("the program panicked:\n%s", screen)
	}
	for _, d := range []string{state, tmp} {
		if entries, _ := os.ReadDir(d); len(entries) != 0 {
			t.Errorf("the demo left %v in %s", entries, d)
		}
	}
}
