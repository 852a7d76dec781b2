package admintest

import (
	"net/http"
	"slices"
	"time"
)

// Anthropic fakes Anthropic's Admin API key list
// (GET /v1/organizations/api_keys) and its key probe (GET /v1/models).
type Anthropic struct {
	base
	AdminKey string
	keys     []Key
}

// NewAnthropic returns a fake accepting adminKey.
func NewAnthropic(adminKey string) *Anthropic { return &Anthropic{AdminKey: adminKey} }

// AddKey adds a key; its Status is active unless set.
func (a *Anthropic) AddKey(k Key) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if k.Status == "" {
		k.Status = "active"
	}
	a.keys = append(a.keys, k)
}

// SetStatus changes a key's status (active, inactive, archived, expired).
func (a *Anthropic) SetStatus(id, status string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.keys {
		if a.keys[i].ID == id {
			a.keys[i].Status = status
		}
	}
}

func anthropicError(typ, msg string) map[string]any {
	return map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": msg}, "request_id": "req_011CZAau32QzxDkriovTaFCB"}
}

func rfc3339(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// ServeHTTP answers the key list for the admin key, and /v1/models for the
// active keys.
func (a *Anthropic) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := r.Header.Get("X-Api-Key")
	auth := key == a.AdminKey && r.Header.Get("Anthropic-Version") != ""
	a.log(r, auth)
	switch r.URL.Path {
	case "/v1/models":
		if i := slices.IndexFunc(a.keys, func(k Key) bool { return k.Secret == key }); i >= 0 && a.keys[i].Status == "active" {
			writeJSON(w, http.StatusOK, map[string]any{"data": []any{map[string]any{"type": "model", "id": "claude-sonnet-4-5", "display_name": "Claude Sonnet 4.5"}}, "has_more": false})
			return
		}
		writeJSON(w, http.StatusUnauthorized, anthropicError("authentication_error", "invalid x-api-key"))
	case "/v1/organizations/api_keys":
		if !auth {
			writeJSON(w, http.StatusUnauthorized, anthropicError("authentication_error", "invalid x-api-key"))
			return
		}
		if a.throttled(w, anthropicError("rate_limit_error", "Number of requests has exceeded your rate limit")) {
			return
		}
		var items []map[string]any
		for _, k := range a.keys {
			items = append(items, map[string]any{"type": "api_key", "id": k.ID, "name": k.Name, "partial_key_hint": AnthropicHint(k.Secret),
				"status": k.Status, "created_at": rfc3339(k.Created), "expires_at": rfc3339(k.Expires),
				"created_by": map[string]any{"id": k.Owner, "type": "user"}, "workspace_id": k.Project})
		}
		writeJSON(w, http.StatusOK, a.page(items, r.URL.Query(), "after_id"))
	default:
		writeJSON(w, http.StatusNotFound, anthropicError("not_found_error", "Not found"))
	}
}
