// Package observe holds what a check saw: every vendor's status page
// (normalized), the keyless reachability request, our key probes, the
// admin APIs' key inventory and audit events, VAPI's call records, and
// the snapshot that gathers them. It is data and nothing else: no I/O,
// no judgement of what the data means (that is correlate's), and only
// the standard library. Every other package speaks these types.
package observe

import (
	"time"
)

// Snapshot is what every vendor looked like at the last check: the status
// page, keyless reachability and our keys. It holds observations only;
// what they mean is the correlate package's job.
type Snapshot struct {
	GeneratedAt time.Time      `json:"generated_at"`
	Vendors     []VendorResult `json:"vendors"`
}

// Vendor returns the result for a vendor id.
func (s Snapshot) Vendor(id string) (VendorResult, bool) {
	for _, v := range s.Vendors {
		if v.ID == id {
			return v, true
		}
	}
	return VendorResult{}, false
}

// Index maps each vendor id to its place in s.Vendors (the first, as
// Vendor finds it), for callers that look up many vendors.
func (s Snapshot) Index() map[string]int {
	at := make(map[string]int, len(s.Vendors))
	for i := len(s.Vendors) - 1; i >= 0; i-- {
		at[s.Vendors[i].ID] = i
	}
	return at
}

// VendorResult is one vendor's latest observations. Field names follow
// DESIGN §6.
type VendorResult struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	DependsOn []string `json:"depends_on,omitempty"`
	// Watched are the status page components the team said matter
	// (components: in the config); empty means all of them.
	Watched      []string      `json:"watched_components,omitempty"`
	Status       Status        `json:"status"`
	Reachability *Reachability `json:"reachability,omitempty"`
	// Traffic is our own production traffic to the vendor, from the
	// config's traffic: Prometheus; nil without one.
	Traffic *Traffic `json:"traffic,omitempty"`
	// Dashboard is the keyless check of the vendor's web dashboard (VAPI's):
	// nil for a vendor without one.
	Dashboard *Dashboard  `json:"dashboard,omitempty"`
	Keys      []KeyResult `json:"keys"`
	// Inventory is the vendor's key list from its admin API (OpenAI,
	// Anthropic with admin:), read every admin interval; nil without one.
	Inventory *Inventory `json:"inventory,omitempty"`
	// Calls sums up VAPI's recent call records by endedReason; nil for
	// other vendors.
	Calls *CallSummary `json:"calls,omitempty"`
	// Links are the vendor's own pages that advice cites (the catalog's
	// links:), such as where its API keys are managed.
	Links Links `json:"links,omitzero"`
}

// SetIdentity sets in r what the config says of its vendor, as cfg holds
// it: its name, the vendors it depends on, the components watched and its
// links. The rest of r is what was observed, and stays.
func (r *VendorResult) SetIdentity(cfg VendorResult) {
	r.Name, r.DependsOn, r.Watched, r.Links = cfg.Name, cfg.DependsOn, cfg.Watched, cfg.Links
}

// Links are a vendor's pages that advice cites: where its API keys are
// managed, its audit log and its billing. Empty when the catalog knows
// none.
type Links struct {
	Keys     string `json:"keys,omitempty"`
	AuditLog string `json:"audit_log,omitempty"`
	Billing  string `json:"billing,omitempty"`
}

// Result is the outcome of a key probe or keyless request, in the
// vocabulary of DESIGN §3.
type Result string

// Key probe results.
const (
	ResultOK              Result = "ok"
	ResultInvalidKey      Result = "invalid_key"
	ResultAccountDisabled Result = "account_disabled"
	ResultNoPermission    Result = "no_permission"
	ResultMisconfigured   Result = "misconfigured"
	ResultQuotaExceeded   Result = "quota_exceeded"
	ResultRateLimited     Result = "rate_limited"
	ResultVendorError     Result = "vendor_error"
	ResultTimeout         Result = "timeout"
	ResultNetworkError    Result = "network_error"
	ResultNoSecret        Result = "no_secret"
	// ResultNotChecked is a request that never went out: it found no free
	// connection slot before its check's deadline (many vendors on few
	// slots). The vendor was not asked, so it is neither a timeout nor a
	// failure of the vendor or of our network.
	ResultNotChecked Result = "not_checked"
	ResultUnexpected Result = "unexpected"
	// ResultReachable is the keyless request's success: the vendor answered
	// in its own JSON.
	ResultReachable Result = "reachable"
	// ResultListed is a canary that was not probed but is present and
	// enabled in the vendor's key list (its admin API): watched, never used.
	ResultListed Result = "listed"
)

// Failed reports whether the result means the vendor could not serve us:
// its own error, a timeout or no answer at all.
func (r Result) Failed() bool {
	return r == ResultVendorError || r == ResultTimeout || r == ResultNetworkError
}

// Sent reports whether the result is an answer to a request that went
// out, or the lack of one: false for no result yet, a secret that did not
// resolve and a request that found no slot (not_checked). Only a sent
// request says anything about the vendor or the network.
func (r Result) Sent() bool {
	return r != "" && r != ResultNoSecret && r != ResultNotChecked
}

// Reachability is the keyless request's outcome.
type Reachability struct {
	Result     Result    `json:"result"`
	HTTPStatus int       `json:"http_status"`
	LatencyMS  int64     `json:"latency_ms"`
	Error      string    `json:"error,omitempty"`
	CheckedAt  time.Time `json:"checked_at,omitzero"`
}

// KeyResult is one key's latest probe. It never holds the key, only its
// fingerprint.
type KeyResult struct {
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
	Canary      bool   `json:"canary"`
	// Holders are where else the key is held (config keys[].holders).
	Holders    []Holder `json:"holders,omitempty"`
	Result     Result   `json:"result"`
	HTTPStatus int      `json:"http_status"`
	Code       string   `json:"code"`
	Message    string   `json:"message"`
	Hint       string   `json:"hint,omitempty"`
	// RequestID is the vendor's id of the probe request (x-request-id,
	// request-id, ...; cf-ray when the vendor sends none), for a support
	// ticket; RequestIDFrom names the header it came from ("body" when it
	// was read from the error body).
	RequestID     string    `json:"request_id,omitempty"`
	RequestIDFrom string    `json:"request_id_from,omitempty"`
	LatencyMS     int64     `json:"latency_ms"`
	CheckedAt     time.Time `json:"checked_at,omitzero"`
	Since         time.Time `json:"since,omitzero"`
	Consecutive   int       `json:"consecutive"`
	// RevocationMarker is true when an invalid_key verdict rests on the
	// vendor's own revocation marker (OpenAI invalid_api_key, Anthropic
	// authentication_error, Twilio 20003, Gemini API_KEY_INVALID, ...), and
	// false for a bare 401 whose body names no reason. Correlation should
	// demand the marker before calling a key revoked.
	RevocationMarker bool `json:"revocation_marker,omitempty"`
	// NotProbed is true for a canary watched only through the vendor's key
	// list (an admin key lists it): no request ever carried it. Result is
	// listed while the list holds it, empty while the list is unread or
	// no longer holds it; Message says which.
	NotProbed bool `json:"not_probed,omitempty"`
	// LeakReported is true when the vendor's message says the key leaked
	// (Gemini: "Your API key was reported as leaked"); Message keeps the
	// scrubbed text.
	LeakReported bool `json:"leak_reported,omitempty"`
}

// Holder is one place a key is held besides vendorwatch: Kind "service"
// (a service of ours), "vendor" (a vendor that stores the key to call
// another one for us; Name is its id) or "secret" (a secret store entry).
type Holder struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// String is "vendor vapi", "service voice-backend" or "secret
// gcp:openai-prod".
func (h Holder) String() string { return h.Kind + " " + h.Name }

// Dashboard is the keyless check of a vendor's web dashboard: whether its
// page loads, and whether the API answers the CORS preflight the page's
// calls need from that origin. A dashboard whose page loads but whose
// preflight fails cannot reach its back end: it shows nothing, as VAPI's
// did on 2026-05-21 before its page said anything.
type Dashboard struct {
	Origin string `json:"origin"`
	// Page is the dashboard page's load: reachable, vendor_error (5xx),
	// timeout or network_error.
	Page Reachability `json:"page"`
	// Preflight is the API's answer to OPTIONS with the dashboard's Origin:
	// reachable when it allows the origin, vendor_error otherwise (a 5xx,
	// or no Access-Control-Allow-Origin for it).
	Preflight Reachability `json:"preflight"`
}

// Failed reports whether the dashboard cannot be used: its page or the
// API's preflight for it failed.
func (d *Dashboard) Failed() bool {
	return d != nil && (d.Page.Result.Failed() || d.Preflight.Result.Failed())
}
