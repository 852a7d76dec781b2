package fetch

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

const (
	bodilessURL = "https://status.example.test/a/summary.json"
	keptURL     = "https://status.example.test/b/summary.json"
)

var keptDoc = bytes.Repeat([]byte(`{"name":"kept"},`), 256)

// bodilessStore is the state a first check leaves when its reader keeps
// the model of one document (Unneeded) and not of another: both were held
// until Settle and written together.
func bodilessStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	c := NewCache(dir, nil)
	c.Hold()
	for url, doc := range map[string][]byte{bodilessURL: lazyDoc, keptURL: keptDoc} {
		c.put(url, http.Header{}, &Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"d1"`}}, Body: doc, URL: url})
	}
	c.Unneeded(bodilessURL, DigestOf(lazyDoc))
	c.Unneeded(keptURL, DigestOf([]byte("another document"))) // not the stored one: kept
	c.Settle()
	return dir
}

// A first check writes the validators and Digest of a document its reader
// keeps the model of, not the document: the store's files hold the other
// document whole and none of this one. A later process answers a 304 for
// it from the Digest alone when the reader says the model is at hand,
// asks for it in full when the reader says it is not (or says nothing),
// and downloads it when a 304's body is needed after all.
func TestBodilessEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := bodilessStore(t)
	var files []byte
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() == IndexFile {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b...)
	}
	if bytes.Contains(files, lazyDoc) || !bytes.Contains(files, keptDoc) {
		t.Fatalf("the store's files (%d bytes) hold the unneeded document or lack the other", len(files))
	}

	client := func() (*Client, *atomic.Int64) {
		full := new(atomic.Int64)
		return New(Options{Transport: notModifiedTransport{etag: `"d1"`, body: lazyDoc, full: full}}), full
	}
	t.Run("known", func(t *testing.T) {
		t.Parallel()
		f, full := client()
		c := NewCache(bodilessStore(t), nil)
		var asked []string
		known := func(final string, d Digest) bool {
			asked = append(asked, final)
			return d == DigestOf(lazyDoc)
		}
		resp, err := f.GetCachedKnown(ctx, c, bodilessURL, nil, known)
		if err != nil || !resp.NotModified || resp.Body != nil || full.Load() != 0 {
			t.Fatalf("GetCachedKnown = %+v, %v, %d full requests; want a conditional request answered 304", resp, err, full.Load())
		}
		if len(asked) != 1 || asked[0] != bodilessURL {
			t.Errorf("known was asked about %v, want the document's URL once", asked)
		}
		if resp.Digest() != DigestOf(lazyDoc) || c.BodyReads() != 0 {
			t.Errorf("digest %+v, %d bodies read; want the document's digest from the entry alone", resp.Digest(), c.BodyReads())
		}
		// The reader was wrong: Load has nothing to read and downloads.
		loaded, err := resp.Load(ctx)
		if err != nil || loaded.NotModified || !bytes.Equal(loaded.Body, lazyDoc) || full.Load() != 1 {
			t.Fatalf("Load = %+v, %v, %d full requests; want the document downloaded", loaded, err, full.Load())
		}
	})
	for name, known := range map[string]func(string, Digest) bool{
		"unknown": func(string, Digest) bool { return false },
		"nil":     nil,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, full := client()
			c := NewCache(bodilessStore(t), nil)
			resp, err := f.GetCachedKnown(ctx, c, bodilessURL, nil, known)
			if err != nil || resp.NotModified || !bytes.Equal(resp.Body, lazyDoc) || full.Load() != 1 {
				t.Fatalf("GetCachedKnown = %+v, %v, %d full requests; want one request, in full", resp, err, full.Load())
			}
		})
	}
	t.Run("kept", func(t *testing.T) {
		t.Parallel()
		f := New(Options{Transport: notModifiedTransport{etag: `"d1"`}})
		c := NewCache(bodilessStore(t), nil)
		resp, err := f.GetCached(ctx, c, keptURL, nil)
		if err != nil || !resp.NotModified || !bytes.Equal(resp.Body, keptDoc) {
			t.Fatalf("GetCached = %+v, %v; want the stored document behind a 304", resp, err)
		}
	})
}
