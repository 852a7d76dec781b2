package providers

import "strings"

// keyPrefixes are the vendor key prefixes a fingerprint keeps, longest
// first so sk-proj- wins over sk-. They match how vendors mask keys in
// their own consoles and error messages (OpenAI sk-proj-…MxYA, Anthropic
// sk-ant-api03-…igAA, Stripe sk_live_…1234).
var keyPrefixes = []string{
	"sk-ant-admin01-", "sk-ant-api03-", "sk-svcacct-", "sk-admin-", "sk-proj-", "sk-ant-",
	"sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_",
	"lsv2_pt_", "lsv2_sk_", "gsk_", "xai-", "AIza", "sk-", "sk_",
}

// minHidden is how many characters a fingerprint must leave out: a key
// too short to hide that many behind its last four shows no tail at all.
const minHidden = 12

// Fingerprint shows a key the way vendors do: its known prefix, an
// ellipsis and its last four characters (sk-proj-…MxYA). It never shows
// more than the prefix and four characters, and for a short key only the
// prefix. The empty key has the empty fingerprint.
func Fingerprint(key string) string {
	key = strings.TrimSpace(key)
	if key == "" {
		return ""
	}
	prefix := ""
	for _, p := range keyPrefixes {
		if strings.HasPrefix(key, p) {
			prefix = p
			break
		}
	}
	rest := key[len(prefix):]
	if len(rest) < minHidden+4 {
		return prefix + "…"
	}
	tail := rest[len(rest)-4:]
	if strings.ContainsAny(tail, "*.") || !printableASCII(tail) {
		// A masked key echoed by a vendor (sk-abc…****): no real tail.
		return prefix + "…"
	}
	return prefix + "…" + tail
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
