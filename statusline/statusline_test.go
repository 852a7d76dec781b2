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
		ok   bool
	}{
		{0, "X OpenAI key ! VAPI ! Twilio status page", true},
		{40, "X OpenAI key ! VAPI ! Twilio status page", true},
		{39, "X OpenAI key ! VAPI +1", true},
		{22, "X OpenAI key ! VAPI +1", true},
		{21, "X OpenAI key +2", true},
		{15, "X OpenAI key +2", true},
		{14, "", false},
	} {
		got, ok := Fit(items, tt.max)
		if ok != tt.ok || Join(got, false) != tt.want {
			t.Errorf("Fit(%d) = %q, %v; want %q, %v", tt.max, Join(got, false), ok, tt.want, tt.ok)
		}
		if ok && tt.max > 0 && len(Join(got, false)) > tt.max {
			t.Errorf("Fit(%d) is %d wide", tt.max, len(Join(got, false)))
		}
	}
}

func TestJoinStyles(t *testing.T) {
	got := Join(sampleDigest().Items(false)[:2], true)
	if want := "#[fg=red]✖ OpenAI key#[default] #[fg=yellow]▲ VAPI#[default]"; got != want {
		t.Errorf("Join = %q, want %q", got, want)
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
		{"tmux", []string{"--tmux"}, now, fresh, "#[fg=red]✖ OpenAI key#[default] #[fg=yellow]▲ VAPI#[default] #[fg=yellow]▲ Twilio status page#[default]"},
		{"plain ascii capped", []string{"--tmux", "--format=plain", "--ascii", "--max-width", "22"}, now, fresh, "X OpenAI key ! VAPI +1"},
		{"flags that do not change the line", []string{"--config", "/x.yaml", "--tmux", "--only", "openai", "--no-color", "--timeout=3s", "--format", "plain"}, now, fresh, "✖ OpenAI key ▲ VAPI ▲ Twilio status page"},
		{"max-age", []string{"--tmux", "--format", "plain", "--max-age", "1h"}, t0.Add(59 * time.Minute), fresh, "✖ OpenAI key ▲ VAPI ▲ Twilio status page"},
		{"older than --max-age", []string{"--tmux"}, t0.Add(61 * time.Second), fresh, ""},
		{"digest older than the snapshot", []string{"--tmux"}, now, stateDir(t, sampleDigest(), time.Second), ""},
		{"no digest", []string{"--tmux"}, now, t.TempDir(), ""},
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
		{"nothing fits", []string{"--tmux", "--max-width", "5"}, now, fresh, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			args := append([]string{"--state-dir", tt.dir}, tt.args...)
			if tt.name == "subcommand" {
				args = append(tt.args, "--state-dir", tt.dir)
			}
			ok, err := Answer(args, &out, tt.now)
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
		if ok, err := Answer(args, &out, t0); !ok || err != nil {
			b.Fatal("not answered")
		}
	}
}
