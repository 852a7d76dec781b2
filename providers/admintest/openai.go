package admintest

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OpenAI fakes OpenAI's Admin API and its key probe (GET /v1/models).
type OpenAI struct {
	base
	// AdminKey is the admin key the Admin API accepts.
	AdminKey string
	// AuditDisabled answers the audit log with the error of an
	// organization that never turned it on.
	AuditDisabled bool
	// MislabelProjectKeys makes admin_api_keys also return the project
	// keys, as the endpoint has been seen to do.
	MislabelProjectKeys bool
	// HideInactive leaves keys whose owner lost project access out of the
	// project lists even with owner_project_access=any (the membership
	// rules the parameter lifts); asked for by id, they still answer.
	HideInactive bool

	projects []project
	keys     []Key
	admins   []Key
	accounts []Key
	audit    []AuditEvent
	// dead holds keys that no longer authenticate though still listed.
	dead map[string]bool
}

type project struct {
	id, name, status string
	created          time.Time
}

// NewOpenAI returns a fake accepting adminKey.
func NewOpenAI(adminKey string) *OpenAI { return &OpenAI{AdminKey: adminKey, dead: map[string]bool{}} }

// AddProject adds a project; status is active or archived.
func (o *OpenAI) AddProject(id, name, status string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.projects = append(o.projects, project{id: id, name: name, status: status, created: time.Unix(1711471533, 0)})
}

// AddKey adds a project key (or, with Admin set, an admin key).
func (o *OpenAI) AddKey(k Key) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if k.Admin {
		o.admins = append(o.admins, k)
		return
	}
	o.keys = append(o.keys, k)
}

// AddServiceAccount adds a service account to a project.
func (o *OpenAI) AddServiceAccount(project, id, name string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.accounts = append(o.accounts, Key{ID: id, Project: project, serviceAccountName: name, serviceAccountRole: "member"})
}

// RemoveKey deletes a key (project or admin): it leaves the list and its
// probe fails. The audit log is left alone: add the event, or do not.
func (o *OpenAI) RemoveKey(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, k := range o.keys {
		if k.ID == id {
			o.dead[k.Secret] = true
		}
	}
	o.keys = slices.DeleteFunc(o.keys, func(k Key) bool { return k.ID == id })
	o.admins = slices.DeleteFunc(o.admins, func(k Key) bool { return k.ID == id })
}

// SetLastUsed sets a key's last_used_at, as a use of it elsewhere would.
func (o *OpenAI) SetLastUsed(id string, t time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.keys {
		if o.keys[i].ID == id {
			o.keys[i].LastUsed = t
		}
	}
}

// SetOwnerAccess sets a project key's owner_project_access (active,
// inactive).
func (o *OpenAI) SetOwnerAccess(id, access string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.keys {
		if o.keys[i].ID == id {
			o.keys[i].OwnerAccess = access
		}
	}
}

// AddAudit records an audit-log entry.
func (o *OpenAI) AddAudit(e AuditEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.audit = append(o.audit, e)
}

// ServeHTTP answers the Admin API, and /v1/models for the keys listed.
func (o *OpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	auth := r.Header.Get("Authorization") == "Bearer "+o.AdminKey
	o.log(r, auth)
	// Like OpenAI, every answer carries its request id (req_ and 32 hex
	// digits), a new one per request; random-looking, as real ones are, so
	// it shares no run with a key of the tests.
	id := sha256.Sum256([]byte(fmt.Sprintf("request %d", len(o.requests))))
	w.Header().Set("X-Request-Id", fmt.Sprintf("req_%x", id[:16]))
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, errorBody("read-only fake", "invalid_request_error", ""))
		return
	}
	if r.URL.Path == "/v1/models" {
		o.models(w, r)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/v1/organization/") {
		writeJSON(w, http.StatusNotFound, errorBody("Unknown request URL", "invalid_request_error", "unknown_url"))
		return
	}
	if !auth {
		writeJSON(w, http.StatusUnauthorized, errorBody("Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"))
		return
	}
	if o.failing(w, r) {
		return
	}
	if o.throttled(w, errorBody("Rate limit reached for requests", "requests", "rate_limit_exceeded")) {
		return
	}
	q := r.URL.Query()
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v1/organization/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "projects":
		var items []map[string]any
		for _, p := range o.projects {
			if p.status == "archived" && q.Get("include_archived") != "true" {
				continue
			}
			var archived any
			if p.status == "archived" {
				archived = p.created.Add(time.Hour).Unix()
			}
			items = append(items, map[string]any{"id": p.id, "object": "organization.project", "name": p.name,
				"created_at": p.created.Unix(), "archived_at": archived, "status": p.status})
		}
		writeJSON(w, http.StatusOK, o.page(items, q, "after"))
	case len(parts) == 3 && parts[0] == "projects" && parts[2] == "api_keys":
		var items []map[string]any
		for _, k := range o.keys {
			if k.Project != parts[1] || k.OwnerAccess == "inactive" && (q.Get("owner_project_access") != "any" || o.HideInactive) {
				continue
			}
			items = append(items, o.projectKey(k))
		}
		writeJSON(w, http.StatusOK, o.page(items, q, "after"))
	case len(parts) == 4 && parts[0] == "projects" && parts[2] == "api_keys":
		for _, k := range o.keys {
			if k.Project == parts[1] && k.ID == parts[3] {
				writeJSON(w, http.StatusOK, o.projectKey(k))
				return
			}
		}
		writeJSON(w, http.StatusNotFound, errorBody("No such API key: "+parts[3], "invalid_request_error", ""))
	case len(parts) == 3 && parts[0] == "projects" && parts[2] == "service_accounts":
		if i := slices.IndexFunc(o.projects, func(p project) bool { return p.id == parts[1] }); i >= 0 && o.projects[i].status == "archived" {
			writeJSON(w, http.StatusBadRequest, errorBody("Project "+parts[1]+" is archived", "invalid_request_error", ""))
			return
		}
		var items []map[string]any
		for _, a := range o.accounts {
			if a.Project == parts[1] {
				items = append(items, map[string]any{"object": "organization.project.service_account", "id": a.ID,
					"name": a.serviceAccountName, "role": a.serviceAccountRole, "created_at": 1711471533})
			}
		}
		writeJSON(w, http.StatusOK, o.page(items, q, "after"))
	case len(parts) == 1 && parts[0] == "admin_api_keys":
		var items []map[string]any
		for _, k := range o.admins {
			items = append(items, map[string]any{"object": "organization.admin_api_key", "id": k.ID, "name": k.Name,
				"redacted_value": OpenAIRedacted(k.Secret), "created_at": k.Created.Unix(), "expires_at": unix(k.Expires),
				"last_used_at": unix(k.LastUsed), "owner": map[string]any{"type": "user", "object": "organization.user",
					"id": "user_" + k.ID, "name": k.Owner, "created_at": 1711471533, "role": "owner"}})
		}
		if o.MislabelProjectKeys {
			for _, k := range o.keys {
				m := o.projectKey(k)
				m["object"] = "organization.admin_api_key"
				items = append(items, m)
			}
		}
		writeJSON(w, http.StatusOK, o.page(items, q, "after"))
	case len(parts) == 1 && parts[0] == "audit_logs":
		if o.AuditDisabled {
			writeJSON(w, http.StatusBadRequest, errorBody("Audit logging is not enabled for this organization.", "invalid_request_error", ""))
			return
		}
		writeJSON(w, http.StatusOK, o.page(o.auditItems(q), q, "after"))
	default:
		writeJSON(w, http.StatusNotFound, errorBody("Unknown request URL", "invalid_request_error", "unknown_url"))
	}
}

func (o *OpenAI) projectKey(k Key) map[string]any {
	owner := map[string]any{"type": "user", "user": map[string]any{"id": "user_" + strings.SplitN(k.Owner, "@", 2)[0],
		"name": "First Last", "email": k.Owner, "role": "owner", "created_at": 1711471533}}
	if k.OwnerType == "service_account" {
		owner = map[string]any{"type": "service_account", "service_account": map[string]any{"id": k.Owner,
			"name": "svc " + k.Owner, "role": "member", "created_at": 1711471533}}
	}
	access := k.OwnerAccess
	if access == "" {
		access = "active"
	}
	return map[string]any{"object": "organization.project.api_key", "redacted_value": OpenAIRedacted(k.Secret), "name": k.Name,
		"created_at": k.Created.Unix(), "last_used_at": unix(k.LastUsed), "id": k.ID, "owner_project_access": access, "owner": owner}
}

// auditItems filters the audit log by event_types[], effective_at[gte]
// and resource_ids[], newest first.
func (o *OpenAI) auditItems(q map[string][]string) []map[string]any {
	types, ids := q["event_types[]"], q["resource_ids[]"]
	gte, _ := strconv.ParseInt(firstOf(q["effective_at[gte]"]), 10, 64)
	var out []map[string]any
	for i := len(o.audit) - 1; i >= 0; i-- {
		e := o.audit[i]
		if len(types) > 0 && !slices.Contains(types, e.Type) || len(ids) > 0 && !slices.Contains(ids, e.Object) || e.At.Unix() < gte {
			continue
		}
		out = append(out, e.json())
	}
	return out
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// models is the key probe: 200 for a listed key, OpenAI's invalid_api_key
// 401 (with the key masked, as OpenAI does) otherwise.
func (o *OpenAI) models(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	for _, k := range o.keys {
		if k.Secret == key && !o.dead[key] {
			writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{map[string]any{"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"}}})
			return
		}
	}
	masked := "sk-****"
	if len(key) > 8 {
		masked = key[:3] + "****" + key[len(key)-4:]
	}
	writeJSON(w, http.StatusUnauthorized, errorBody("Incorrect API key provided: "+masked+". You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"))
}
