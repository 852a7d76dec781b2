package providers

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// MatchInventory ties inventory rows (and vanished ones) to the configured
// keys by fingerprint: prefix and last four against the vendor's mask. A
// key matching more than one row is tied to none.
func MatchInventory(inv *observe.Inventory, keys []observe.KeyResult) {
	if inv == nil {
		return
	}
	for i := range inv.Keys {
		inv.Keys[i].Key = ""
	}
	for _, k := range keys {
		if k.Fingerprint == "" {
			continue
		}
		hit := -1
		for i, row := range inv.Keys {
			if row.Kind != observe.InventoryAdminKey && RedactedMatches(row.Redacted, k.Fingerprint) {
				if hit >= 0 {
					hit = -2
					break
				}
				hit = i
			}
		}
		if hit >= 0 {
			inv.Keys[hit].Key = k.Name
		}
		for i := range inv.Gone {
			g := &inv.Gone[i]
			if g.Kind != observe.InventoryAdminKey && RedactedMatches(g.Redacted, k.Fingerprint) {
				g.Key, g.Fingerprint, g.Canary = k.Name, k.Fingerprint, k.Canary
			}
		}
	}
}

// maxOwnerText caps remote names kept in an inventory.
const maxOwnerText = 120

// sanitizeKey makes a row's remote text safe to keep and show, and cuts the
// mask down to a fingerprint's worth.
func sanitizeKey(k *observe.InventoryKey) {
	k.Redacted = NormalizeRedacted(k.Redacted)
	for _, s := range []*string{&k.ID, &k.Name, &k.Project, &k.ProjectName, &k.Status, &k.OwnerAccess, &k.Owner, &k.OwnerID, &k.OwnerType} {
		*s = scrub(termtext.Line(*s), "", maxOwnerText)
	}
}

// maskRun finds the masked middle of a redacted key: the first run of
// '.', '…' or '*'.
func maskRun(s string) (head, tail string, ok bool) {
	i := strings.IndexAny(s, ".*…")
	if i < 0 {
		return "", "", false
	}
	j := i
	for j < len(s) {
		switch {
		case s[j] == '.' || s[j] == '*':
			j++
		case strings.HasPrefix(s[j:], "…"):
			j += len("…")
		default:
			return s[:i], s[j:], true
		}
	}
	return s[:i], "", true
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
