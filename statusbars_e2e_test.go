package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// runCode runs the binary and returns its stdout and exit code; it fails
// the test only when the binary cannot run or takes more than a minute.
func runCode(t *testing.T, bin string, env []string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), append([]string{"XDG_CONFIG_HOME=" + t.TempDir(), "VENDORWATCH_CONFIG="}, env...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%v: %v\n%s", args, err, errb.String())
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// barStateDir is a state dir holding a fresh snapshot and its line digest,
// as every check leaves them: OpenAI's key dead, VAPI down.
func barStateDir(t *testing.T) string {
	t.Helper()
	rep := correlate.Report{SchemaVersion: correlate.SchemaVersion, GeneratedAt: time.Now().Add(-5 * time.Second), Overall: correlate.LevelCritical,
		Vendors: []correlate.VendorReport{
			{VendorResult: observe.VendorResult{ID: "openai", Name: "OpenAI"}, Level: correlate.LevelCritical},
			{VendorResult: observe.VendorResult{ID: "vapi", Name: "VAPI"}, Level: correlate.LevelWarning},
		},
		Findings: []correlate.Finding{
			{Kind: correlate.KindKeyRevoked, Severity: correlate.SeverityCritical, Vendors: []string{"openai"}},
			{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityWarning, Vendors: []string{"openai", "vapi"}},
		}}
	dir := t.TempDir()
	var snap bytes.Buffer
	if err := output.WriteJSON(&snap, rep); err != nil {
		t.Fatal(err)
	}
	digest, err := output.LineDigest(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, statusline.SnapshotFile), snap.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, statusline.DigestFile), digest, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The status bar formats as each bar runs them: the binary's exit code
// (i3blocks' urgent), one item per vendor, and the xbar plugin script.
func TestStatusBarFormatsFromTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	state := barStateDir(t)

	out, code := runCode(t, bin, nil, "--tmux", "--format", "i3blocks", "--state-dir", state)
	if code != statusline.I3blocksUrgent || out != "✖ OpenAI key ▲ VAPI\n✖ OpenAI key +1\n#FF5F5F\n" {
		t.Errorf("i3blocks: exit %d, %q", code, out)
	}
	out, code = runCode(t, bin, nil, "--tmux", "--format", "polybar", "--style", "light", "--state-dir", state)
	if code != 0 || out != "%{F#D70000}✖ OpenAI key%{F-} %{F#AF5F00}▲ VAPI%{F-}\n" {
		t.Errorf("polybar: exit %d, %q", code, out)
	}
	out, code = runCode(t, bin, nil, "--tmux", "--max-width", "15", "--state-dir", state)
	if code != 0 || out != "#[fg=colour231,bg=colour160,bold]✖ OpenAI key#[default] #[fg=colour16,bg=colour220]+1#[default]\n" {
		t.Errorf("tmux capped: exit %d, %q", code, out)
	}

	// The xbar plugin, run as xbar runs it: by its path, with vendorwatch
	// on PATH and the state dir found from XDG_STATE_HOME.
	xdg := t.TempDir()
	if err := os.Symlink(state, filepath.Join(xdg, "vendorwatch")); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("contrib", "xbar", "vendorwatch.1m.sh"))
	if err != nil {
		t.Fatal(err)
	}
	out, code = runCode(t, script, []string{"PATH=" + filepath.Dir(bin) + ":/usr/bin:/bin", "XDG_STATE_HOME=" + xdg})
	want := "✖ OpenAI key +1 | color=#FF5F5F\n---\nvendorwatch: critical, 2 vendors\n✖ OpenAI key | color=#FF5F5F\n▲ VAPI | color=#FFD75F\n---\nRefresh | refresh=true\n"
	if code != 0 || out != want {
		t.Errorf("xbar plugin: exit %d\n%s\nwant\n%s", code, out, want)
	}
}

// i3blocks itself runs the block: the JSON it hands i3bar carries our
// full_text, short_text and color, and urgent. Skipped without i3blocks
// (Debian's i3blocks package).
func TestI3blocksRunsTheBlock(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	i3blocks, err := exec.LookPath("i3blocks")
	if err != nil {
		t.Skip("i3blocks is not installed (apt-get install i3blocks)")
	}
	bin := buildBinary(t)
	state := barStateDir(t)
	conf := filepath.Join(t.TempDir(), "config")
	block := "[vendorwatch]\ncommand=" + bin + " --tmux --format i3blocks --state-dir " + state + "\ninterval=once\n"
	if err := os.WriteFile(conf, []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// i3blocks runs until killed; three seconds are plenty for one block.
	raw, _ := exec.CommandContext(ctx, i3blocks, "-c", conf).Output()
	var got map[string]any
	for _, l := range strings.Split(string(raw), "\n") {
		var blocks []map[string]any
		if json.Unmarshal([]byte(strings.TrimPrefix(l, ",")), &blocks) != nil {
			continue
		}
		for _, b := range blocks {
			if b["name"] == "vendorwatch" {
				got = b
			}
		}
	}
	if got["full_text"] != "✖ OpenAI key ▲ VAPI" || got["short_text"] != "✖ OpenAI key +1" || got["color"] != "#FF5F5F" || got["urgent"] != true {
		t.Errorf("i3blocks shows %v\nfrom\n%s", got, raw)
	}
}

// `--once --format nagios` as Nagios runs a check: the plugin's status
// line and performance data, and the plugin exit code; a check that cannot
// run is UNKNOWN, said on stdout.
func TestOnceNagiosPlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	out, code := runCode(t, bin, []string{"XDG_STATE_HOME=" + t.TempDir()}, "--demo", "--once", "--format", "nagios")
	first, _, _ := strings.Cut(out, "\n")
	status, perf, ok := strings.Cut(first, " | ")
	if code != 2 || !ok || !strings.HasPrefix(status, "VENDORWATCH CRITICAL - THEM: VAPI outage") {
		t.Errorf("demo: exit %d\n%s", code, out)
	}
	// The guidelines' 'label'=value[UOM];[warn];[crit];[min];[max], space
	// separated, labels quoted for their spaces.
	datum := `'[^'=]+'=[0-9]+(?:ms)?;;;0;[0-9]*`
	if !regexp.MustCompile(`^` + datum + `(?: ` + datum + `)*$`).MatchString(perf) {
		t.Errorf("perfdata %q", perf)
	}
	if !strings.Contains(perf, "'vapi failing keys'=1;;;0;1") || !strings.Contains(out, "\nVAPI: CRITICAL, 1 of 1 keys failing, status page: Major Outage\n") {
		t.Errorf("demo perfdata and long output:\n%s", out)
	}

	out, code = runCode(t, bin, nil, "--once", "--format", "nagios", "--config", filepath.Join(t.TempDir(), "missing.yaml"))
	if code != 3 || !strings.HasPrefix(out, "VENDORWATCH UNKNOWN - config file ") || strings.Count(out, "\n") != 1 {
		t.Errorf("bad config: exit %d, %q", code, out)
	}
	for _, args := range [][]string{{"--tmux", "--format", "nagios"}, {"--once", "--json", "--format", "nagios"}, {"--once", "--format", "i3blocks"}} {
		if _, code := runCode(t, bin, nil, args...); code != 3 {
			t.Errorf("%v: exit %d, want 3 (a usage error)", args, code)
		}
	}
}
