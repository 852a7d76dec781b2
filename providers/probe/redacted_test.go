package probe

import "testing"

func TestNormalizeRedacted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"sk-abc...def", "sk-abc…def"},                                      // the spec's example
		{"sk-admin...def", "sk-admin…def"},                                  // admin keys: the prefix without its dash
		{"sk-proj-...MxYA", "sk-proj-…MxYA"},                                // project key
		{"sk-proj-Qm4xZ8vR...MxYA", "sk-proj-Qm4x…MxYA"},                    // a longer head is cut to prefix + 4
		{"sk-ant-api03-R2D...igAA", "sk-ant-api03-R2D…igAA"},                // Anthropic's partial_key_hint
		{"sk-proj-********************MxYA", "sk-proj-…MxYA"},               // stars
		{"sk-…wxyz", "sk-…wxyz"},                                            // already ours
		{"sk-abc...abcdefgh", "sk-abc…efgh"},                                // a long tail is cut to 4
		{"sk-proj-Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aMxYA", "sk-proj-…MxYA"}, // no mask: a whole key becomes its fingerprint
		{"", ""},
		{"sk-a\x1b[31m...def", "…"}, // escape sequences are not kept
		{".k.def", "…def"},          // what lies between marks is masked too (a fuzzed mask)
		{"sk-abc...x...wxyz", "sk-abc…wxyz"},
	} {
		got := NormalizeRedacted(tc.in)
		if got != tc.want {
			t.Errorf("NormalizeRedacted(%q) = %q, want %q", tc.in, got, tc.want)
		}
		// A mask normalized once stays as it is: the inventory compares
		// what it stored with what it reads again.
		if again := NormalizeRedacted(got); again != got {
			t.Errorf("NormalizeRedacted(%q) = %q, then %q", tc.in, got, again)
		}
	}
}

func TestRedactedMatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		redacted, fingerprint string
		want                  bool
	}{
		{"sk-proj-…MxYA", "sk-proj-…MxYA", true},
		{"sk-proj-Qm4x…MxYA", "sk-proj-…MxYA", true}, // the vendor shows more of the head
		{"sk-pro…MxYA", "sk-proj-…MxYA", true},       // or less
		{"sk-abc…xYA", "sk-…MxYA", true},             // a three-character tail (the spec's example) still counts
		{"sk-svca…CnRy", "sk-svcacct-…CnRy", true},   // a service-account key with a short head
		{"sk-proj-…MxYB", "sk-proj-…MxYA", false},    // another tail
		{"sk-admin…MxYA", "sk-proj-…MxYA", false},    // another kind of key
		{"sk-svca…CnRy", "sk-proj-…CnRy", false},     // heads disagree
		{"sk-proj-…YA", "sk-proj-…MxYA", false},      // two characters are not enough
		{"sk-proj-…MxYA", "sk-proj-…", false},        // a fingerprint without a tail matches nothing
		{"…4e5f", "…4e5f", true},                     // keys without a known prefix (VAPI)
		{"sk-ant-api03-R2D…igAA", "sk-ant-api03-…igAA", true},
		{"sk-ant-api03-R2D…igAA", "sk-ant-admin01-…igAA", false},
		{"no mask at all", "sk-proj-…MxYA", false},
	} {
		if got := RedactedMatches(tc.redacted, tc.fingerprint); got != tc.want {
			t.Errorf("RedactedMatches(%q, %q) = %v, want %v", tc.redacted, tc.fingerprint, got, tc.want)
		}
	}
}
