package config

import "github.com/vendorwatch/vendorwatch/internal/redact"

// ReplaceKeyLike replaces every key-like token in s with repl(token). The
// shapes live in internal/redact (redact.ReplaceKeyLike); this name stays
// for the callers that know it.
func ReplaceKeyLike(s string, repl func(token string) string) string {
	return redact.ReplaceKeyLike(s, repl)
}

// Redact returns s with every known secret (the registered ones and
// those given) and everything that looks like a key replaced by
// "[redacted]": redact.Shapes.
func Redact(s string, known ...string) string { return redact.Shapes(s, known...) }
