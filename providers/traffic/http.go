package traffic

import (
	"io"
	"net/http"
)

// roundTripper adds the bearer token and the configured headers to every
// request, and caps the answer's size.
type roundTripper struct {
	base    http.RoundTripper
	token   string
	headers map[string]string
}

// RoundTrip implements http.RoundTripper. The request is cloned, as the
// interface asks; the token lives only in the clone's header.
func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range rt.headers {
		req.Header.Set(k, v)
	}
	if rt.token != "" {
		req.Header.Set("Authorization", "Bearer "+rt.token)
	}
	req.Header.Set("User-Agent", "vendorwatch")
	resp, err := rt.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{Reader: io.LimitReader(resp.Body, maxBody), Closer: resp.Body}
	return resp, nil
}

type limitedBody struct {
	io.Reader
	io.Closer
}
