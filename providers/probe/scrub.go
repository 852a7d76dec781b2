package probe

import (
	"strings"
	"unicode/utf8"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
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

// Scrub makes a vendor's text safe to keep and show: the key itself and
// anything key-like become fingerprints, credential-named JSON members are
// blanked, control characters go and the text is cut to max characters.
func Scrub(s, secret string, max int) string {
	// The key becomes a placeholder first, so the fingerprint put in its
	// place is not itself taken for a key by the patterns below.
	const placeholder = "\x00key\x00"
	if secret != "" {
		s = strings.ReplaceAll(s, secret, placeholder)
	}
	s = secretFields().ReplaceAllString(s, `$1"[redacted]"`)
	s = config.ReplaceKeyLike(s, fingerprintToken)
	if secret != "" {
		s = strings.ReplaceAll(s, placeholder, Fingerprint(secret))
	}
	s = termtext.Line(s)
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
