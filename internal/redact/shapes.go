package redact

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// keyLike matches text that looks like an API key, whole or masked: the
// vendor prefixes vendorwatch knows (OpenAI and Anthropic sk-, Stripe
// sk_/rk_/pk_, Google AIza, Groq gsk_, LangSmith lsv2_, xAI xai-), an
// Authorization-style "Bearer|Token|Basic <credential>", UUIDs (VAPI's
// keys are UUIDs, even glued to other letters or digits), and long runs of letters and digits such as Twilio auth
// tokens and Deepgram keys.
var keyLike = lazyregexp.New(`(?:\b(?:sk|rk|pk)[-_][A-Za-z0-9_\-*.]{8,}` +
	`|\bAIza[0-9A-Za-z_\-*.]{8,}` +
	`|\bgsk_[A-Za-z0-9*.]{8,}` +
	`|\blsv2_[A-Za-z0-9_*.]{8,}` +
	`|\bxai-[A-Za-z0-9*.]{8,}` +
	`|(?i:\b(?:bearer|token|basic)\s+)[A-Za-z0-9._~+/=\-]{12,}` +
	`|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}` +
	`|\b[A-Za-z0-9]{32,}\b)`)

// credentialWord splits "Bearer abc" into the scheme word and the rest.
var credentialWord = lazyregexp.New(`(?i)^(bearer|token|basic)(\s+)`)

// ReplaceKeyLike replaces every token of s that looks like a key (by its
// shape, not by knowledge of a secret) with repl(token). A "Bearer
// <token>" keeps its scheme word; only the credential is passed to repl.
// Long runs of letters and digits count only when they mix both, so
// ordinary words and numbers survive.
//
// Shapes catch keys the process never resolved (a vendor echoing some
// other key); they also catch UUIDs and long identifiers that are not
// keys, so they are for text a vendor wrote about a key (its error
// messages), not for every exit: String is.
func ReplaceKeyLike(s string, repl func(token string) string) string {
	return keyLike().ReplaceAllStringFunc(s, func(tok string) string {
		// A full stop ending a sentence is not part of the key.
		trimmed := strings.TrimRight(tok, ".")
		tail := tok[len(trimmed):]
		tok = trimmed
		if m := credentialWord().FindStringSubmatch(tok); m != nil {
			return m[1] + m[2] + repl(tok[len(m[0]):]) + tail
		}
		if isAlnumRun(tok) && !(strings.ContainsAny(tok, "0123456789") && strings.IndexFunc(tok, isLetter) >= 0) {
			return tok + tail
		}
		return repl(tok) + tail
	})
}

// Shapes returns s with every registered secret, every value of known and
// everything that looks like a key replaced by Placeholder. Use it on text
// that may echo a secret of any kind (a command's stderr, a vendor's
// error) before it is kept or shown.
func Shapes(s string, known ...string) string {
	for _, k := range known {
		if len(k) >= 4 {
			s = strings.ReplaceAll(s, k, Placeholder)
		}
	}
	s = String(s)
	return ReplaceKeyLike(s, func(string) string { return Placeholder })
}

func isAlnumRun(s string) bool {
	for _, r := range s {
		if !isLetter(r) && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func isLetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }
