package observe

import "time"

// Inventory is a vendor's key list as its admin API reports it, with the
// keys that left it since the previous inventory and what the audit log
// says about them. It holds masks and fingerprints only, never a key.
type Inventory struct {
	// Source names the admin API read (openai_admin_api, anthropic_admin_api).
	Source string `json:"source"`
	// CheckedAt is when the admin API was last asked; ListedAt when Keys
	// were listed (earlier when the latest read failed and the previous
	// list was kept).
	CheckedAt time.Time `json:"checked_at"`
	ListedAt  time.Time `json:"listed_at,omitzero"`
	// Result is ok when the admin API answered; otherwise the latest
	// read's failure in the key-probe vocabulary (invalid_key: the admin
	// key was rejected; rate_limited: the read waits for the next check).
	Result     Result `json:"result"`
	HTTPStatus int    `json:"http_status,omitempty"`
	Code       string `json:"code,omitempty"`
	Error      string `json:"error,omitempty"`
	// AdminFingerprint is the admin key's fingerprint (sk-admin-…abcd).
	AdminFingerprint string `json:"admin_fingerprint,omitempty"`
	// Complete is true when every list was read to its end; only two
	// complete inventories are compared.
	Complete bool `json:"complete"`
	// Projects counts the projects (OpenAI) or workspaces (Anthropic) seen.
	Projects int `json:"projects,omitempty"`
	// Keys are the keys listed, in the vendor's order.
	Keys []InventoryKey `json:"keys"`
	// Accounts are OpenAI's service accounts of active projects.
	Accounts []InventoryAccount `json:"accounts,omitempty"`
	// Gone are the keys that left the list, with the audit log's answer.
	Gone []GoneKey `json:"gone,omitempty"`
	// Requests are the requests of this read (the key list's pages and the
	// audit-log queries) with their statuses and the vendor's request ids;
	// AuditQueries are this read's audit-log queries with their answers.
	// Both describe the latest read only, and are empty when it asked
	// nothing.
	Requests     []AdminRequest `json:"requests,omitempty"`
	AuditQueries []AuditQuery   `json:"audit_queries,omitempty"`
	// Gaps are the lists of the latest read that could not be read (or
	// were cut short by a bound). The rows those lists held last time are
	// kept, and a key is never taken for vanished from a list in a gap.
	Gaps []InventoryGap `json:"gaps,omitempty"`
}

// InventoryGap is one list of an admin read that could not be read to its
// end: the endpoint, the failure in the key-probe vocabulary, and since
// when it has failed in a row.
type InventoryGap struct {
	// List names the list: "projects", "admin_api_keys", "project:proj_…"
	// (one project's keys), "api_keys" (Anthropic).
	List string `json:"list"`
	// Endpoint is the request that failed ("GET /v1/organization/admin_api_keys").
	Endpoint   string `json:"endpoint"`
	Result     Result `json:"result"`
	HTTPStatus int    `json:"http_status,omitempty"`
	Code       string `json:"code,omitempty"`
	Error      string `json:"error,omitempty"`
	// Truncated is true for a list cut short by a bound of the read
	// (pages, requests, items) rather than a failure.
	Truncated bool `json:"truncated,omitempty"`
	// Since is the first read of the current run of failures of this list.
	Since time.Time `json:"since"`
}

// Inventory sources.
const (
	SourceOpenAIAdmin    = "openai_admin_api"
	SourceAnthropicAdmin = "anthropic_admin_api"
)

// Key kinds in an inventory.
const (
	InventoryProjectKey = "project"  // an OpenAI project key (user or service account)
	InventoryAdminKey   = "admin"    // an OpenAI admin key
	InventoryAPIKey     = "api_key"  // an Anthropic API key
	StatusActive        = "active"   // Anthropic status, or the OpenAI project's
	StatusArchived      = "archived" // Anthropic key, or OpenAI project archived
	StatusInactive      = "inactive" // Anthropic key deactivated
	StatusExpired       = "expired"  // Anthropic key past expires_at
	OwnerServiceAccount = "service_account"
)

// InventoryKey is one row of a vendor's key list.
type InventoryKey struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind is project or admin (OpenAI), api_key (Anthropic).
	Kind string `json:"kind"`
	// Redacted is the vendor's own mask of the key, cut to its known
	// prefix plus at most four characters on each side (sk-abc…def).
	Redacted string `json:"redacted"`
	// Project is the OpenAI project or Anthropic workspace id.
	Project     string `json:"project,omitempty"`
	ProjectName string `json:"project_name,omitempty"`
	// Status is active, inactive, archived or expired (Anthropic); for an
	// OpenAI key, the status of its project.
	Status string `json:"status,omitempty"`
	// OwnerAccess is OpenAI's owner_project_access: whether the key's
	// owner still has access to the project (active, inactive). The lists
	// are read with owner_project_access=any, so a key whose owner lost
	// access stays listed, as inactive.
	OwnerAccess string `json:"owner_access,omitempty"`
	// Owner names the owner (OpenAI) or creator (Anthropic): an e-mail, a
	// service account's name, or an id.
	Owner     string `json:"owner,omitempty"`
	OwnerID   string `json:"owner_id,omitempty"`
	OwnerType string `json:"owner_type,omitempty"`

	CreatedAt  time.Time `json:"created_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	// SeenAt is when a list last held the row; it is earlier than the
	// inventory's ListedAt for a row kept from an earlier read because its
	// list could not be read this time.
	SeenAt time.Time `json:"seen_at,omitzero"`
	// Unlisted is true for a key missing from its list that the vendor
	// still returns when asked for it by id: it changed visibility (its
	// owner lost access to the project) and did not vanish.
	Unlisted  bool      `json:"unlisted,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`

	// Expiring is true when ExpiresAt falls within the admin block's
	// expiry_warning (default 14 days) of the listing, or has passed.
	Expiring bool `json:"expiring,omitempty"`

	// Key is the configured key this row is, matched by fingerprint.
	Key string `json:"key,omitempty"`
	// Self marks the admin key vendorwatch reads the inventory with.
	Self bool `json:"self,omitempty"`
}

// InventoryAccount is an OpenAI service account.
type InventoryAccount struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Project string `json:"project"`
	Role    string `json:"role,omitempty"`
}

// GoneKey is a key that left the list, as last listed, with what the audit
// log said about it.
type GoneKey struct {
	InventoryKey
	// LastSeen is the last list that held it; NoticedAt the first that did
	// not.
	LastSeen  time.Time `json:"last_seen"`
	NoticedAt time.Time `json:"noticed_at"`
	// Fingerprint is the configured key's fingerprint when the row is one
	// of ours (Key set); Canary whether that key is a canary.
	Fingerprint string `json:"fingerprint,omitempty"`
	Canary      bool   `json:"canary,omitempty"`
	// Audit is the audit log's event that explains it, when found.
	Audit *AuditEvent `json:"audit,omitempty"`
	// AuditChecked is true once the audit log answered a lookup (with or
	// without an event); AuditError says why the latest lookup failed.
	AuditChecked bool   `json:"audit_checked"`
	AuditError   string `json:"audit_error,omitempty"`
	// NoAuditLog is true for a vendor whose admin API has no audit log.
	NoAuditLog bool `json:"no_audit_log,omitempty"`
	// Lookups counts the audit-log lookups made for it.
	Lookups int `json:"lookups,omitempty"`
	// Unexplained counts deletion events in its window that could be tied
	// to no key.
	Unexplained int `json:"unexplained,omitempty"`
	// OwnerGone is true when its service account left the list as well.
	OwnerGone bool `json:"owner_gone,omitempty"`
	// AuditOff is true when the audit log answered that audit logging is
	// switched off for the organization: no event can explain the key.
	AuditOff bool `json:"audit_off,omitempty"`
	// AuditFrom is the start of the stretch of the audit log asked about
	// it (a little before LastSeen); AuditUntil is when the reader stops
	// asking again. Both are zero for a vendor with no audit log.
	AuditFrom  time.Time `json:"audit_from,omitzero"`
	AuditUntil time.Time `json:"audit_until,omitzero"`
}

// AuditEvent is an audit-log entry about a vanished key: what happened,
// when, and who did it.
type AuditEvent struct {
	ID   string    `json:"id"`
	Type string    `json:"type"`
	At   time.Time `json:"at"`
	// Object is the id the event is about (key, service account, project).
	Object string `json:"object"`
	// Matched says how the event was tied to the key: id (the key's own),
	// service_account (its owner was deleted), project (its project was
	// archived), window (the only unexplained deletion in the window).
	Matched string `json:"matched"`
	// ActorType is session (a person in the console) or api_key.
	ActorType  string `json:"actor_type,omitempty"`
	ActorEmail string `json:"actor_email,omitempty"`
	ActorID    string `json:"actor_id,omitempty"`
	// ActorKey is the tracking id of the API key that acted.
	ActorKey string `json:"actor_key,omitempty"`
	IP       string `json:"ip,omitempty"`
	Country  string `json:"country,omitempty"`
}

// Actor names who did it: an e-mail, else a user, service account or key
// id, with the IP address when known.
func (e *AuditEvent) Actor() string {
	who := e.ActorEmail
	if who == "" {
		who = e.ActorID
	}
	if e.ActorKey != "" {
		if who == "" {
			who = "API key " + e.ActorKey
		} else {
			who += " with API key " + e.ActorKey
		}
	}
	if who == "" {
		who = "an unnamed actor"
	}
	if e.IP != "" {
		where := e.IP
		if e.Country != "" {
			where += ", " + e.Country
		}
		who += " (" + where + ")"
	}
	return who
}

// AdminRequest is one request of an admin read (a page of the key list,
// an audit-log query), kept as evidence for a support ticket: where it
// went, what came back and the vendor's id of it.
type AdminRequest struct {
	At time.Time `json:"at"`
	// Path is the endpoint without its query (/v1/organization/projects).
	Path       string `json:"path"`
	HTTPStatus int    `json:"http_status,omitempty"`
	// Result is ok for a 2xx, else the failure in the key-probe vocabulary.
	Result        Result `json:"result"`
	RequestID     string `json:"request_id,omitempty"`
	RequestIDFrom string `json:"request_id_from,omitempty"`
}

// AuditQuery is one question put to a vendor's audit log and its answer,
// an empty one included: the time window asked about, when it was asked,
// the HTTP status and the entries it returned (ids and types only).
type AuditQuery struct {
	// At is when the query was made; From and Until bound the window of
	// the log asked about (Until is At when the query has no upper bound).
	At    time.Time `json:"at"`
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
	// EventTypes and Resources are the query's filters; no resources
	// means every resource.
	EventTypes []string `json:"event_types,omitempty"`
	Resources  []string `json:"resources,omitempty"`
	// Page counts the pages of one query from 1.
	Page          int    `json:"page"`
	HTTPStatus    int    `json:"http_status,omitempty"`
	Result        Result `json:"result"`
	Error         string `json:"error,omitempty"`
	RequestID     string `json:"request_id,omitempty"`
	RequestIDFrom string `json:"request_id_from,omitempty"`
	// Count is the number of entries the page returned; Entries are they
	// (cut to MaxAuditEntries), an empty list for an empty answer.
	Count   int          `json:"count"`
	Entries []AuditEntry `json:"entries"`
	HasMore bool         `json:"has_more,omitempty"`
}

// MaxAuditEntries caps the entries an AuditQuery keeps.
const MaxAuditEntries = 100

// AuditEntry is one audit-log entry an AuditQuery returned.
type AuditEntry struct {
	ID     string    `json:"id"`
	Type   string    `json:"type"`
	At     time.Time `json:"at,omitzero"`
	Object string    `json:"object,omitempty"`
}
