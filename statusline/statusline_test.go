package statusline

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 5, 21, 12, 45, 0, 0, time.UTC)

func sampleDigest() Digest {
	return Digest{GeneratedAt: t0, Overall: Critical, Vendors: 12, Entries: []Entry{
		{Critical, "OpenAI key", 10}, {Warning, "VAPI", 4}, {Warning, "Twilio status page", 18},
	}}
}

func TestFit(t *testing.T) {
	items := sampleDigest().Items(true) // "X OpenAI key"(12) "! VAPI"(6) "! Twilio status page"(20)
	for _, tt := range []struct {
		max  int
		want string
		more Level // the "+N" item's level, when there is one
	}{
		{0, "X OpenAI key ! VAPI ! Twilio status page", ""},
		{40, "X OpenAI key ! VAPI ! Twilio status page", ""},
		{39, "X OpenAI key ! VAPI +1", Warning},
		{22, "X OpenAI key ! VAPI +1", Warning},
		{21, "X OpenAI key +2", Warning},
		{15, "X OpenAI key +2", Warning},
		// Never a cut item: when the first item does not fit, "+N" alone
		// says there is something, in the colour of the worst of it.
		{14, "+3", Critical},
		{2, "+3", Critical},
		{1, "", ""},
	} {
		got := Fit(items, tt.max)
		if Plain(got) != tt.want {
			t.Errorf("Fit(%d) = %q, want %q", tt.max, Plain(got), tt.want)
		}
		if tt.max > 0 && len(Plain(got)) > tt.max {
			t.Errorf("Fit(%d) is %d wide", tt.max, len(Plain(got)))
		}
		if tt.more != "" && got[len(got)-1].Level != tt.more {
			t.Errorf("Fit(%d): the +N item is %s, want %s", tt.max, got[len(got)-1].Level, tt.more)
		}
	}
}

func TestDigestRejectsMarkup(t *testing.T) {
	for _, label := range []string{"VA#(PI)", "%{F#f00}x", "a | href=x", "<b>", "a&b", "}"} {
		d := Digest{GeneratedAt: t0, Overall: OK, Vendors: 1, Entries: []Entry{{Warning, label, len(label)}}}
		if _, err := d.Encode(); err == nil {
			t.Errorf("a label %q was encoded", label)
		}
	}
}

func TestDigestRoundTrip(t *testing.T) {
	b, err := sampleDigest().Encode()
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeDigest(b)
	if err != nil {
		t.Fatal(err)
	}
	if !d.GeneratedAt.Equal(t0) || d.Overall != Critical || d.Vendors != 12 || len(d.Entries) != 3 || d.Entries[2] != (Entry{Warning, "Twilio status page", 18}) {
		t.Errorf("round trip = %+v", d)
	}
	bad := sampleDigest()
	bad.Entries[0].Label = "a\tb"
	if _, err := bad.Encode(); err == nil {
		t.Error("a label with a tab was encoded")
	}
	for _, damaged := range []string{"", string(b[:len(b)-1]), strings.Replace(string(b), "statusline 1", "statusline 2", 1),
		strings.Replace(string(b), "\t10\t", "\tten\t", 1), strings.Replace(string(b), "2026-05-21", "yesterday", 1),
		strings.Replace(string(b), "\t12\n", "\n", 1), strings.Replace(string(b), "\t12\n", "\t-1\n", 1)} {
		if _, err := DecodeDigest([]byte(damaged)); err == nil {
			t.Errorf("damaged digest %q decoded", damaged)
		}
	}
}

// stateDir writes a snapshot and, after it, the digest.
func stateDir(t *testing.T, d Digest, digestAge time.Duration) string {
	t.Helper()
	dir := t.TempDir()
	b, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	snap, digest := filepath.Join(dir, SnapshotFile), filepath.Join(dir, DigestFile)
	if err := os.WriteFile(snap, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(digest, b, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(snap, t0, t0)
	os.Chtimes(digest, t0.Add(-digestAge), t0.Add(-digestAge))
	return dir
}

// Two digests show the same line whatever their reports' times.
func TestSameDigest(t *testing.T) {
	a, _ := sampleDigest().Encode()
	later := sampleDigest()
	later.GeneratedAt = later.GeneratedAt.Add(time.Hour)
	b, _ := later.Encode()
	if !SameDigest(a, b) {
		t.Error("the same line at two times is not the same")
	}
	other := sampleDigest()
	other.Entries[1].Level = Critical
	c, _ := other.Encode()
	if SameDigest(a, c) || SameDigest(a, []byte("vendorwatch statusline 1\n")) || SameDigest(nil, nil) {
		t.Error("a changed or unreadable digest is the same")
	}
}

// confirmedAt sets the times of dir's snapshot and digest to at, as a
// later check that found nothing new does.
func confirmedAt(t *testing.T, dir string, at time.Time) string {
	t.Helper()
	for _, f := range []string{SnapshotFile, DigestFile} {
		if err := os.Chtimes(filepath.Join(dir, f), at, at); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// withoutSnapshot removes dir's snapshot, as before a state dir's first
// snapshot is written.
func withoutSnapshot(t *testing.T, dir string) string {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, SnapshotFile)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAnswer(t *testing.T) {
	fresh := stateDir(t, sampleDigest(), 0)
	now := t0.Add(30 * time.Second)
	for _, tt := range []struct {
		name string
		args []string
		now  time.Time
		dir  string
		want string // "" : not answered
	}{
		{"tmux", []string{"--tmux"}, now, fresh, "#[fg=colour231,bg=colour160,bold]✖ OpenAI key#[default] #[fg=colour16,bg=colour220]▲ VAPI#[default] #[fg=colour16,bg=colour220]▲ Twilio status page#[default]"},
		{"tmux on a dark bar", []string{"--tmux", "--style", "dark", "--max-width", "30"}, now, fresh, "#[fg=colour203,bold]✖ OpenAI key#[default] #[fg=colour221]▲ VAPI#[default] #[fg=colour221]+1#[default]"},
		{"polybar", []string{"--tmux", "--format", "polybar", "--ascii", "--style=light"}, now, fresh, "%{F#D70000}X OpenAI key%{F-} %{F#AF5F00}! VAPI%{F-} %{F#AF5F00}! Twilio status page%{F-}"},
		{"i3blocks", []string{"--tmux", "--format", "i3blocks", "--max-width", "20"}, now, fresh, "✖ OpenAI key +2\n✖ OpenAI key +2\n#FF5F5F"},
		{"xbar", []string{"--tmux", "--format", "xbar"}, now, fresh, "✖ OpenAI key +2 | color=#FF5F5F\n---\nvendorwatch: critical, 12 vendors\n✖ OpenAI key | color=#FF5F5F\n▲ VAPI | color=#FFD75F\n▲ Twilio status page | color=#FFD75F\n---\nRefresh | refresh=true"},
		{"bad style", []string{"--tmux", "--style", "neon"}, now, fresh, ""},
		{"plain ascii capped", []string{"--tmux", "--format=plain", "--ascii", "--max-width", "22"}, now, fresh, "X OpenAI key ! VAPI +1"},
		{"flags that do not change the line", []string{"--config", "/x.yaml", "--tmux", "--only", "openai", "--no-color", "--timeout=3s", "--format", "plain"}, now, fresh, "✖ OpenAI key ▲ VAPI ▲ Twilio status page"},
		{"max-age", []string{"--tmux", "--format", "plain", "--max-age", "1h"}, t0.Add(59 * time.Minute), fresh, "✖ OpenAI key ▲ VAPI ▲ Twilio status page"},
		{"older than --max-age", []string{"--tmux"}, t0.Add(61 * time.Second), fresh, ""},
		{"confirmed by a later check", []string{"--tmux", "--format", "plain"}, t0.Add(150 * time.Second), confirmedAt(t, stateDir(t, sampleDigest(), 0), t0.Add(2*time.Minute)), "✖ OpenAI key ▲ VAPI ▲ Twilio status page"},
		{"confirmed, but too long ago", []string{"--tmux"}, t0.Add(190 * time.Second), confirmedAt(t, stateDir(t, sampleDigest(), 0), t0.Add(2*time.Minute)), ""},
		{"digest older than the snapshot", []string{"--tmux"}, now, stateDir(t, sampleDigest(), time.Second), ""},
		{"no digest", []string{"--tmux"}, now, t.TempDir(), ""},
		{"no snapshot yet (a first round recorded in parts)", []string{"--tmux", "--format", "plain"}, now, withoutSnapshot(t, stateDir(t, sampleDigest(), 0)), "✖ OpenAI key ▲ VAPI ▲ Twilio status page"},
		{"not --tmux", []string{"--once"}, now, fresh, ""},
		{"no flags", nil, now, fresh, ""},
		{"remote", []string{"--tmux", "--remote", "http://x"}, now, fresh, ""},
		{"refresh", []string{"--tmux-refresh"}, now, fresh, ""},
		{"waybar", []string{"--tmux", "--format", "waybar", "--ascii"}, now, fresh,
			`{"text":"X OpenAI key ! VAPI ! Twilio status page","tooltip":"vendorwatch: critical, 12 vendors\nX OpenAI key\n! VAPI\n! Twilio status page","class":"critical","alt":"critical"}`},
		{"bad format", []string{"--tmux", "--format", "xml"}, now, fresh, ""},
		{"shorthand", []string{"--tmux", "-h"}, now, fresh, ""},
		{"single-dash long flag", []string{"-tmux"}, now, fresh, ""},
		{"subcommand", []string{"catalog", "--tmux"}, now, fresh, ""},
		{"nothing fits but +N", []string{"--tmux", "--format", "plain", "--max-width", "5"}, now, fresh, "+3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			args := append([]string{"--state-dir", tt.dir}, tt.args...)
			if tt.name == "subcommand" {
				args = append(tt.args, "--state-dir", tt.dir)
			}
			ok, _, err := Answer(args, &out, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if ok || out.Len() > 0 {
					t.Errorf("answered %q; the whole program must decide", out.String())
				}
				return
			}
			if !ok || out.String() != tt.want+"\n" {
				t.Errorf("Answer = %v %q, want %q", ok, out.String(), tt.want)
			}
		})
	}
}

func TestStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	if got := StateDir(""); got != "/xdg/state/vendorwatch" {
		t.Errorf("StateDir = %q", got)
	}
	if got := StateDir("/flag"); got != "/flag" {
		t.Errorf("StateDir(flag) = %q", got)
	}
	t.Setenv("XDG_STATE_HOME", "relative")
	t.Setenv("HOME", "/home/u")
	if got := StateDir(""); got != "/home/u/.local/state/vendorwatch" {
		t.Errorf("StateDir with a relative XDG_STATE_HOME = %q", got)
	}
}

// BenchmarkAnswer is the fast path's own work, process start aside:
// reading a 200-vendor report's digest and printing its line.
func BenchmarkAnswer(b *testing.B) {
	d := sampleDigest()
	for i := range 20 {
		d.Entries = append(d.Entries, Entry{Warning, "Vendor " + strings.Repeat("x", i%7), 8 + i%7})
	}
	data, err := d.Encode()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	os.WriteFile(joinPath(dir, SnapshotFile), []byte("{}"), 0o600)
	os.WriteFile(joinPath(dir, DigestFile), data, 0o600)
	args := []string{"--tmux", "--state-dir", dir, "--max-width", "60"}
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if ok, _, err := Answer(args, &out, t0); !ok || err != nil {
			b.Fatal("not answered")
		}
	}
}

// The fast path reads its flags by hand (parseLineArgs), as the whole
// program's flags would read them; whatever it cannot read the same way
// it leaves to the whole program.
func TestParseLineArgs(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want lineArgs
		ok   bool
	}{
		{[]string{"--tmux"}, lineArgs{tmux: true, format: "tmux", style: "default", maxAge: time.Minute}, true},
		{[]string{"--tmux=true", "--format=plain", "--style", "dark", "--max-width", "0x20", "--ascii", "--max-age=90s", "--state-dir", "/s"},
			lineArgs{tmux: true, format: "plain", style: "dark", maxWidth: 32, ascii: true, maxAge: 90 * time.Second, stateDir: "/s"}, true},
		{[]string{"--tmux", "--ascii=false", "--ascii=1", "--format", "xbar", "--format", "waybar"},
			lineArgs{tmux: true, format: "waybar", style: "default", ascii: true, maxAge: time.Minute}, true},
		{[]string{"--tmux=false"}, lineArgs{format: "tmux", style: "default", maxAge: time.Minute}, true},
		{[]string{"--config", "/c.yaml", "--only=a,b", "--timeout", "2s", "--no-color", "--tmux"}, lineArgs{tmux: true, format: "tmux", style: "default", maxAge: time.Minute}, true},
		{[]string{"--tmux", "--ascii", "yes"}, lineArgs{}, false}, // an argument that is not a flag
		{[]string{"--tmux", "--tmux=maybe"}, lineArgs{}, false},   // not a bool
		{[]string{"--tmux", "--max-width", "wide"}, lineArgs{}, false},
		{[]string{"--tmux", "--max-age", "60"}, lineArgs{}, false}, // a duration needs its unit
		{[]string{"--tmux", "--format"}, lineArgs{}, false},        // no value
		{[]string{"--tmux", "--remote", "http://x"}, lineArgs{}, false},
		{[]string{"--tmux", "--"}, lineArgs{}, false},
		{[]string{"--tmux", "---format=plain"}, lineArgs{}, false},
		{[]string{"--tmux", "--=x"}, lineArgs{}, false},
		{[]string{"-tmux"}, lineArgs{}, false},
		{[]string{"--tmux", "-a"}, lineArgs{}, false},
		{[]string{"--tmux", "--state-dir", "-s"}, lineArgs{}, false}, // a shorthand, or a value: the whole program decides
		{[]string{"--tmux", "--max-width", "-5"}, lineArgs{}, false},
	} {
		got, ok := parseLineArgs(tt.args)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseLineArgs(%q) = %+v, %v; want %+v, %v", tt.args, got, ok, tt.want, tt.ok)
		}
	}
}
