package fetch

import (
	"context"
	"net/http"
)

// GetCached fetches a status document through the validator store c. When
// c holds it, the request
// is conditional (If-None-Match, If-Modified-Since) and a 304 that confirms
// the stored validators is answered with the stored body, marked
// NotModified. A 304 naming other validators is not trusted: the document
// is fetched again in full. A new 200 replaces the stored copy.
func (f *Client) GetCached(ctx context.Context, c *Cache, url string, header http.Header) (*Response, error) {
	e := c.get(url)
	if e != nil && e.Absent {
		e = nil
	}
	req := header.Clone()
	if req == nil {
		req = http.Header{}
	}
	if e != nil {
		e.conditional(req)
	}
	resp, err := f.Get(ctx, url, req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotModified && e != nil {
		if body := c.body(e); body != nil && e.confirms(resp.Header) {
			c.touch(url)
			h := resp.Header.Clone()
			if e.ContentType != "" {
				h.Set("Content-Type", e.ContentType)
			}
			return &Response{StatusCode: http.StatusOK, Header: h, Body: body, Latency: resp.Latency, URL: resp.URL, NotModified: true}, nil
		}
		c.forget(url)
		if resp, err = f.Get(ctx, url, header); err != nil {
			return nil, err
		}
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		c.put(url, header, resp)
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		c.forget(url)
	}
	return resp, nil
}
