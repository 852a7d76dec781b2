package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"strconv"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// SilenceRequest is the body of POST /api/v1/silences: what to match,
// why, who asks, and for how long. The server stamps the start with its
// own clock.
type SilenceRequest struct {
	Vendor  string         `json:"vendor"`
	Kind    correlate.Kind `json:"kind,omitempty"`
	Key     string         `json:"key,omitempty"`
	Comment string         `json:"comment"`
	By      string         `json:"by"`
	// For is the duration in Go's notation ("2h0m0s"), as
	// time.Duration.String writes it.
	For string `json:"for"`
}

// AddSilence asks the server to add a silence, and returns it as stored.
func (c *Client) AddSilence(ctx context.Context, r SilenceRequest, d time.Duration) (correlate.Silence, error) {
	r.For = d.String()
	body, err := json.Marshal(r)
	if err != nil {
		return correlate.Silence{}, fmt.Errorf("remote %s: encoding the silence: %w", c.addr, err)
	}
	got, err := c.do(ctx, http.MethodPost, "/api/v1/silences", nil, body)
	if err != nil {
		return correlate.Silence{}, err
	}
	return c.silence(got)
}

// Silences are the server's active silences, or with all every one it
// keeps, newest first.
func (c *Client) Silences(ctx context.Context, all bool) ([]correlate.Silence, error) {
	var q url.Values
	if all {
		q = url.Values{"all": {"1"}}
	}
	body, err := c.get(ctx, "/api/v1/silences", q)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Silences []correlate.Silence `json:"silences"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("remote %s: the silences are not JSON: %w", c.addr, cleanErr{err})
	}
	cleanStrings(&doc)
	return doc.Silences, nil
}

// ExpireSilence asks the server to end the silence id now.
func (c *Client) ExpireSilence(ctx context.Context, id int64) (correlate.Silence, error) {
	got, err := c.do(ctx, http.MethodDelete, "/api/v1/silences/"+strconv.FormatInt(id, 10), nil, nil)
	if err != nil {
		return correlate.Silence{}, err
	}
	return c.silence(got)
}

func (c *Client) silence(body []byte) (correlate.Silence, error) {
	var s correlate.Silence
	if err := json.Unmarshal(body, &s); err != nil {
		return correlate.Silence{}, fmt.Errorf("remote %s: the silence is not JSON: %w", c.addr, cleanErr{err})
	}
	cleanStrings(&s)
	return s, nil
}

// Silence asks the server to silence f for d ('a' in the dashboard
// over --remote): its first vendor, its kind, and its key when it is
// about exactly one.
func (b *Backend) Silence(ctx context.Context, f correlate.Finding, d time.Duration) (correlate.Silence, error) {
	if len(f.Vendors) == 0 {
		return correlate.Silence{}, fmt.Errorf("only a finding about a vendor can be silenced")
	}
	r := SilenceRequest{Vendor: f.Vendors[0], Kind: f.Kind, Comment: "silenced from the dashboard", By: who()}
	if len(f.Keys) == 1 {
		r.Key = f.Keys[0]
	}
	return b.c.AddSilence(ctx, r, d)
}

// who is the OS user a silence is added by.
func who() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}
