package statuspage

import (
	"bytes"
	"errors"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// ErrLoginRequired is wrapped by the error of a source that answered with
// a login wall instead of its status: a private Statuspage page
// ("Authentication Required To View This Page", whose <body> still
// carries a status-* class), a page only its team may view, or the
// sign-in page of a single sign-on provider the page redirected to. Such
// a source is unknown, never an outage. It also matches ErrWrongFormat.
var ErrLoginRequired = errors.New("the page requires a login")

// loginError is a login wall, with what showed it.
type loginError struct{ what string }

func (e loginError) Error() string {
	return ErrLoginRequired.Error() + " (" + e.what + "); its status cannot be read without one"
}

// Is makes a login wall both ErrLoginRequired and ErrWrongFormat.
func (e loginError) Is(target error) bool {
	return target == ErrLoginRequired || target == ErrWrongFormat
}

// wallMarks are what a login wall says, whatever else the page holds.
var wallMarks = []struct{ mark, what string }{
	{"Authentication Required To View This Page", `it says "Authentication Required To View This Page"`},
	{"status-authenticate", `it shows Statuspage's sign-in form`},
	{"can only be viewed by team members", "it is inactive and only its team members can view it"},
	{"This page is private", `it says "This page is private"`},
	{"This page is password protected", `it says "This page is password protected"`},
}

var (
	// passwordInput is a form's password field.
	passwordInput = lazyregexp.New(`(?i)<input[^>]*\btype\s*=\s*["']?password\b`)
	// signInTitle is a page title that names a sign-in.
	signInTitle = lazyregexp.New(`(?is)<title[^>]*>([^<]{0,200}\b(?:sign[ -]?in|log[ -]?in|login|single sign[ -]on|authenticat\w*)\b[^<]{0,200})</title>`)
	// ssoForm is the mark of an identity provider's page.
	ssoForm = lazyregexp.New(`(?i)okta-sign-in|name=["']?SAMLRequest|login\.microsoftonline\.com|accounts\.google\.com/(?:ServiceLogin|signin)|auth0-lock`)
)

// LoginWall reports whether an HTML page is a login wall instead of a
// status page, and the error that says so (it wraps ErrLoginRequired). A page that shows status
// content (components) is a wall only by the words of a wall; a
// password field, a sign-in title or an identity provider's form decide
// only on a page without any.
func LoginWall(data []byte) error {
	if !looksHTML(bytes.TrimSpace(data)) {
		return nil
	}
	for _, w := range wallMarks {
		if bytes.Contains(data, []byte(w.mark)) {
			return loginError{w.what}
		}
	}
	if bytes.Contains(data, []byte("data-component-status")) {
		return nil
	}
	if m := signInTitle().FindSubmatch(data); m != nil {
		return loginError{"it is a sign-in page: " + quoteLine(string(m[1]))}
	}
	if ssoForm().Match(data) {
		return loginError{"it is a single sign-on page"}
	}
	if passwordInput().Match(data) {
		return loginError{"it asks for a password"}
	}
	return nil
}

// quoteLine quotes remote text for an error, cleaned and clipped.
func quoteLine(s string) string {
	s = termtext.Line(HTMLText(s))
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return `"` + s + `"`
}
