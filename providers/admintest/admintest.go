// Package admintest fakes the admin APIs vendorwatch reads, for tests and
// the demo: OpenAI's Admin API (projects, project keys, service accounts,
// admin keys, the audit log) with its key probe, Anthropic's key list, and
// VAPI's call records with its key probe. Payloads follow the vendors'
// published shapes (openai/openai-openapi openapi.yaml, Anthropic's Admin
// API reference, VapiAI/docs openapi.json); the values are invented.
package admintest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Request is one request the fake answered, without its headers.
type Request struct {
	Method, Path string
	Query        url.Values
	// Auth is true when the request carried the expected admin key.
	Auth bool
}

// base holds what every fake shares: a lock, the request log, rate
// limiting and page size.
type base struct {
	mu       sync.Mutex
	requests []Request
	// PageSize caps a page below the client's limit, forcing pagination.
	PageSize int
	// Throttle answers this many admin requests with 429 first.
	Throttle int
	// RetryAfter is the Retry-After of those 429s.
	RetryAfter string
	// Fail answers every request whose path is a key with that status
	// and the vendor's server error body (an admin list failing).
	Fail map[string]int
	// uses counts the requests that carried each credential.
	uses map[string]int
}

// Uses is how many requests carried secret (as a bearer token or an
// x-api-key), whatever they asked for: a canary that is never probed has
// none.
func (b *base) Uses(secret string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.uses[secret]
}

// failing answers r with its path's status from Fail, if any.
func (b *base) failing(w http.ResponseWriter, r *http.Request) bool {
	status, ok := b.Fail[r.URL.Path]
	if !ok {
		return false
	}
	writeJSON(w, status, errorBody("The server had an error while processing your request. Sorry about that!", "server_error", ""))
	return true
}

// Requests returns the requests answered so far.
func (b *base) Requests() []Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.requests)
}

func (b *base) log(r *http.Request, auth bool) {
	b.requests = append(b.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Auth: auth})
	if b.uses == nil {
		b.uses = map[string]int{}
	}
	for _, cred := range []string{strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), r.Header.Get("x-api-key")} {
		if cred != "" {
			b.uses[cred]++
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// page cuts items after the cursor, at most limit (and PageSize) long, into
// the list envelope both OpenAI and Anthropic use.
func (b *base) page(items []map[string]any, q url.Values, cursor string) map[string]any {
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 20
	}
	if b.PageSize > 0 && b.PageSize < limit {
		limit = b.PageSize
	}
	start := 0
	if after := q.Get(cursor); after != "" {
		for i, it := range items {
			if it["id"] == after {
				start = i + 1
			}
		}
	}
	end := min(start+limit, len(items))
	data := []map[string]any{}
	if start < end {
		data = items[start:end]
	}
	env := map[string]any{"object": "list", "data": data, "has_more": end < len(items), "first_id": nil, "last_id": nil}
	if len(data) > 0 {
		env["first_id"], env["last_id"] = data[0]["id"], data[len(data)-1]["id"]
	}
	return env
}

// throttled answers a 429 when throttling is due.
func (b *base) throttled(w http.ResponseWriter, body any) bool {
	if b.Throttle <= 0 {
		return false
	}
	b.Throttle--
	if b.RetryAfter != "" {
		w.Header().Set("Retry-After", b.RetryAfter)
	}
	writeJSON(w, http.StatusTooManyRequests, body)
	return true
}

// Key is one API key in a fake's list.
type Key struct {
	ID, Name string
	// Secret is the whole key: the fake derives the vendor's mask from it,
	// and its probe accepts it while the key is listed and Valid.
	Secret string
	// Project is the OpenAI project id or the Anthropic workspace id.
	Project string
	// Owner is a user e-mail, or a service account id when OwnerType is
	// service_account.
	Owner, OwnerType string
	// OwnerAccess is OpenAI's owner_project_access; "inactive" keys are
	// listed only with owner_project_access=any.
	OwnerAccess string
	// Status is Anthropic's key status.
	Status            string
	Created, LastUsed time.Time
	Expires           time.Time
	// Admin makes it an OpenAI admin key.
	Admin bool

	serviceAccountName, serviceAccountRole string
}

// OpenAIRedacted masks a key the way OpenAI's key list does: "sk-abc...def"
// (a few characters, three dots, the last four).
func OpenAIRedacted(secret string) string {
	if len(secret) < 12 {
		return "sk-...."
	}
	head := secret[:8]
	if strings.HasPrefix(secret, "sk-admin-") {
		head = "sk-admin"
	}
	return head + "..." + secret[len(secret)-4:]
}

// AnthropicHint masks a key the way Anthropic's partial_key_hint does:
// "sk-ant-api03-R2D...igAA".
func AnthropicHint(secret string) string {
	if len(secret) < 20 {
		return "sk-ant-...."
	}
	return secret[:16] + "..." + secret[len(secret)-4:]
}

func unix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// AuditEvent is one entry of OpenAI's audit log.
type AuditEvent struct {
	ID, Type string
	At       time.Time
	// Object is the id the event is about (a key, service account or
	// project), placed under the member named after Type.
	Object string
	// Email, UserID and IP describe a session actor; APIKeyID makes the
	// actor an API key instead.
	Email, UserID, IP, Country string
	APIKeyID                   string
}

func (e AuditEvent) json() map[string]any {
	m := map[string]any{"id": e.ID, "type": e.Type, "effective_at": e.At.Unix(), e.Type: map[string]any{"id": e.Object}}
	if e.APIKeyID != "" {
		m["actor"] = map[string]any{"type": "api_key", "api_key": map[string]any{"id": e.APIKeyID, "type": "user",
			"user": map[string]any{"id": e.UserID, "email": e.Email}}}
	} else {
		m["actor"] = map[string]any{"type": "session", "session": map[string]any{
			"user": map[string]any{"id": e.UserID, "email": e.Email}, "ip_address": e.IP,
			"user_agent": "Mozilla/5.0 (X11; Linux x86_64)", "ja3": "a497151ce4338a12c4418c44d375173e",
			"ip_address_details": map[string]any{"country": e.Country, "city": "San Francisco", "region": "California", "asn": "1234"}}}
	}
	return m
}

func errorBody(message, typ, code string) map[string]any {
	return map[string]any{"error": map[string]any{"message": message, "type": typ, "param": nil, "code": code}}
}
