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

// mayHoldKeyLike reports whether keyLike could match in s, without
// running it: every match is 11 bytes or more and holds one of the
// prefixes (all of sk-, rk_, pk-… end in "k-" or "k_"), whitespace after a
// credential word, the four hyphens of a UUID, or a run of 32 letters and
// digits. Most of what passes through here (a config's ids, names and
// URLs) holds none, and the expression costs a microsecond or more a
// string: at 5,000 vendors a tenth of reading the config.
func mayHoldKeyLike(s string) bool {
	if len(s) < 11 {
		return false
	}
	hyphens, run, letters := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			if run++; run >= 32 {
				return true
			}
			if c >= '0' && c <= '9' {
				letters = 0
			} else {
				letters++
			}
			continue
		}
		run = 0
		if c >= 0x80 {
			// Perhaps part of a letter that folds to an ASCII one, as the
			// Kelvin sign does to k: the credential words match in any
			// case.
			letters++
			continue
		}
		switch c {
		case '-':
			hyphens++
		case ' ', '\t', '\n', '\v', '\f', '\r':
			if credentialWordBefore(s[i-letters : i]) {
				return true // perhaps "Bearer <credential>"
			}
		}
		letters = 0
	}
	if hyphens >= 4 {
		return true
	}
	for _, p := range [...]string{"k-", "k_", "AIza", "gsk_", "lsv2_", "xai-"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// credentialWordBefore reports whether word, the letters before some
// whitespace, is one of keyLike's credential words, in any case. A word
// glued to what is before it passes too: the expression's word boundary
// is left to the expression.
func credentialWordBefore(word string) bool {
	for i := 0; i < len(word); i++ {
		if word[i] >= 0x80 {
			return true // left to the expression, which folds Unicode
		}
	}
	for _, w := range [...]string{"bearer", "token", "basic"} {
		if len(word) >= len(w) && strings.EqualFold(word[len(word)-len(w):], w) {
			return true
		}
	}
	return false
}

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
	if !mayHoldKeyLike(s) {
		return s
	}
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
