package statuspage

import (
	"strings"
	"testing"
)

// collapseSpace is strings.Join(strings.Fields(l), " "), faster on lines
// that are already clean.
func TestCollapseSpace(t *testing.T) {
	for _, l := range []string{"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\u00a0b", "a\u2003 b", "ünïcode text",
		"trailing\r", "\v", "x\fy", "The API is  back.", "  The API is back.  ", "a b c d e f"} {
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
