package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// poster sends one JSON body to an HTTP receiver: the part every
// HTTP notifier shares. Its URL and its secrets (a routing key, a
// token) may be credentials: none of them appears in an error.
type poster struct {
	// what names the receiver in errors ("the webhook", "PagerDuty").
	what string
	url  string
	// secrets are removed from a receiver's answer besides the URL.
	secrets []string
	header  http.Header
	timeout time.Duration
	client  *http.Client
	agent   string
}

// post sends body and reads the answer. A non-2xx answer is an error
// naming the status and a cleaned excerpt of the answer.
func (p poster) post(ctx context.Context, body []byte) error {
	timeout := p.timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("the %s URL is not valid", strings.TrimPrefix(p.what, "the "))
	}
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range p.header {
		req.Header[k] = vs
	}
	if p.agent != "" {
		req.Header.Set("User-Agent", p.agent)
	}
	c := p.client
	if c == nil {
		c = noRedirects
	}
	resp, err := c.Do(req)
	if err != nil {
		return p.hideURL(err)
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := fmt.Sprintf("%s answered HTTP %d", p.what, resp.StatusCode)
		if s := p.redact(termtext.Line(redact.String(string(excerpt)))); s != "" {
			msg += ": " + termtext.Clip(s, 120)
		}
		return errors.New(msg)
	}
	return nil
}

// redact removes the URL, its path and query, and the poster's secrets
// from a receiver's answer, which may echo them.
func (p poster) redact(s string) string {
	parts := []string{p.url}
	if u, err := url.Parse(p.url); err == nil {
		parts = append(parts, u.RequestURI(), u.EscapedPath(), u.Path, u.RawQuery)
	}
	for _, part := range parts {
		if len(part) > 1 {
			s = strings.ReplaceAll(s, part, "[webhook url]")
		}
	}
	for _, sec := range p.secrets {
		if len(sec) > 1 {
			s = strings.ReplaceAll(s, sec, "[secret]")
		}
	}
	return s
}

// hideURL drops the request URL from a client error: net/http puts it
// in *url.Error, and a webhook URL can be a credential.
func (p poster) hideURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("%s did not answer in time", p.what)
		}
		return fmt.Errorf("posting to %s: %w", p.what, ue.Err)
	}
	return err
}
