package statusline

import (
	"slices"
	"strings"
	"testing"
)

// Each string function of text.go does what its namesake in strings does.
func TestTextIsStrings(t *testing.T) {
	inputs := []string{"", "a", "\t", "a\tb", "a\tb\tc\td", "\t\t", "tab\t", "\ttab", "vendorwatch statusline 1\nx\n", "é\t✖\n"}
	for _, s := range inputs {
		for _, sep := range []byte{'\t', '\n', '='} {
			for _, n := range []int{-1, 0, 1, 2, 3, 5} {
				if got, want := splitN(s, sep, n), strings.SplitN(s, string(sep), n); !slices.Equal(got, want) {
					t.Errorf("splitN(%q, %q, %d) = %q, strings.SplitN %q", s, sep, n, got, want)
				}
			}
			b, a, f := cut(s, sep)
			wb, wa, wf := strings.Cut(s, string(sep))
			if b != wb || a != wa || f != wf {
				t.Errorf("cut(%q, %q) = %q %q %v, strings.Cut %q %q %v", s, sep, b, a, f, wb, wa, wf)
			}
		}
		for _, prefix := range []string{"", "a", "--", s, s + "x"} {
			if hasPrefix(s, prefix) != strings.HasPrefix(s, prefix) {
				t.Errorf("hasPrefix(%q, %q) = %v", s, prefix, hasPrefix(s, prefix))
			}
		}
		if containsAnyByte(s, markupChars+"\t") != strings.ContainsAny(s, markupChars+"\t") {
			t.Errorf("containsAnyByte(%q) = %v", s, containsAnyByte(s, markupChars+"\t"))
		}
	}
	for _, elems := range [][]string{nil, {""}, {"a"}, {"a", "", "b"}, inputs} {
		for _, sep := range []string{"", " ", "\n", "/"} {
			if got, want := join(elems, sep), strings.Join(elems, sep); got != want {
				t.Errorf("join(%q, %q) = %q, strings.Join %q", elems, sep, got, want)
			}
		}
	}
}
