// Package redact is vendorwatch's one redactor. Every secret the process
// resolves (API keys, admin keys, tokens, webhook URLs) is registered with
// it, and every string that leaves the process (terminal, JSON, database,
// state files, HTTP responses, notifications, clipboard, logs, errors)
// passes through String or Bytes first.
//
// It redacts by knowledge, not only by shape: any run of 8 or more
// characters of a registered secret is blanked, wherever it appears and
// however it is disguised. Before matching, the text is normalized the
// way a terminal or a decoder would read it: escape sequences, control,
// format and zero-width characters, soft hyphens and white space are
// dropped, and JSON escapes, %XX, HTML character references, base64 and
// hex runs are decoded. Each byte of the normalized text remembers the
// span of the original it came from, so what is blanked is the original
// span, the junk between the pieces of a key included. Only a vendor's
// public key prefix (sk-proj-, sk-ant-api03-, ...) is exempt, so a
// fingerprint such as sk-proj-…MxYA passes unchanged.
//
// The shape-based patterns (ReplaceKeyLike, Shapes) catch keys the
// process never resolved, in text a vendor wrote about a key.
package redact

import (
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// Placeholder is what a redacted secret becomes.
const Placeholder = "[redacted]"

// minRun is the shortest run of a known secret that is blanked.
const minRun = 8

// Redactor blanks the secrets registered with it. The zero value is not
// usable; New makes one. Its methods are safe for concurrent use:
// String reads an immutable index that Register replaces.
type Redactor struct {
	mu      sync.Mutex
	secrets map[string]struct{}
	idx     atomic.Pointer[index]
}

// New returns a Redactor that knows no secret.
func New() *Redactor { return &Redactor{secrets: map[string]struct{}{}} }

// std is the process's redactor, behind the package functions.
var std = New()

// Register adds secrets the process knows to the process's redactor.
// Values shorter than the shortest run that is matched are ignored. A
// secret that is an http(s) URL (a webhook) is registered by its secret
// parts: see RegisterURL.
func Register(secrets ...string) { std.Register(secrets...) }

// RegisterURL registers the secret parts of a URL with the process's
// redactor: see Redactor.RegisterURL.
func RegisterURL(raw string) { std.RegisterURL(raw) }

// String returns s with every run of 8 or more characters of a registered
// secret blanked.
func String(s string) string { return std.String(s) }

// Bytes is String for bytes; it returns b itself when nothing changed.
func Bytes(b []byte) []byte { return std.Bytes(b) }

// Active reports whether the process's redactor knows any secret: when it
// does not, String and Bytes return their input at once.
func Active() bool { return std.idx.Load() != nil }

// Register adds secrets. Registering a known secret again costs a map
// lookup, so callers may register on every use.
func (r *Redactor) Register(secrets ...string) {
	var add []string
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if len(s) < minRun {
			continue
		}
		if isURL(s) {
			add = append(add, urlSecrets(s)...)
			continue
		}
		add = append(add, s)
	}
	r.add(add)
}

// RegisterURL registers the parts of a URL that may be a credential: its
// user info, its query values and fragment, and the path segments that
// are not plain words (Slack's /services/T000/B000/XXXX: the three ids,
// not "services"). Its scheme and host are not secret, so an error that
// names the host stays readable. A value that is not a URL is registered
// whole.
func (r *Redactor) RegisterURL(raw string) {
	raw = strings.TrimSpace(raw)
	if !isURL(raw) {
		r.Register(raw)
		return
	}
	r.add(urlSecrets(raw))
}

func (r *Redactor) add(secrets []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if len(s) < minRun {
			continue
		}
		if _, ok := r.secrets[s]; !ok {
			r.secrets[s] = struct{}{}
			changed = true
		}
	}
	if changed {
		r.idx.Store(buildIndex(r.secrets))
	}
}

// String returns s with every run of 8 or more characters of a registered
// secret blanked, the junk between its pieces included.
func (r *Redactor) String(s string) string {
	ix := r.idx.Load()
	if ix == nil || len(s) < minRun {
		return s
	}
	out, changed := ix.redact([]byte(s))
	if !changed {
		return s
	}
	return string(out)
}

// Bytes is String for bytes; it returns b itself when nothing changed.
func (r *Redactor) Bytes(b []byte) []byte {
	ix := r.idx.Load()
	if ix == nil || len(b) < minRun {
		return b
	}
	out, _ := ix.redact(b)
	return out
}

// maxRounds bounds how often a text is redacted again. Blanking a span
// can change how the rest is read: a blanked escape introducer no longer
// hides the text after it, which may join another piece of a key. So the
// result is read again until nothing is found; a text that still shows a
// secret after maxRounds is replaced whole.
const maxRounds = 8

func (ix *index) redact(b []byte) ([]byte, bool) {
	out := b
	for round := 0; ; round++ {
		spans := ix.find(out)
		if len(spans) == 0 {
			return out, round > 0
		}
		if round == maxRounds {
			return []byte(Placeholder), true
		}
		out = blank(out, spans)
	}
}

// blank returns b with each span (sorted, not overlapping) replaced by
// Placeholder.
func blank(b []byte, spans []span) []byte {
	out := make([]byte, 0, len(b)+len(spans)*len(Placeholder))
	at := 0
	for _, s := range spans {
		out = append(out, b[at:s.lo]...)
		out = append(out, Placeholder...)
		at = s.hi
	}
	return append(out, b[at:]...)
}

func isURL(s string) bool {
	return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && !strings.ContainsAny(s, " \t")
}

// urlSecrets are the parts of a URL that may be a credential.
func urlSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return []string{raw}
	}
	var out []string
	keep := func(vs ...string) {
		for _, v := range vs {
			if len(v) >= minRun {
				out = append(out, v)
			}
		}
	}
	if u.User != nil {
		p, ok := u.User.Password()
		keep(u.User.Username())
		if ok {
			keep(p)
		}
	}
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if secretSegment(seg) {
			dec, _ := url.PathUnescape(seg)
			keep(seg, dec)
		}
	}
	for _, vs := range u.Query() {
		keep(vs...)
	}
	keep(u.RawQuery, u.Fragment)
	return out
}

// secretSegment reports whether a URL path segment may be a credential:
// long enough to be matched and not a plain lower-case word such as
// "services" or "incoming-webhook".
func secretSegment(seg string) bool {
	if len(seg) < minRun {
		return false
	}
	if len(seg) >= 24 {
		return true
	}
	for i := 0; i < len(seg); i++ {
		if c := seg[i]; (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '%' {
			return true
		}
	}
	return false
}
