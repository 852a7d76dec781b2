package probe

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// keyPrefixes are the vendor key prefixes a fingerprint keeps, longest
// first so sk-proj- wins over sk-. They match how vendors mask keys in
// their own consoles and error messages (OpenAI sk-proj-…MxYA, Anthropic
// sk-ant-api03-…igAA, Stripe sk_live_…1234). The redactor owns the table:
// it exempts these public prefixes, so a fingerprint passes it unchanged.
var keyPrefixes = redact.KeyPrefixes()

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
	prefix := redact.PublicPrefix(key)
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

// maskRun splits a redacted key around its masked middle: head is what
// comes before the first '.', '…' or '*', tail what comes after the last.
// Anything between is masked, even characters among the marks (".k.def"
// has the tail "def"), so a mask cut down to its tail never keeps a mark
// in it.
func maskRun(s string) (head, tail string, ok bool) {
	i := strings.IndexAny(s, ".*…")
	if i < 0 {
		return "", "", false
	}
	j := strings.LastIndexAny(s, ".*…")
	if strings.HasPrefix(s[j:], "…") {
		j += len("…")
	} else {
		j++
	}
	return s[:i], s[j:], true
}

// NormalizeRedacted reduces a vendor's mask of a key (OpenAI "sk-abc...def",
// Anthropic "sk-ant-api03-R2D...igAA") to at most the known prefix plus
// four characters before the ellipsis and four after it. A value with no
// mask at all is taken for a whole key and becomes its fingerprint.
func NormalizeRedacted(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	head, tail, ok := maskRun(s)
	if !ok {
		return Fingerprint(s)
	}
	prefix := knownPrefix(head)
	if len(head) > len(prefix)+4 {
		head = head[:len(prefix)+4]
	}
	if len(tail) > 4 {
		tail = tail[len(tail)-4:]
	}
	if !printableASCII(head + tail) {
		return "…"
	}
	return head + "…" + tail
}

// knownPrefix is the vendor key prefix s starts with, or "". A mask may
// end the prefix without its dash ("sk-admin...def").
func knownPrefix(s string) string {
	for _, p := range keyPrefixes {
		if strings.HasPrefix(s, p) || s == strings.TrimRight(p, "-_") {
			return s[:min(len(p), len(s))]
		}
	}
	return ""
}

// minTailMatch is how many trailing characters a mask and a fingerprint
// must share to be the same key.
const minTailMatch = 3

// RedactedMatches reports whether a vendor's mask of a key and one of our
// fingerprints (sk-proj-…MxYA) can be the same key: the tails agree on at
// least three characters and one head is a prefix of the other.
func RedactedMatches(redacted, fingerprint string) bool {
	rh, rt, ok1 := maskRun(redacted)
	fh, ft, ok2 := maskRun(fingerprint)
	if !ok1 || !ok2 {
		return false
	}
	n := min(len(rt), len(ft))
	if n < minTailMatch || rt[len(rt)-n:] != ft[len(ft)-n:] {
		return false
	}
	return strings.HasPrefix(rh, fh) || strings.HasPrefix(fh, rh)
}
