package statuspage

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrWrongFormat is wrapped by every error that says a body is not the
// format its reader expected: an HTML page where JSON was due, an empty
// body, JSON of another shape. Such a source is unknown, never an outage.
var ErrWrongFormat = errors.New("not the expected format")

// wrongFormat builds an ErrWrongFormat error that says what the body looks
// like, so a human can tell a moved page from a broken one.
func wrongFormat(want string, data []byte) error {
	return fmt.Errorf("%w: want %s, got %s", ErrWrongFormat, want, describe(data))
}

// describe names what a body appears to be, in a few words.
func describe(data []byte) string {
	b := bytes.TrimSpace(data)
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	switch {
	case len(b) == 0:
		return "an empty body"
	case looksHTML(b):
		return "an HTML page"
	case looksXML(b):
		return "an XML document"
	case b[0] == '{' || b[0] == '[':
		return "JSON of another shape"
	}
	return fmt.Sprintf("%d bytes of unrecognised text", len(data))
}

func looksHTML(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 512)])
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html")) ||
		bytes.HasPrefix(head, []byte("<head")) || bytes.HasPrefix(head, []byte("<body"))
}

func looksXML(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 512)])
	return bytes.HasPrefix(head, []byte("<?xml")) || bytes.Contains(head, []byte("<rss")) ||
		bytes.Contains(head, []byte("<feed"))
}
