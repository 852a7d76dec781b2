// Package remote is the client of a vendorwatch serve: its latest report,
// incident report and timeline over the API, every text cleaned before it
// reaches a terminal, and the dashboard backend that polls it. Nothing
// here contacts a vendor or holds a key.
package remote

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/internal/loopback"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/output"
)

// EnvToken names the environment variable holding the bearer token that
// --remote sends to a `vendorwatch serve` protected with serve.token.
const EnvToken = "VENDORWATCH_TOKEN"

// EnvCAFile names the environment variable holding a PEM file of the
// certificates --remote trusts for an https server, besides the system's
// roots: the private CA (or the self-signed certificate) of serve.tls.
const EnvCAFile = "VENDORWATCH_CA_FILE"

// UnixPrefix starts a --remote that is a unix socket:
// unix:/run/vendorwatch/vendorwatch.sock.
const UnixPrefix = "unix:"

// maxCABytes caps the CA file.
const maxCABytes = 1 << 20

// remoteTimeout bounds one request to the server when --timeout is not
// given.
const DefaultTimeout = 10 * time.Second

// maxRemoteBody caps what the server may send: a snapshot of the whole
// directory of vendors with their incidents stays far below it.
const maxRemoteBody = 32 << 20

// fetchRemoteReport reads the latest report of the vendorwatch serve at
// base (http(s)://host:port, optionally with a path prefix) with an
// optional bearer token. It is the whole client of --remote --once and the
// building block of other remote modes: nothing is polled and no key is
// resolved locally.
func FetchReport(ctx context.Context, base, token string) (correlate.Report, error) {
	c, err := New(base, token, DefaultTimeout)
	if err != nil {
		return correlate.Report{}, err
	}
	return c.Report(ctx)
}

// Client reads a vendorwatch serve instance's API.
type Client struct {
	base    *url.URL
	addr    string // what messages call the server
	token   string
	timeout time.Duration
	http    *http.Client
}

// New checks the server's address: http(s)://host:port (optionally with
// a path prefix), or unix:/absolute/path for a server on a unix socket.
// An https server's certificate is checked against the system's roots
// and the certificates in $VENDORWATCH_CA_FILE. The token is only ever
// sent over HTTPS, a unix socket, or plain HTTP to loopback, like a key.
func New(base, token string, timeout time.Duration) (*Client, error) {
	return newClient(base, token, timeout, os.Getenv(EnvCAFile))
}

func newClient(base, token string, timeout time.Duration, caFile string) (*Client, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	c := &Client{token: token, timeout: timeout, http: &http.Client{
		Transport: tr,
		// A redirect could carry the token elsewhere: none is followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	base = strings.TrimSpace(base)
	if path, ok := strings.CutPrefix(base, UnixPrefix); ok {
		if !filepath.IsAbs(path) {
			return nil, fmt.Errorf("--remote %q: want an absolute socket path, such as unix:/run/vendorwatch/vendorwatch.sock", termtext.Clip(termtext.Line(base), 80))
		}
		path = filepath.Clean(path)
		tr.Proxy = nil
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		}
		c.base, c.addr = &url.URL{Scheme: "http", Host: "localhost"}, UnixPrefix+path
		return c, nil
	}
	u, err := url.Parse(base)
	if err == nil && u.User != nil {
		return nil, fmt.Errorf("--remote %s: credentials in the URL are not used; give the token in $%s", u.Redacted(), EnvToken)
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--remote %q: want the server's address, such as https://vendorwatch.internal:9321 or unix:/run/vendorwatch/vendorwatch.sock", termtext.Clip(termtext.Line(base), 80))
	}
	if token != "" && u.Scheme == "http" && !loopback.Host(u.Hostname()) {
		return nil, fmt.Errorf("--remote %s: refusing to send $%s over plain HTTP to another host; use https://", u.Redacted(), EnvToken)
	}
	if u.Scheme == "https" && caFile != "" {
		roots, err := trustedRoots(caFile)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(u.Path, "/")
	c.base, c.addr = u, u.Redacted()
	return c, nil
}

// trustedRoots is the system's roots and the certificates in file.
func trustedRoots(file string) (*x509.CertPool, error) {
	fail := func(reason string) (*x509.CertPool, error) {
		return nil, fmt.Errorf("$%s %s: %s", EnvCAFile, file, reason)
	}
	f, err := os.Open(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fail("no such file")
		}
		return fail("cannot open the file")
	}
	defer f.Close()
	pem, err := io.ReadAll(io.LimitReader(f, maxCABytes+1))
	if err != nil || len(pem) > maxCABytes {
		return fail("cannot read it as a PEM file")
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return fail("holds no PEM certificate")
	}
	return roots, nil
}

// Address is the server's address, any credentials in it redacted.
func (c *Client) Address() string { return c.addr }

// get fetches one endpoint and returns its body.
func (c *Client) get(ctx context.Context, path string, q url.Values) ([]byte, error) {
	return c.do(ctx, http.MethodGet, path, q, nil)
}

// do sends one request, with body as JSON when not nil, and returns the
// answer's body.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("remote %s: %w", c.addr, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept", "application/json, text/markdown")
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			return nil, fmt.Errorf("remote %s did not answer within %s", c.addr, c.timeout)
		}
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("remote %s: %w", c.addr, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxRemoteBody+1))
	if err != nil {
		return nil, fmt.Errorf("remote %s: reading %s: %w", c.addr, path, err)
	}
	if len(body) > maxRemoteBody {
		return nil, fmt.Errorf("remote %s: %s is larger than %d MiB", c.addr, path, maxRemoteBody>>20)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized && c.token == "":
		return nil, fmt.Errorf("remote %s wants a token: set %s", c.addr, EnvToken)
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, fmt.Errorf("remote %s rejected the token in %s", c.addr, EnvToken)
	case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated:
		msg := "HTTP " + strconv.Itoa(resp.StatusCode)
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			msg += ": " + termtext.Clip(termtext.Line(e.Error), 200)
		}
		return nil, fmt.Errorf("remote %s%s: %s", c.addr, path, msg)
	}
	return body, nil
}

// Report is the server's latest report, with every text cleaned for the
// terminal.
func (c *Client) Report(ctx context.Context) (correlate.Report, error) {
	body, err := c.get(ctx, "/api/v1/snapshot", nil)
	if err != nil {
		return correlate.Report{}, err
	}
	rep, err := output.ReadJSON(strings.NewReader(string(body)))
	if err != nil {
		return correlate.Report{}, fmt.Errorf("remote %s: %w", c.addr, cleanErr{err})
	}
	cleanStrings(&rep)
	return rep, nil
}

// IncidentReport is the server's incident report over [from, to) in
// markdown or json; a zero to is the server's now. Times go as RFC 3339,
// so the server's time zone does not matter. Markdown comes back with control characters removed; JSON
// is re-encoded from what was read.
func (c *Client) IncidentReport(ctx context.Context, from, to time.Time, vendors []string, format string) ([]byte, error) {
	q := url.Values{"since": {from.UTC().Format(time.RFC3339Nano)}, "format": {format}}
	if !to.IsZero() {
		q.Set("until", to.UTC().Format(time.RFC3339Nano))
	}
	if len(vendors) > 0 {
		q.Set("vendor", strings.Join(vendors, ","))
	}
	body, err := c.get(ctx, "/api/v1/report", q)
	if err != nil {
		return nil, err
	}
	if format != "json" {
		return []byte(termtext.Strip(string(body))), nil
	}
	var rep output.IncidentReport
	if err := json.Unmarshal(body, &rep); err != nil {
		return nil, fmt.Errorf("remote %s: the report is not JSON: %w", c.addr, cleanErr{err})
	}
	cleanStrings(&rep)
	var sb strings.Builder
	if err := output.WriteIncidentJSON(&sb, rep); err != nil {
		return nil, err
	}
	return []byte(sb.String()), nil
}

// Timeline is the server's newest events about vendor ("" for all),
// oldest first.
func (c *Client) Timeline(ctx context.Context, vendor string, limit int) ([]correlate.Event, error) {
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if vendor != "" {
		q.Set("vendor", vendor)
	}
	body, err := c.get(ctx, "/api/v1/timeline", q)
	if err != nil {
		return nil, err
	}
	var tl struct {
		Events []correlate.Event `json:"events"`
	}
	if err := json.Unmarshal(body, &tl); err != nil {
		return nil, fmt.Errorf("remote %s: the timeline is not JSON: %w", c.addr, cleanErr{err})
	}
	cleanStrings(&tl)
	return tl.Events, nil
}

// Token is the token --remote sends, from $VENDORWATCH_TOKEN. It is a
// secret like a key: it is registered with the redactor, so no output of
// this process shows it.
func Token() string {
	t := strings.TrimSpace(os.Getenv(EnvToken))
	redact.Register(t)
	return t
}

// cleanErr is an error that quotes what the server sent (a decoder's
// error names the bytes it choked on): its text is cleaned and cut for the
// terminal it is printed on, and errors.Is and As still see through it.
type cleanErr struct{ err error }

func (e cleanErr) Error() string { return termtext.Clip(termtext.Line(e.err.Error()), 200) }
func (e cleanErr) Unwrap() error { return e.err }

// cleanStrings strips escape sequences and control characters (but not
// newlines) from every exported string in v, a pointer: the server is
// another machine, and what it says reaches a terminal.
func cleanStrings(v any) {
	cleanValue(reflect.ValueOf(v))
}

func cleanValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			cleanValue(v.Elem())
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(termtext.Strip(v.String()))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				cleanValue(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			cleanValue(v.Index(i))
		}
	}
}

// Narrow keeps only the vendors in only (and findings about them or
// about no vendor) and recomputes the overall level: --only over
// --remote. It is correlate.Narrow.
func Narrow(rep correlate.Report, only []string) correlate.Report {
	return correlate.Narrow(rep, only)
}

// SaveReport copies the server's latest report to path, atomically, for
// the tmux widget. The token comes from the environment, as for every
// --remote mode; nothing is polled and no key is resolved here.
func SaveReport(ctx context.Context, base, path string) error {
	rep, err := FetchReport(ctx, base, Token())
	if err != nil {
		return err
	}
	var buf strings.Builder
	if err := output.WriteJSON(&buf, rep); err != nil {
		return err
	}
	return atomicfile.Write(path, atomicfile.Options{}, []byte(buf.String()))
}
