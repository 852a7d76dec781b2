package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// TestInitFormInTmux answers the drawn form in a real terminal, as a
// user would: the vendors found ticked, Anthropic added with a typed
// reference, VAPI named as the holder of the OpenAI key. It is skipped
// when tmux is not installed and with -short.
func TestInitFormInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run skipped with -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed; .ci/run installs it")
	}
	bin := buildBinary(t)
	home := t.TempDir()
	path := filepath.Join(home, "config", "vendorwatch", "config.yaml")

	s := &tmuxSession{t: t, socket: fmt.Sprintf("vendorwatch-init-%d", os.Getpid())}
	shell := fmt.Sprintf("env -i TERM=xterm-256color HOME=%[1]s XDG_CONFIG_HOME=%[1]s/config XDG_STATE_HOME=%[1]s/state PATH=%[2]s OPENAI_API_KEY=%[3]s VAPI_API_KEY=%[4]s %[5]s init --no-check; echo vendorwatch-exit=$?; sleep 60",
		home, t.TempDir(), fixture.OpenAIKey, fixture.VAPIKey, bin)
	s.tmux("new-session", "-d", "-s", "vw", "-x", "120", "-y", "40", shell)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })

	screen := s.waitFor("the introduction", "Found $OPENAI_API_KEY (sk-proj-…MxYA), a key of OpenAI.", "Which kinds of vendor do you depend on?", "✓ llm")
	fixture.NoKey(t, "the form", screen, fixture.OpenAIKey, fixture.VAPIKey)
	s.keys("Enter")
	s.waitFor("vendors", "Which vendors should vendorwatch watch?", "✓ OpenAI", "✓ VAPI", "Anthropic")
	s.keys("Down", "Down", "Down", "x", "Enter")
	s.waitFor("OpenAI's keys", "Which keys of OpenAI should vendorwatch probe?", "✓ env:OPENAI_API_KEY")
	s.keys("Enter")
	s.waitFor("VAPI's keys", "Which keys of VAPI should vendorwatch probe?")
	s.keys("Enter")
	s.waitFor("Anthropic's keys", "Which keys of Anthropic should vendorwatch probe?", "another reference")
	s.keys("Down", "x", "Enter")
	s.waitFor("the typed reference", "The reference to your Anthropic key")
	s.keys("-l", "env:CLAUDE_KEY")
	s.keys("Enter")
	s.waitFor("custody", "Which vendors hold your OpenAI key?", "VAPI")
	s.keys("x", "Enter")
	s.waitFor("VAPI's custody", "Which vendors hold your VAPI key?")
	s.keys("Enter")
	s.waitFor("Anthropic's custody", "Which vendors hold your Anthropic key?")
	s.keys("Enter")
	s.waitFor("the confirmation", "Write ~/config/vendorwatch/config.yaml?", "3 key reference(s); 1 vendor holder(s)")
	s.keys("Enter")
	s.waitFor("the file written", "wrote ~/config/vendorwatch/config.yaml (mode 0600): 3 vendor(s), 3 key reference(s), no key.", "vendorwatch-exit=0")

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	fixture.NoKey(t, "the config", text, fixture.OpenAIKey, fixture.VAPIKey)
	for _, want := range []string{"secret: env:OPENAI_API_KEY", "- {vendor: vapi}", "depends_on: [openai]", "secret: env:VAPI_API_KEY", "name: claude_key", "secret: env:CLAUDE_KEY"} {
		if !strings.Contains(text, want) {
			t.Errorf("the config has no %q:\n%s", want, text)
		}
	}
}
