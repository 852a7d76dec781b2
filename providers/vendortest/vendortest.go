// Package vendortest is a fake vendor API for the tests of the adapters:
// it answers key probes with the vendors' real error bodies (testdata/
// probes, provenance in its SOURCES.md) and keyless requests with a
// reachability answer, and it records what each probe sent. It also
// builds catalog vendors pointed at it, and checks that text holds no
// key. Only tests import it.
package vendortest

import (
	"context"
	"embed"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

//go:embed testdata/probes
var payloads embed.FS

// Payload is a recorded answer body from testdata/probes.
func Payload(name string) ([]byte, error) {
	return payloads.ReadFile(path.Join("testdata", "probes", name))
}

// Payloads lists the recorded answer bodies (not their SOURCES.md).
func Payloads() []string {
	ents, _ := fs.ReadDir(payloads, path.Join("testdata", "probes"))
	var names []string
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".md") {
			names = append(names, e.Name())
		}
	}
	return names
}

// Reply is one canned answer of the fake API.
type Reply struct {
	Status int
	File   string // under testdata/probes; {{KEY}} and {{ACCOUNT}} are filled in
	Header map[string]string
	Hang   bool // never answer (until the client gives up)
	// Reset drops the connection without an answer, as a vendor's edge
	// that resets it does (a TCP RST where the platform allows it).
	Reset bool
}

// API is a vendor API on loopback. Requests that carry a credential are
// probes and get the replies in order (the last one repeats); keyless
// ones are reachability checks and get Reach.
type API struct {
	t *testing.T
	// Key and Account fill {{KEY}} and {{ACCOUNT}} in the bodies.
	Key     string
	Account string
	// Reach answers requests without a credential (default: OpenAI's 401).
	Reach Reply

	mu      sync.Mutex
	replies []Reply
	probes  []*http.Request
}

// NewAPI starts a fake API answering probes with replies; it stops when
// the test ends.
func NewAPI(t *testing.T, key string, replies ...Reply) (*API, *httptest.Server) {
	t.Helper()
	f := &API{t: t, Key: key, replies: replies,
		Reach: Reply{Status: 401, File: "openai__401_invalid_api_key.json"}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// CarriesCredential reports whether r carries a key in any vendor's way.
func CarriesCredential(r *http.Request) bool {
	for _, h := range []string{"Authorization", "X-Api-Key", "Xi-Api-Key", "X-Goog-Api-Key"} {
		if r.Header.Get(h) != "" {
			return true
		}
	}
	return false
}

func (f *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	rep := f.Reach
	if CarriesCredential(r) {
		f.probes = append(f.probes, r.Clone(context.Background()))
		rep = f.replies[0]
		if len(f.replies) > 1 {
			f.replies = f.replies[1:]
		}
	}
	key, account := f.Key, f.Account
	f.mu.Unlock()
	if rep.Hang {
		<-r.Context().Done()
		return
	}
	if rep.Reset {
		reset(w)
		return
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	body := []byte("{}")
	if rep.File != "" {
		b, err := Payload(rep.File)
		if err != nil {
			f.t.Errorf("fixture: %v", err)
		}
		body = []byte(strings.NewReplacer("{{KEY}}", key, "{{ACCOUNT}}", account).Replace(string(b)))
	}
	if w.Header().Get("Content-Type") == "" && !strings.HasSuffix(rep.File, ".html") {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(rep.Status)
	w.Write(body)
}

// ProbeCount is how many requests carried a credential.
func (f *API) ProbeCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.probes)
}

// Probes are the requests that carried a credential, in order.
func (f *API) Probes() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.probes)
}

// CatalogVendor is a catalog vendor pointed at base, with one key: key,
// named prod and read from the variable VW_KEY unless it says otherwise.
func CatalogVendor(t *testing.T, id, base string, key config.Key) catalog.Vendor {
	t.Helper()
	e, ok := catalog.Builtin().Get(id)
	if !ok {
		t.Fatalf("no catalog entry %q", id)
	}
	if key.Name == "" {
		key.Name = "prod"
	}
	if key.Secret.IsZero() {
		key.Secret = config.SecretRef{Kind: config.SecretEnv, Value: "VW_KEY"}
	}
	return catalog.Vendor{ID: e.ID, Name: e.Name, API: catalog.APISpec{BaseURL: base, Reach: e.API.Reach},
		Probe: e.Probe, Keys: []config.Key{key}, AdminAPI: e.Admin}
}

// HangTimeout is the request timeout of tests whose fake vendor never
// answers; the others get a generous one, so a loaded machine (-race)
// does not turn an answer into a timeout.
const HangTimeout = 300 * time.Millisecond

// Env is a secret lookup over a fixed set of variables, for
// config.Resolver.LookupEnv.
func Env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

// AssertNoKey fails if blob holds the key or any 8 characters of the part
// its fingerprint hides.
func AssertNoKey(t *testing.T, where, blob, key, fingerprint string) {
	t.Helper()
	if strings.Contains(blob, key) {
		t.Fatalf("%s contains the key %s:\n%s", where, fingerprint, blob)
	}
	shown, _, _ := strings.Cut(fingerprint, "…")
	hidden := key[len(shown) : len(key)-4]
	for i := 0; i+8 <= len(hidden); i++ {
		if strings.Contains(blob, hidden[i:i+8]) {
			t.Fatalf("%s contains part of the key (%q):\n%s", where, hidden[i:i+8], blob)
		}
	}
}

// Site is a vendor's status host on loopback. Routes map a path (or a
// prefix ending in "*") to a file in the test's own testdata directory, or
// to a literal body when it starts with "<", "{" or "["; any other path
// gets Fallback (404 when empty, else that body, like the 200 HTML shell a
// single-page app serves for every path). It logs every request.
type Site struct {
	Routes   map[string]string
	Fallback string

	mu  sync.Mutex
	log []string
}

func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.log = append(s.log, r.URL.Path)
	routes := s.Routes
	s.mu.Unlock()
	body, ok := routes[r.URL.Path]
	if !ok {
		for k, v := range routes {
			if p, wild := strings.CutSuffix(k, "*"); wild && strings.HasPrefix(r.URL.Path, p) {
				body, ok = v, true
			}
		}
	}
	if !ok {
		if s.Fallback == "" {
			http.NotFound(w, r)
			return
		}
		body = s.Fallback
	}
	data := []byte(body)
	if !strings.HasPrefix(body, "<") && !strings.HasPrefix(body, "{") && !strings.HasPrefix(body, "[") {
		var err error
		if data, err = os.ReadFile(filepath.Join("testdata", body)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Write(data)
}

// Requests are the paths asked for, in order.
func (s *Site) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// Count is how many times path was asked for.
func (s *Site) Count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.log {
		if p == path {
			n++
		}
	}
	return n
}

// Serve starts s on loopback until the test ends and returns its URL.
func Serve(t *testing.T, s http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Reset forgets the requests logged so far.
func (s *Site) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// SetRoutes replaces the routes (the vendor moved its page) and forgets
// the requests logged so far.
func (s *Site) SetRoutes(routes map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Routes, s.log = routes, nil
}

// Page is a vendor's status page behind a CDN that honours validators: it
// answers 304 when If-None-Match (or, without it, If-Modified-Since)
// matches the current document. It records the headers of every request.
// Change its fields under Lock, or with Set.
type Page struct {
	sync.Mutex
	Body     []byte
	ETag     string // "" sends none
	Modified time.Time
	// BadETag, when set, is sent on every 304 instead of the real one: a
	// confused server.
	BadETag string
	// NoStore marks answers Cache-Control: no-store.
	NoStore bool
	seen    []http.Header
}

// Set serves file (from the test's testdata) with these validators.
func (p *Page) Set(file, etag string, modified time.Time) {
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		panic(err)
	}
	p.Lock()
	p.Body, p.ETag, p.Modified = body, etag, modified
	p.Unlock()
}

func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.Lock()
	defer p.Unlock()
	p.seen = append(p.seen, r.Header.Clone())
	if p.ETag != "" {
		w.Header().Set("ETag", p.ETag)
	}
	if !p.Modified.IsZero() {
		w.Header().Set("Last-Modified", p.Modified.UTC().Format(http.TimeFormat))
	}
	if p.NoStore {
		w.Header().Set("Cache-Control", "no-store")
	}
	fresh := false
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		fresh = p.ETag != "" && inm == p.ETag
	} else if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		fresh = err == nil && !p.Modified.IsZero() && !p.Modified.After(t)
	}
	if fresh {
		if p.BadETag != "" {
			w.Header().Set("ETag", p.BadETag)
		}
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(p.Body)
}

// Seen returns the headers of every request, in order.
func (p *Page) Seen() []http.Header {
	p.Lock()
	defer p.Unlock()
	return slices.Clone(p.seen)
}

// Last returns the headers of the latest request.
func (p *Page) Last() http.Header {
	p.Lock()
	defer p.Unlock()
	return p.seen[len(p.seen)-1]
}

// reset drops the request's connection with no answer: an RST where the
// connection is TCP, a plain close otherwise.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server drops the connection itself
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// Transport serves requests in the process with Handler, without
// sockets: a fake vendor for tests that run in a testing/synctest bubble,
// where a real connection's I/O would stall the bubble's fake clock.
// Handler may block until the request's context ends (a hang); one that
// panics with http.ErrAbortHandler is a connection reset (the client sees
// ECONNRESET, as from a real server). It reports a connection to the
// request's client trace, as the real transport does.
type Transport struct{ Handler http.Handler }

// RoundTrip serves req with t.Handler.
func (t Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if tr := httptrace.ContextClientTrace(req.Context()); tr != nil && tr.GotConn != nil {
		tr.GotConn(httptrace.GotConnInfo{})
	}
	rec := httptest.NewRecorder()
	aborted := make(chan bool, 1)
	go func() {
		defer func() {
			r := recover()
			if r != nil && r != http.ErrAbortHandler {
				panic(r)
			}
			aborted <- r != nil
		}()
		t.Handler.ServeHTTP(rec, req)
	}()
	select {
	case <-req.Context().Done():
		return nil, req.Context().Err()
	case reset := <-aborted:
		if reset {
			return nil, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
		}
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
