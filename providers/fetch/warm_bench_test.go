package fetch

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
)

// notModifiedTransport serves one document with an ETag, in memory: a
// request that names the ETag gets a 304, any other the body. Benchmarks
// measure the store with it, not the loopback network; full counts the
// answers in full.
type notModifiedTransport struct {
	etag string
	body []byte
	full *atomic.Int64
}

func (t notModifiedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("If-None-Match") == t.etag {
		return &http.Response{StatusCode: http.StatusNotModified, Header: http.Header{"Etag": {t.etag}}, Body: io.NopCloser(bytes.NewReader(nil)), Request: req}, nil
	}
	if t.full != nil {
		t.full.Add(1)
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {t.etag}}, Body: io.NopCloser(bytes.NewReader(t.body)), Request: req}, nil
}

// warmStore is a store on disk holding one document of size bytes for
// url, as a cold run leaves it, and a client whose every answer is a 304
// confirming it.
func warmStore(b *testing.B, size int) (*Client, *Cache, string) {
	b.Helper()
	const url = "https://status.example.test/api/v2/summary.json"
	c := NewCache(b.TempDir(), nil)
	body := bytes.Repeat([]byte(`{"id":"x","name":"API","status":"operational"},`), size/47+1)[:size]
	c.put(url, http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"w1"`}}, Body: body, URL: url})
	f := New(Options{Transport: notModifiedTransport{etag: `"w1"`}})
	return f, c, url
}

// BenchmarkWarm304 is what a warm --once spends per status document that
// answers 304 before its parsed model is found: the conditional request
// through the store, and the digest that names the document (the memo
// key). "eager" reads the stored body and checksums it (GetCached, as
// every 304 did before GetCachedLazy); "lazy" names it from the stored
// header. Run it with
//
//	go test -run '^$' -bench Warm304 -benchmem ./providers/fetch/
func BenchmarkWarm304(b *testing.B) {
	for _, size := range []int{16 << 10, 256 << 10} {
		for _, mode := range []string{"eager", "lazy"} {
			b.Run(mode+"/"+strconv.Itoa(size>>10)+"KiB", func(b *testing.B) {
				f, c, url := warmStore(b, size)
				get := f.GetCached
				if mode == "lazy" {
					get = f.GetCachedLazy
				}
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					resp, err := get(ctx, c, url, nil)
					if err != nil || !resp.NotModified {
						b.Fatalf("%v %+v", err, resp)
					}
					_ = resp.Digest()
				}
			})
		}
	}
}

// BenchmarkHTTP1Connection is what one request on a new HTTP/1.1
// connection to a local server allocates in the client: through the
// client's transport ("client"), and through the same one with net/http's
// default buffers ("default"). Run it with
//
//	go test -run '^$' -bench HTTP1Connection -benchmem ./providers/fetch/
func BenchmarkHTTP1Connection(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"status":{"indicator":"none"}}`)
	}))
	defer srv.Close()
	for _, name := range []string{"default", "client"} {
		b.Run(name, func(b *testing.B) {
			tr := newTransport(8, 8, nil, nil)
			if name == "default" {
				tr.WriteBufferSize, tr.ReadBufferSize = 0, 0
			}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			b.ReportAllocs()
			for b.Loop() {
				resp, err := client.Get(srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				tr.CloseIdleConnections() // the next request dials anew
			}
		})
	}
}
