package fetch

import (
	"cmp"
	"context"
	"net/http"
)

// GetCached fetches a status document through the validator store c. When
// c holds it, the request is conditional (If-None-Match,
// If-Modified-Since) and a 304 that confirms the stored validators is
// answered with the stored body, marked NotModified. A 304 naming other
// validators is not trusted, nor a stored body that fails its checksums:
// the document is fetched again in full. A new 200 replaces the stored
// copy.
func (f *Client) GetCached(ctx context.Context, c *Cache, url string, header http.Header) (*Response, error) {
	resp, err := f.GetCachedLazy(ctx, c, url, header)
	if err != nil {
		return nil, err
	}
	return resp.Load(ctx)
}

// GetCachedLazy is GetCached without reading the stored body on a 304:
// the Response names the document (Digest) from the stored entry's header,
// whose length and checksums were verified when it was written, and its
// Body is nil until Load reads it. A caller that finds the document's
// parsed model by its Digest never reads the body at all. An entry held
// in memory (before Settle) is answered with its body, and one written
// before the store kept both checksums has its body read at once.
func (f *Client) GetCachedLazy(ctx context.Context, c *Cache, url string, header http.Header) (*Response, error) {
	return f.GetCachedKnown(ctx, c, url, header, nil)
}

// GetCachedKnown is GetCachedLazy for a caller that keeps what it read
// from documents (statusread's models) and has told the store so
// (Cache.Unneeded): the store then holds the document's validators and
// Digest without the document. Such an entry makes the request
// conditional only when known says the caller still has what the
// document read to, given the URL that answered it and its Digest; else
// the document is asked for in full, since a 304 could not be read. A
// caller that was wrong (known said yes, the model was not there after
// all) loses a round trip, not the document: Load downloads it.
func (f *Client) GetCachedKnown(ctx context.Context, c *Cache, url string, header http.Header, known func(final string, d Digest) bool) (*Response, error) {
	e := c.get(url)
	if e != nil && (e.Absent || e.Bodiless && (known == nil || !known(cmp.Or(e.FinalURL, url), e.digest()))) {
		e = nil
	}
	resp, err := f.Get(ctx, url, conditionalHeader(header, e))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotModified && e != nil {
		if e.confirms(resp.Header) {
			if stored := c.notModified(f, e, resp, header); stored != nil {
				return stored, nil
			}
		}
		c.forget(url)
		if resp, err = f.Get(ctx, url, header); err != nil {
			return nil, err
		}
	}
	c.keep(url, header, resp)
	return resp, nil
}

// conditionalHeader is a copy of header asking for the document only if
// it changed since the stored entry e (nil: unconditionally). Copying a
// header takes two map iterators: done here, they are not in the frame of
// GetCachedKnown, which thousands of goroutines hold while their requests
// wait.
func conditionalHeader(header http.Header, e *cacheEntry) http.Header {
	req := header.Clone()
	if req == nil {
		req = http.Header{}
	}
	if e != nil {
		e.conditional(req)
	}
	return req
}

// notModified answers a confirmed 304 from the stored entry e: with its
// body when it is in memory, with its Digest alone when the entry's header
// names it, or nil when the body is needed and cannot be read (the caller
// then downloads the document in full).
func (c *Cache) notModified(f *Client, e *cacheEntry, resp *Response, header http.Header) *Response {
	h := resp.Header.Clone()
	if e.ContentType != "" {
		h.Set("Content-Type", e.ContentType)
	}
	out := &Response{StatusCode: http.StatusOK, Header: h, Latency: resp.Latency, URL: resp.URL, NotModified: true}
	if c.dir != "" && e.body == nil && e.CRC32C != 0 {
		out.stored = &storedBody{client: f, cache: c, entry: e, header: header, digest: Digest{Len: e.Len, IEEE: e.CRC, Castagnoli: e.CRC32C}}
	} else if out.Body = c.body(e); out.Body == nil {
		return nil
	}
	c.touch(e.URL)
	return out
}

// keep records a full answer: a 200 is stored (or url forgotten when it
// may not be), a 404 or 410 forgets url.
func (c *Cache) keep(url string, header http.Header, resp *Response) {
	switch {
	case resp.StatusCode == http.StatusOK:
		c.put(url, header, resp)
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		c.forget(url)
	}
}
