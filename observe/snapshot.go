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
	Keys         []KeyResult   `json:"keys"`
	// Inventory is the vendor's key list from its admin API (OpenAI,
	// Anthropic with admin:), read every admin interval; nil without one.
	Inventory *Inventory `json:"inventory,omitempty"`
	// Calls sums up VAPI's recent call records by endedReason; nil for
	// other vendors.
	Calls *CallSummary `json:"calls,omitempty"`
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
	ResultUnexpected      Result = "unexpected"
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
	Holders     []Holder  `json:"holders,omitempty"`
	Result      Result    `json:"result"`
	HTTPStatus  int       `json:"http_status"`
	Code        string    `json:"code"`
	Message     string    `json:"message"`
	Hint        string    `json:"hint,omitempty"`
	LatencyMS   int64     `json:"latency_ms"`
	CheckedAt   time.Time `json:"checked_at,omitzero"`
	Since       time.Time `json:"since,omitzero"`
	Consecutive int       `json:"consecutive"`
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
