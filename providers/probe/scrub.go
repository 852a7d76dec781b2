package probe

import (
	"strings"
	"unicode/utf8"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Lengths of text kept from a vendor's answer.
const (
	MaxMessage = 300 // a vendor's error message
	maxExcerpt = 200 // an unexpected body (DESIGN §3)
)

// secretFields matches JSON members whose names say they hold a credential
// (Twilio's Account resource returns "auth_token"), so that an excerpt of
// a body can never carry one.
var secretFields = lazyregexp.New(`(?i)("[a-z0-9_\-]*(?:token|secret|password|api_?key|credential)[a-z0-9_\-]*"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// Scrub makes a vendor's text safe to keep and show, in this order:
// the key itself becomes its fingerprint; credential-named JSON members
// are blanked; the redactor blanks every run of a registered secret
// (the key included), reading through escape sequences, invisible
// characters and encodings, so a key split by a zero-width space or
// ESC[0m is found before anything glues its pieces back together; the
// text is cleaned for a terminal; anything still key-like by its shape
// becomes a fingerprint; and only then is the text cut to max
// characters, so a cut never hides a key from the redactor.
func Scrub(s, secret string, max int) string {
	// The whole key becomes a marker first, so the fingerprint put in its
	// place later is not itself taken for a key by the shapes.
	const marker = "\uE000"
	if secret != "" {
		redact.Register(secret)
		s = strings.ReplaceAll(s, secret, marker)
	}
	s = secretFields().ReplaceAllString(s, `$1"[redacted]"`)
	s = redact.String(s)
	s = termtext.Line(s)
	s = redact.ReplaceKeyLike(s, fingerprintToken)
	if secret != "" {
		s = strings.ReplaceAll(s, marker, Fingerprint(secret))
	}
	return termtext.Clip(s, max)
}

// fingerprintToken replaces a key-like token with its fingerprint, leaving
// a bare vendor prefix (the start of an existing fingerprint) alone.
func fingerprintToken(tok string) string {
	if fp := Fingerprint(tok); fp != tok+"…" {
		return fp
	}
	return tok
}

// excerpt is the first bytes of a body that vendorwatch could not place,
// scrubbed: enough for a human to recognise it, never a key.
func excerpt(body []byte, secret string) string {
	if !utf8.Valid(body) {
		body = []byte(strings.ToValidUTF8(string(body), "?"))
	}
	// Scrub the whole body before cutting, so a key straddling the cut is
	// still recognised.
	return Scrub(string(body), secret, maxExcerpt)
}
