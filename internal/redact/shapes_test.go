package redact

import (
	"strings"
	"testing"
)

// shapeSamples hold every kind of text ReplaceKeyLike sees: config values
// and URLs (no key), and each shape keyLike knows, alone and inside text.
var shapeSamples = []string{
	"https://status.openai.com/api/v2/summary.json", "statuspage", "openai-prod", "OPENAI_API_KEY",
	"sk-proj-abcdefgh", "sk_live_12345678", "rk-test-abcdefghij", "pk_abcdefgh1", "AIzaSyA1234567", "gsk_abcdefgh1",
	"lsv2_pt_abcdefgh", "xai-abcdefgh12", "Bearer abcdefghijkl", "token\tabcdefghijkl", "BASIC abcdefghijklm",
	"123e4567-e89b-12d3-a456-426614174000", "id=123e4567e89b12d3a456426614174000x", strings.Repeat("a1", 16),
	"key sk-…MxYA in the log", "sk-proj-****************MxYA", "a-b-c-d-e", "abcdefghij",
	"Vendor 12 Token abcdefghijkl", "1bearer abcdefghijkl", "x_basic\fabcdefghijkl", "to\u212aen abcdefghijkl", "ba\u017fic abcdefghijkl",
}

// The cheap test ReplaceKeyLike makes first never passes by a string the
// expression would match: on every sample, each of its substrings, and
// what the fuzzer finds (FuzzMayHoldKeyLike).
func TestMayHoldKeyLikeMissesNothing(t *testing.T) {
	t.Parallel()
	rejected := 0
	for _, s := range shapeSamples {
		for i := 0; i < len(s); i++ {
			for j := i + 1; j <= len(s); j++ {
				sub := s[i:j]
				if !mayHoldKeyLike(sub) {
					rejected++
					if keyLike().MatchString(sub) {
						t.Errorf("mayHoldKeyLike(%q) = false, but keyLike matches it", sub)
					}
				}
			}
		}
	}
	if rejected == 0 {
		t.Fatal("mayHoldKeyLike rejected nothing: it spares the expression no work")
	}
	for _, s := range []string{"https://status.openai.com/api/v2/summary.json", "openai-prod", "statuspage", "Vendor 4999", "Acme Voice Platform (EU)"} {
		if mayHoldKeyLike(s) {
			t.Errorf("mayHoldKeyLike(%q) = true: a config's ordinary values should skip the expression", s)
		}
	}
}

func FuzzMayHoldKeyLike(f *testing.F) {
	for _, s := range shapeSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !mayHoldKeyLike(s) && keyLike().MatchString(s) {
			t.Errorf("mayHoldKeyLike(%q) = false, but keyLike matches it", s)
		}
	})
}
