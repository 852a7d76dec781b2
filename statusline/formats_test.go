package statusline

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// sampleLine is the sample digest's line on a style's bar.
func sampleLine(s Style, maxWidth int) Line {
	d := sampleDigest()
	return Line{Items: Fit(d.Items(false), maxWidth), Overall: d.Overall, Vendors: d.Vendors, Style: s}
}

// The exact strings each format prints of the sample line, on each bar.
func TestRenderGolden(t *testing.T) {
	calm := Line{Items: []Item{Labelled(OK, "12 ok", 5, false)}, Overall: OK, Vendors: 12}
	for _, tt := range []struct {
		name   string
		format Format
		line   Line
		want   string
		exit   int
	}{
		{"tmux default bar", FormatTmux, sampleLine(StyleDefault, 0),
			"#[fg=colour231,bg=colour160,bold]✖ OpenAI key#[default] #[fg=colour16,bg=colour220]▲ VAPI#[default] #[fg=colour16,bg=colour220]▲ Twilio status page#[default]", 0},
		{"tmux dark bar", FormatTmux, sampleLine(StyleDark, 0),
			"#[fg=colour203,bold]✖ OpenAI key#[default] #[fg=colour221]▲ VAPI#[default] #[fg=colour221]▲ Twilio status page#[default]", 0},
		{"tmux light bar", FormatTmux, sampleLine(StyleLight, 0),
			"#[fg=colour160,bold]✖ OpenAI key#[default] #[fg=colour130]▲ VAPI#[default] #[fg=colour130]▲ Twilio status page#[default]", 0},
		{"tmux all well", FormatTmux, calm, "#[fg=colour16]● 12 ok#[default]", 0},
		{"plain", FormatPlain, sampleLine(StyleDefault, 15), "✖ OpenAI key +2", 0},
		{"polybar", FormatPolybar, sampleLine(StyleDefault, 22),
			"%{F#FF5F5F}✖ OpenAI key%{F-} %{F#FFD75F}▲ VAPI%{F-} %{F#FFD75F}+1%{F-}", 0},
		{"polybar all well", FormatPolybar, calm, "%{F#87D787}● 12 ok%{F-}", 0},
		{"i3blocks critical is urgent", FormatI3blocks, sampleLine(StyleDefault, 0),
			"✖ OpenAI key ▲ VAPI ▲ Twilio status page\n✖ OpenAI key +2\n#FF5F5F", I3blocksUrgent},
		{"i3blocks all well", FormatI3blocks, calm, "● 12 ok\n● 12 ok\n#87D787", 0},
		{"i3blocks nothing fits", FormatI3blocks, sampleLine(StyleDefault, 1), "\n\n#8A8A8A", 0},
		{"xbar", FormatXbar, sampleLine(StyleLight, 0),
			"✖ OpenAI key +2 | color=#D70000\n---\nvendorwatch: critical, 12 vendors\n✖ OpenAI key | color=#D70000\n▲ VAPI | color=#AF5F00\n▲ Twilio status page | color=#AF5F00\n---\nRefresh | refresh=true", 0},
		{"xbar all well", FormatXbar, calm,
			"● 12 ok\n---\nvendorwatch: ok, 12 vendors\n● 12 ok | color=#87D787\n---\nRefresh | refresh=true", 0},
		{"waybar", FormatWaybar, calm,
			`{"text":"● 12 ok","tooltip":"vendorwatch: ok, 12 vendors\n● 12 ok","class":"ok","alt":"ok"}`, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Render(tt.format, tt.line)
			if !ok || got.Text != tt.want || got.Exit != tt.exit {
				t.Errorf("Render(%s) = %q exit %d\nwant %q exit %d", tt.format, got.Text, got.Exit, tt.want, tt.exit)
			}
		})
	}
	if _, ok := Render("xml", calm); ok {
		t.Error("an unknown format rendered")
	}
}

// i3blocks' raw format (its README, "format"): the command prints at most
// four lines, each ended by a newline — full_text, short_text, color,
// background — and exits 0, or 33 to set urgent; any other exit code is an
// error. The color is #RRGGBB.
func TestI3blocksProtocol(t *testing.T) {
	hex := regexp.MustCompile(`^#[0-9A-F]{6}$`)
	for _, s := range Styles {
		for _, w := range []int{0, 1, 5, 15, 30} {
			out, _ := Render(FormatI3blocks, sampleLine(s, w))
			lines := strings.Split(out.Text+"\n", "\n")
			if len(lines) != 4 || lines[3] != "" {
				t.Fatalf("%s width %d: %q is not three lines", s, w, out.Text)
			}
			if !hex.MatchString(lines[2]) {
				t.Errorf("%s width %d: color %q", s, w, lines[2])
			}
			if out.Exit != 0 && out.Exit != I3blocksUrgent {
				t.Errorf("%s width %d: exit %d", s, w, out.Exit)
			}
			if w > 0 && len([]rune(lines[0])) > w {
				t.Errorf("%s width %d: full_text %q", s, w, lines[0])
			}
		}
	}
}

// xbar's plugin API (matryer/xbar README, "Plugin API"): lines before "---"
// are the menu bar title, lines after it the dropdown; in each line what
// follows '|' are space-separated key=value parameters.
func TestXbarProtocol(t *testing.T) {
	known := map[string]bool{"color": true, "refresh": true}
	out, _ := Render(FormatXbar, sampleLine(StyleDefault, 0))
	lines := strings.Split(out.Text, "\n")
	if lines[1] != "---" || strings.Count(out.Text, "\n---\n") != 2 {
		t.Fatalf("the title is not one line before ---: %q", out.Text)
	}
	for _, l := range lines {
		if l == "---" {
			continue
		}
		text, params, _ := strings.Cut(l, "|")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "--") {
			t.Errorf("line %q has no text, or is a submenu", l)
		}
		for _, p := range strings.Fields(params) {
			k, v, ok := strings.Cut(p, "=")
			if !ok || !known[k] || v == "" {
				t.Errorf("line %q: parameter %q", l, p)
			}
		}
	}
}

// Every format prints items the digest accepted, and the digest accepts
// no character a bar reads as markup: no item text can open a tmux
// #[style] or #(command), a polybar %{tag}, xbar parameters after '|',
// Pango markup or a new line.
func TestFormatsCarryNoMarkupFromLabels(t *testing.T) {
	for _, label := range []string{"#(touch /tmp/pwned)", "%{F#f00}x%{F-}", "VAPI | href=file:///etc", "<b>x</b>", "a\nb", "a\x1b[31m"} {
		d := Digest{GeneratedAt: t0, Overall: Critical, Vendors: 1, Entries: []Entry{{Critical, label, len(label)}}}
		if b, err := d.Encode(); err == nil {
			t.Errorf("label %q encoded: %q", label, b)
		}
		data := digestMagic + "\n2026-05-21T12:45:00Z\tcritical\t1\ncritical\t3\t" + label + "\n"
		if _, err := DecodeDigest([]byte(data)); err == nil {
			t.Errorf("a digest with label %q decoded", label)
		}
	}
}

// An overall level outside the vocabulary (a snapshot or a --remote
// server may say anything) reaches no format: waybar's tooltip and CSS
// class and xbar's menu say unknown.
func TestFormatsCarryOnlyKnownLevels(t *testing.T) {
	for _, f := range []Format{FormatWaybar, FormatXbar} {
		out, _ := Render(f, Line{Overall: "#(touch /tmp/pwned)", Vendors: 2})
		if strings.Contains(out.Text, "#(") || !strings.Contains(out.Text, "vendorwatch: unknown, 2 vendors") {
			t.Errorf("%s: %q", f, out.Text)
		}
	}
}

// TestAnswerExitCode: the fast path ends the process with the format's
// exit code, so i3blocks sees a critical line as urgent.
func TestAnswerExitCode(t *testing.T) {
	dir := stateDir(t, sampleDigest(), 0)
	for format, want := range map[string]int{"i3blocks": I3blocksUrgent, "tmux": 0, "xbar": 0, "polybar": 0} {
		var out bytes.Buffer
		ok, code, err := Answer([]string{"--tmux", "--format", format, "--state-dir", dir}, &out, t0)
		if !ok || err != nil || code != want {
			t.Errorf("%s: answered %v, exit %d, %v; want exit %d", format, ok, code, err, want)
		}
	}
}

// TestI3blocksReadsIt runs the real i3blocks (Debian's i3blocks package)
// on a block whose command prints the rendered line, and reads the i3bar
// JSON it writes: the block must carry our full_text, short_text and
// color, and be urgent. Skipped when i3blocks is not installed.
func TestI3blocksReadsIt(t *testing.T) {
	bin, err := exec.LookPath("i3blocks")
	if err != nil {
		t.Skip("i3blocks is not installed (apt-get install i3blocks)")
	}
	out, _ := Render(FormatI3blocks, sampleLine(StyleDefault, 0))
	dir := t.TempDir()
	block := filepath.Join(dir, "block.txt")
	if err := os.WriteFile(block, []byte(out.Text+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "config")
	cmd := "cat " + block + "; exit " + map[bool]string{true: "33", false: "0"}[out.Exit == I3blocksUrgent]
	if err := os.WriteFile(conf, []byte("[vendorwatch]\ncommand="+cmd+"\ninterval=once\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, bin, "-c", conf)
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Process.Kill(); _ = c.Wait() }()
	var got map[string]any
	buf := make([]byte, 0, 4096)
	chunk := make([]byte, 1024)
	for got == nil {
		n, err := stdout.Read(chunk)
		if err != nil {
			t.Fatalf("i3blocks printed no block of ours: %v\n%s", err, buf)
		}
		buf = append(buf, chunk[:n]...)
		for _, l := range strings.Split(string(buf), "\n") {
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
	}
	want := strings.Split(out.Text, "\n")
	if got["full_text"] != want[0] || got["short_text"] != want[1] || got["color"] != want[2] || got["urgent"] != true {
		t.Errorf("i3blocks read %v, want %q urgent", got, want)
	}
}

// waybar's JSON is encoded by hand (appendJSONString): it must be what
// encoding/json writes of the same strings, escapes and invalid UTF-8
// included, and what a JSON reader reads back.
func TestWriteJSONStringIsEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "● 12 ok", `quote " backslash \ slash /`, "tab\tnew\nline\rreturn", "\b\f\x00\x01\x1f\x7f",
		"<b>a&b</b>", "line\u2028para\u2029end", "bad \xff\xfe utf8 \xe2\x82", "emoji 🙂 and \u200b zero width", "\u0085 next line"} {
		checkJSONString(t, s)
	}
}

func FuzzWriteJSONString(f *testing.F) {
	f.Add("✖ OpenAI key\n▲ VAPI")
	f.Add("\xff<\u2028>")
	f.Fuzz(checkJSONString)
}

func checkJSONString(t *testing.T, s string) {
	b := appendJSONString(nil, s)
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(want) {
		t.Fatalf("appendJSONString(%q) = %s, encoding/json writes %s", s, b, want)
	}
}
