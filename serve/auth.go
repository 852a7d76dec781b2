package serve

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// bearer returns the credentials of an Authorization header that uses
// the Bearer scheme. The scheme is matched in any case (RFC 7235 §2.1:
// "bearer", "BEARER"), and spaces around the token are ignored.
func bearer(header string) (string, bool) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	return cred, cred != ""
}

// authorized reports whether r may read everything: no token is
// configured, or r carries it. The comparison takes the same time
// whatever the guess.
func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	got, ok := bearer(r.Header.Get("Authorization"))
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], s.token[:]) == 1 && ok
}

// auth lets a request through when it is authorized, and answers 401
// otherwise. The token is never logged or echoed.
func (s *Server) auth(next http.Handler) http.Handler {
	if s.opts.Token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vendorwatch"`)
			httpError(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// calendarAuth guards the maintenance calendar: the bearer token opens it,
// as it opens everything, and so does the calendar token named as
// ?token=, since calendar apps subscribe by URL and cannot send a header.
// The calendar token opens nothing else, and is compared in constant time.
func (s *Server) calendarAuth(next http.Handler) http.Handler {
	if s.opts.Token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.authorized(r) || s.calendarAuthorized(r) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="vendorwatch"`)
		httpError(w, http.StatusUnauthorized, "missing or wrong bearer token or calendar token")
	})
}

// calendarAuthorized reports whether r names the calendar token as
// ?token=.
func (s *Server) calendarAuthorized(r *http.Request) bool {
	if s.opts.CalendarToken == "" {
		return false
	}
	got := strings.TrimSpace(r.URL.Query().Get("token"))
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], s.calendarToken[:]) == 1 && got != ""
}
