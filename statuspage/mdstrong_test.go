package statuspage

import (
	"regexp"
	"strings"
	"testing"
)

// strongPattern is how MarkdownText found strong text before unStrong.
var strongPattern = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)

// unStrong replaces what strongPattern matched with the text between
// the marks, exactly: the pattern is the oracle.
func FuzzUnStrong(f *testing.F) {
	for _, s := range []string{
		"**Root Cause:** the event", "**a** and **b**", "**a**", "**a b**c**", "**x\n**", "** a**", "**a **b**",
		"__x__ and **y__", "***bold***", "**", "****", "**é**", "**東京** 大阪**", "a**b**c",
		"**\xff**", "**\xe6\x9d**", "__init__ method", "**a*", "** **", "**ab** **cd**",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, l string) {
		if strings.Contains(l, "\n") {
			return // MarkdownText hands it one line at a time
		}
		if got, want := unStrong(l), strongPattern.ReplaceAllString(l, "$2"); got != want {
			t.Errorf("unStrong(%q) = %q, want %q", l, got, want)
		}
	})
}

// BenchmarkUnStrongOpenMarks reads a line of 16,000 marks that never
// close, which a scan per mark would read 16,000 times:
//
//	go test ./statuspage -run '^$' -bench UnStrong
func BenchmarkUnStrongOpenMarks(b *testing.B) {
	l := strings.Repeat("**a ", 16000)
	b.SetBytes(int64(len(l)))
	for b.Loop() {
		if unStrong(l) != l {
			b.Fatal("a mark that does not close was removed")
		}
	}
}
