package fetch

import (
	"bytes"
	"context"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"testing"
)

// notModifiedTransport answers every request 304 with the ETag it was
// built with, in memory: the benchmark measures the store, not the
// loopback network.
type notModifiedTransport struct{ etag string }

func (t notModifiedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	code := http.StatusOK
	if req.Header.Get("If-None-Match") == t.etag {
		code = http.StatusNotModified
	}
	return &http.Response{StatusCode: code, Header: http.Header{"Etag": {t.etag}}, Body: io.NopCloser(bytes.NewReader(nil)), Request: req}, nil
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
// through the store, and the checksums that name the document (the memo
// key). Run it with
//
//	go test -run '^$' -bench Warm304 -benchmem ./providers/fetch/
func BenchmarkWarm304(b *testing.B) {
	castagnoli := crc32.MakeTable(crc32.Castagnoli)
	for _, size := range []int{16 << 10, 256 << 10} {
		b.Run("eager/"+strconv.Itoa(size>>10)+"KiB", func(b *testing.B) {
			f, c, url := warmStore(b, size)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				resp, err := f.GetCached(ctx, c, url, nil)
				if err != nil || !resp.NotModified {
					b.Fatalf("%v %+v", err, resp)
				}
				_, _ = crc32.ChecksumIEEE(resp.Body), crc32.Checksum(resp.Body, castagnoli)
			}
		})
	}
}
