package observe

import "time"

// CallSummary is what VAPI's call records say about the calls created in
// the window before a check, grouped by endedReason. Only the reasons and
// counts are kept: no call ids, numbers, transcripts or costs.
type CallSummary struct {
	CheckedAt time.Time `json:"checked_at"`
	// Since is the start of the window (createdAtGt).
	Since time.Time `json:"since"`
	// Result is ok when VAPI answered; else why the records could not be
	// read (and Reasons are the previous read's, while still in window).
	Result Result `json:"result"`
	// CountedAt is when Calls, Ended and Reasons were read: CheckedAt
	// after a read that worked, the last such read's time when this one
	// failed and its counts were kept; zero when there are no counts.
	CountedAt  time.Time `json:"counted_at,omitzero"`
	HTTPStatus int       `json:"http_status,omitempty"`
	Code       string    `json:"code,omitempty"`
	Error      string    `json:"error,omitempty"`
	// Fingerprint is the key the records were read with.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Calls counts the calls created in the window; Ended those that ended.
	Calls int `json:"calls"`
	Ended int `json:"ended"`
	// Truncated is true when there were more calls than one read takes.
	Truncated bool `json:"truncated,omitempty"`
	// Reasons are the ended calls grouped by endedReason, most first.
	Reasons []ReasonCount `json:"reasons"`
}

// ReasonCount is one endedReason, how many calls ended with it, and what it
// means.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
	EndedReason
	// First and Last are when the first and last of these calls ended.
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
}

// EndedReason is a VAPI call's endedReason read for evidence: who failed,
// which provider, with which HTTP status and what kind of failure. The zero
// Fault means the reason is no evidence of a failure (the customer hung up,
// the assistant ended the call, ...).
type EndedReason struct {
	Fault string `json:"fault,omitempty"`
	// Provider is the provider as VAPI spells it (openai, eleven-labs).
	Provider string `json:"provider,omitempty"`
	// Vendor is the provider's catalog id (openai, elevenlabs); empty for a
	// provider vendorwatch does not know.
	Vendor string `json:"vendor,omitempty"`
	// VendorName is how the provider is called in findings.
	VendorName string `json:"vendor_name,omitempty"`
	// HTTPStatus is the provider's status named in the reason (401), if any.
	HTTPStatus int `json:"http_status,omitempty"`
	// Problem is the rest of the reason (incorrect-api-key).
	Problem string `json:"problem,omitempty"`
	// Class is the failure in the key-probe vocabulary: invalid_key,
	// quota_exceeded, rate_limited, vendor_error, ...
	Class Result `json:"class,omitempty"`
}

// Who is at fault for a VAPI call's end, from its endedReason's prefix
// (VAPI's fern/calls/call-ended-reason.mdx).
const (
	// FaultBYOK: pipeline-error-*, the legacy form; with our own provider
	// keys (BYOK) a credential or quota problem on our account with that
	// provider, such as the OpenAI key stored in VAPI.
	FaultBYOK = "byok"
	// FaultProvider: call.in-progress.error-providerfault-*, the provider
	// returned a server error.
	FaultProvider = "provider"
	// FaultVAPI: call.in-progress.error-vapifault-* and
	// call.start.error-vapifault-*, VAPI's infrastructure or its platform
	// credentials; also pipeline errors of VAPI's own models.
	FaultVAPI = "vapi"
	// FaultBilling: call.start.error-subscription-* and the fraud check,
	// our VAPI account's billing.
	FaultBilling = "billing"
)
