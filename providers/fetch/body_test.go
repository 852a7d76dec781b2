package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// gzipped compresses data as a server would.
func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A body compressed in transit, streamed without a Content-Length (as
// status pages usually answer), comes out whole and decompressed, and
// the headers that described the compressed bytes are gone, as when the
// transport decompresses.
func TestFetchGzipWithoutLength(t *testing.T) {
	t.Parallel()
	doc := []byte(strings.Repeat(`{"name":"API","status":"operational"},`, 50000)) // 1.9 MB
	comp := gzipped(t, doc)
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.Header.Get("Accept-Encoding")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/json")
		for c := range slices.Chunk(comp, 4096) {
			w.Write(c)
			w.(http.Flusher).Flush() // chunked: no Content-Length
		}
	}))
	defer srv.Close()
	resp, err := New(Options{Timeout: 5 * time.Second}).Get(context.Background(), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if asked != "gzip" {
		t.Errorf("Accept-Encoding = %q, want gzip", asked)
	}
	if !bytes.Equal(resp.Body, doc) {
		t.Fatalf("body = %d bytes, want the %d decompressed", len(resp.Body), len(doc))
	}
	if resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Content-Length") != "" {
		t.Errorf("headers still describe the compressed body: %v", resp.Header)
	}
	if cap(resp.Body) > len(doc)+64<<10 { // a doubling buffer would hold 2.6 MB
		t.Errorf("a buffer of %d bytes for a body of %d: read through a doubling buffer", cap(resp.Body), len(doc))
	}
}

// A gzip trailer that understates the size costs a larger buffer, never a
// short body; a compressed body that grows over the cap is refused like
// any other.
func TestReadGzipTrailerAndCap(t *testing.T) {
	t.Parallel()
	doc := []byte(strings.Repeat("x", 100000))
	comp := gzipped(t, doc)
	lying := bytes.Clone(comp)
	binary.LittleEndian.PutUint32(lying[len(lying)-4:], 10)
	if _, err := readGzip(lying, 1<<20); err == nil {
		// gzip checks ISIZE itself: a lie is a corrupt body, not a short one.
		t.Fatal("a body whose trailer lies was read without error")
	}
	got, err := readGzip(comp, 1<<20)
	if err != nil || !bytes.Equal(got, doc) {
		t.Fatalf("readGzip = %d bytes, %v", len(got), err)
	}
	bomb := gzipped(t, make([]byte, 3<<20))
	if _, err := readGzip(bomb, 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a 3 MiB body under a 1 MiB cap: err = %v, want ErrTooLarge", err)
	}
}

// A caller that names its own Accept-Encoding gets the body as sent.
func TestFetchOwnAcceptEncoding(t *testing.T) {
	t.Parallel()
	comp := gzipped(t, []byte("hello"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(comp)
	}))
	defer srv.Close()
	resp, err := New(Options{}).Get(context.Background(), srv.URL, http.Header{"Accept-Encoding": {"gzip"}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resp.Body, comp) || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("body = %q, encoding %q: want the compressed bytes as sent", resp.Body, resp.Header.Get("Content-Encoding"))
	}
}

// Without a Content-Length a body is read in chunks and copied once into a
// buffer of its exact size.
func TestReadCappedUnknownLength(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 10, firstChunk - 1, firstChunk, firstChunk + 1, 3<<20 + 17} {
		doc := bytes.Repeat([]byte{'a'}, n)
		got, err := readCapped(bytes.NewReader(doc), -1, 4<<20)
		if err != nil || !bytes.Equal(got, doc) {
			t.Fatalf("%d bytes: got %d, %v", n, len(got), err)
		}
		if n > firstChunk && cap(got) != n {
			t.Errorf("%d bytes: buffer of %d", n, cap(got))
		}
	}
	if _, err := readCapped(bytes.NewReader(make([]byte, 5<<20)), -1, 4<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the cap: err = %v", err)
	}
}

// A 304 that names gzip but has no body is an empty answer, not a broken
// gzip stream, as when the transport decompresses.
func TestFetchEmptyGzipBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("ETag", `"a"`)
		w.WriteHeader(http.StatusNotModified)
	}))
	defer srv.Close()
	resp, err := New(Options{}).Get(context.Background(), srv.URL, http.Header{"If-None-Match": {`"a"`}})
	if err != nil || resp.StatusCode != http.StatusNotModified || len(resp.Body) != 0 {
		t.Fatalf("resp %+v, err %v: want an empty 304", resp, err)
	}
}
