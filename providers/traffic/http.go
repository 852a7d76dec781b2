package traffic

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// roundTripper adds the bearer token and the configured headers to every
// request, and caps the answer's size.
type roundTripper struct {
	base    http.RoundTripper
	token   string
	headers map[string]string
	// origin is the configured URL's scheme and host: the only place the
	// token and headers go.
	origin string
}

// RoundTrip implements http.RoundTripper. The request is cloned, as the
// interface asks; the token lives only in the clone's header.
func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if req.URL.Scheme+"://"+req.URL.Host == rt.origin {
		for k, v := range rt.headers {
			req.Header.Set(k, v)
		}
		if rt.token != "" {
			req.Header.Set("Authorization", "Bearer "+rt.token)
		}
	}
	req.Header.Set("User-Agent", "vendorwatch")
	resp, err := rt.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{Reader: io.LimitReader(resp.Body, maxBody), Closer: resp.Body}
	return resp, nil
}

// sameOrigin is the redirect policy: a redirect may move within the
// configured origin (a path prefix that moved) and nowhere else, so the
// token never follows one to another host.
func sameOrigin(origin string) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("stopped after 3 redirects")
		}
		if req.URL.Scheme+"://"+req.URL.Host != origin {
			return fmt.Errorf("refused a redirect to another host (%s)", req.URL.Host)
		}
		return nil
	}
}

type limitedBody struct {
	io.Reader
	io.Closer
}
