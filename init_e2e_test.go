package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// initEnv is a fresh machine: empty config and state homes, OpenAI's and
// VAPI's keys in their conventional variables, and no secret manager on
// the PATH.
func initEnv(t *testing.T) (configHome string) {
	t.Helper()
	configHome = t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", configHome)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv(config.EnvConfig, "")
	t.Setenv("PATH", t.TempDir())
	t.Setenv("OPENAI_API_KEY", fixture.OpenAIKey)
	t.Setenv("VAPI_API_KEY", fixture.VAPIKey)
	return configHome
}

// vw runs vendorwatch in-process in the current environment.
func vw(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	fixture.NoKey(t, "vendorwatch "+strings.Join(args, " "), out.String()+errb.String(), fixture.OpenAIKey, fixture.VAPIKey)
	return out.String(), errb.String(), code
}

func TestInitYesWritesAPrivateConfigOfReferences(t *testing.T) {
	initEnv(t)
	path := filepath.Join(t.TempDir(), "team", "config.yaml")
	out, errOut, code := vw(t, "init", "--yes", "--config", path, "--no-check")
	if code != 0 {
		t.Fatalf("init exit %d: %s%s", code, out, errOut)
	}
	if !strings.Contains(out, "wrote "+path+" (mode 0600): 2 vendor(s), 2 key reference(s), no key.") {
		t.Errorf("init does not say where it wrote:\n%s", out)
	}
	if !strings.Contains(out, "vendorwatch --config "+path+" check-config") {
		t.Errorf("the next commands do not name the config:\n%s", out)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("config mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
	data, _ := os.ReadFile(path)
	fixture.NoKey(t, "the config", string(data), fixture.OpenAIKey, fixture.VAPIKey)
	for _, want := range []string{"secret: env:OPENAI_API_KEY", "secret: env:VAPI_API_KEY"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the config has no %q:\n%s", want, data)
		}
	}

	out, errOut, code = vw(t, "check-config", "--config", path, "--state-dir", t.TempDir())
	if code != 0 || !strings.Contains(out, "config OK; 2 of 2 keys resolve") {
		t.Fatalf("check-config exit %d:\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"\nopenai ", "\nvapi ", "sk-proj-…MxYA"} {
		if !strings.Contains(out, want) {
			t.Errorf("check-config does not list %q:\n%s", want, out)
		}
	}

	// A second init keeps the file as it is.
	_, errOut, code = vw(t, "init", "--yes", "--config", path, "--vendors", "anthropic", "--no-check")
	if code != 3 || !strings.Contains(errOut, "already exists") || !strings.Contains(errOut, "--force") {
		t.Errorf("overwrite: exit %d, %s", code, errOut)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, data) {
		t.Errorf("a refused init changed the file")
	}

	// --force replaces it and keeps the old one.
	out, _, code = vw(t, "init", "--yes", "--config", path, "--vendors", "anthropic", "--force", "--no-check")
	baks, _ := filepath.Glob(path + ".*.bak")
	if code != 0 || len(baks) != 1 || !strings.Contains(out, "the old config is kept as "+baks[0]) {
		t.Fatalf("--force: exit %d, backups %v:\n%s", code, baks, out)
	}
	if old, _ := os.ReadFile(baks[0]); !bytes.Equal(old, data) {
		t.Errorf("the backup is not the old config")
	}
}

func TestInitDefaultPathAndMistakes(t *testing.T) {
	home := initEnv(t)
	def := filepath.Join(home, "vendorwatch", "config.yaml")

	_, errOut, code := vw(t, "init", "--yes", "--vendors", "opena,vapi")
	if code != 3 || !strings.Contains(errOut, `unknown vendor "opena"`) || !strings.Contains(errOut, `did you mean "openai"?`) {
		t.Errorf("typo: exit %d, %s", code, errOut)
	}
	_, errOut, code = vw(t, "init")
	if code != 3 || !strings.Contains(errOut, "init --yes") {
		t.Errorf("no terminal, no --yes: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(def); err == nil {
		t.Fatalf("a failed init wrote %s", def)
	}

	out, errOut, code := vw(t, "init", "--yes", "--held-by", "openai=vapi", "--no-check")
	if code != 0 {
		t.Fatalf("init exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "--config") || !strings.Contains(out, "vendorwatch check-config") {
		t.Errorf("at the default path the next commands need no --config:\n%s", out)
	}
	if info, err := os.Stat(filepath.Dir(def)); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("config directory mode %v (%v), want 0700", info.Mode().Perm(), err)
	}
	data, _ := os.ReadFile(def)
	for _, want := range []string{"- {vendor: vapi}", "depends_on: [openai]"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the config has no %q:\n%s", want, data)
		}
	}
	// Every command now reads it by itself, with no custody note.
	out, _, code = vw(t, "check-config", "--state-dir", t.TempDir())
	if code != 0 || !strings.Contains(out, "config OK") || strings.Contains(out, "KEY CUSTODY") {
		t.Errorf("check-config of the default file: exit %d:\n%s", code, out)
	}
}

// TestInitRunsCheckConfigAndAFirstCheck runs the built program, whose
// requests all go to a proxy that refuses them: nothing leaves the
// machine, and the first check reports the network, not a crash.
func TestInitRunsCheckConfigAndAFirstCheck(t *testing.T) {
	bin := buildBinary(t)
	home := t.TempDir()
	cmd := exec.Command(bin, "init", "--yes")
	cmd.Env = []string{
		"HOME=" + home, "PATH=" + t.TempDir(),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=",
		"OPENAI_API_KEY=" + fixture.OpenAIKey, "VAPI_API_KEY=" + fixture.VAPIKey,
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("init: %v\n%s%s", err, out.String(), errb.String())
	}
	text := out.String() + errb.String()
	fixture.NoKey(t, "init's output", text, fixture.OpenAIKey, fixture.VAPIKey)
	for _, want := range []string{
		"wrote ~/config/vendorwatch/config.yaml (mode 0600)",
		"== vendorwatch check-config", "config OK; 2 of 2 keys resolve",
		"== a first check (vendorwatch --once)", "openai_api_key", "sk-proj-…MxYA",
		"first check: ", "\nNext:\n  vendorwatch ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("init does not say %q:\n%s", want, text)
		}
	}
}

// TestInitAccessibleReadsAnswersFromAPipe answers the line-by-line form
// from a pipe, all answers in one write.
func TestInitAccessibleReadsAnswersFromAPipe(t *testing.T) {
	bin := buildBinary(t)
	home := t.TempDir()
	cmd := exec.Command(bin, "init", "--accessible", "--no-check")
	cmd.Env = []string{
		"HOME=" + home, "PATH=" + t.TempDir(), "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"OPENAI_API_KEY=" + fixture.OpenAIKey, "VAPI_API_KEY=" + fixture.VAPIKey,
	}
	// Kinds, vendors, OpenAI's keys, VAPI's keys as offered; VAPI holds
	// the OpenAI key (1), nobody holds VAPI's; write.
	cmd.Stdin = strings.NewReader("0\n0\n0\n0\n1\n0\n0\ny\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("init --accessible: %v\n%s", err, out)
	}
	fixture.NoKey(t, "init --accessible", string(out), fixture.OpenAIKey, fixture.VAPIKey)
	data, err := os.ReadFile(filepath.Join(home, "config", "vendorwatch", "config.yaml"))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"secret: env:OPENAI_API_KEY", "- {vendor: vapi}", "secret: env:VAPI_API_KEY"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the config has no %q:\n%s\nthe form said:\n%s", want, data, out)
		}
	}
}
