package termtext

import (
	"strings"
	"testing"
)

// collapseSpace is strings.Join(strings.Fields(l), " "), faster on lines
// that are already clean.
func TestCollapseSpace(t *testing.T) {
	for _, l := range []string{"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\u00a0b", "a\u2003 b", "ünïcode text",
		"trailing\r", "\v", "x\fy", "The API is  back.", "  The API is back.  ", "a b c d e f",
		"customers’ “VMs”", "nbsp at the end\u00a0", "\u3000ideographic", "bad \xff byte", "東京 大阪"} {
		if got, want := collapseSpace(l), strings.Join(strings.Fields(l), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", l, got, want)
		}
	}
}

func FuzzCollapseSpace(f *testing.F) {
	f.Add("a  b ")
	f.Fuzz(func(t *testing.T, l string) {
		if got, want := collapseSpace(l), strings.Join(strings.Fields(l), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", l, got, want)
		}
	})
}

// Line is stripControls then strings.Join(strings.Fields(s), " "), and a
// line already clean comes back as it is, without a copy.
func TestLine(t *testing.T) {
	for in, want := range map[string]string{
		"All Systems Operational":       "All Systems Operational",
		"  Elevated\nerrors \t on API ": "Elevated errors on API",
		"\x1b[31mred\x1b[0m alert":      "red alert",
		"a\u00a0b":                      "a b",
		"":                              "",
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
	clean := "Partial outage of the Chat Completions API in us-east-1"
	if n := testing.AllocsPerRun(100, func() { _ = Line(clean) }); n != 0 {
		t.Errorf("Line of a clean line allocated %.0f times, want none", n)
	}
}

func TestStrip(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                     "plain",
		"a\r\nb":                    "a\nb",
		"col1\tcol2":                "col1 col2",
		"\x1b[31mred\x1b[0m":        "red",
		"bidi \u202eevil\u202c end": "bidi evil end",
		"nul\x00byte":               "nulbyte",
		"keep  two  spaces\n\nand":  "keep  two  spaces\n\nand",
	} {
		if got := Strip(in); got != want {
			t.Errorf("Strip(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"too long", 5, "too …"},
		{"ünïcödé", 4, "ünï…"},
		{"x", 0, ""},
	} {
		if got := Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("日本語テキスト", 5); got != "日本…" {
		t.Errorf("Truncate of wide text = %q, want %q", got, "日本…")
	}
	if got := Truncate("fits", 4); got != "fits" {
		t.Errorf("Truncate(fits, 4) = %q", got)
	}
	if got := Truncate("any", 0); got != "" {
		t.Errorf("Truncate(any, 0) = %q, want empty", got)
	}
}

// Text that clean lets through unread is text stripEvery would leave as
// it is, in any script, and what it stops has something to strip.
func FuzzCleanTextNeedsNoStripping(f *testing.F) {
	for _, s := range []string{
		"All Systems Operational", "a\nb", "customers’ “VMs” — déjà vu, 東京, 🚀",
		"\x1b[31mred\x1b[0m", "\u009b31mC1 CSI", "\u202eevil\u202c", "zero\u200dwidth joiner",
		"tab\there", "bell\a", "del\x7f", "bad \xff utf-8", "replacement \ufffd", "line\u2028separator",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		stripped := stripEvery(s)
		if clean(s) && stripped != s {
			t.Errorf("clean(%q), but stripping gives %q", s, stripped)
		}
		if got := stripControls(s); got != stripped {
			t.Errorf("stripControls(%q) = %q, want %q", s, got, stripped)
		}
	})
}
