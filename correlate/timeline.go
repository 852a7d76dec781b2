package correlate

// The timeline: what history records of each check, as plain data for the
// renderers. History derives the events and stores them; the incident
// report, the dashboard and serve read them back in these types.

import "time"

// EventKind names a transition in the timeline.
type EventKind string

// The transitions the store records.
const (
	// EventVendorState: the vendor's status page changed state.
	EventVendorState EventKind = "vendor_state"
	// EventIncidentOpened, EventIncidentUpdated, EventIncidentResolved: the
	// vendor's own incident log, with its text and link.
	EventIncidentOpened   EventKind = "incident_opened"
	EventIncidentUpdated  EventKind = "incident_updated"
	EventIncidentResolved EventKind = "incident_resolved"
	// EventKeyChanged: one of our keys changed result or was replaced.
	EventKeyChanged EventKind = "key_changed"
	// EventReachabilityChanged: the keyless request changed result.
	EventReachabilityChanged EventKind = "reachability_changed"
	// EventFindingOpened, EventFindingEscalated, EventFindingEased,
	// EventFindingUpdated, EventFindingClosed: vendorwatch's own
	// conclusions, an episode each (updated: the same root cause, now of
	// another kind).
	EventFindingOpened    EventKind = "finding_opened"
	EventFindingEscalated EventKind = "finding_escalated"
	EventFindingEased     EventKind = "finding_eased"
	EventFindingUpdated   EventKind = "finding_updated"
	EventFindingClosed    EventKind = "finding_closed"
)

// Timeline events of the key inventory (a vendor's admin API). Keys that
// leave the list are findings (key_deleted, key_vanished), recorded as
// such.
const (
	// EventInventoryListed: the first key list of a vendor, as a count.
	EventInventoryListed EventKind = "inventory_listed"
	// EventInventoryKeyAdded: a key appeared in the list.
	EventInventoryKeyAdded EventKind = "inventory_key_added"
	// EventInventoryKeyUsed: a key's last_used_at moved, proof that a
	// consumer (VAPI, an app) still uses it; at most once an hour per key.
	EventInventoryKeyUsed EventKind = "inventory_key_used"
	// EventInventoryKeyStatus: a key's status (or its project's) changed.
	EventInventoryKeyStatus EventKind = "inventory_key_status"
	// EventCallRecords: VAPI's call records stopped being readable (the
	// counts shown are an earlier read's), or can be read again.
	EventCallRecords EventKind = "call_records"
	// EventTrafficSource: our own traffic to the vendor could no longer be
	// read from Prometheus (the signal is missing), or can be again.
	EventTrafficSource EventKind = "traffic_source"
)

// Event is one line of the timeline. Its text is one sanitized line, fit
// for a terminal and a Markdown table; it never holds a key, only key names
// and fingerprints.
type Event struct {
	// ID orders events recorded at the same time.
	ID int64 `json:"id"`
	// At is when it happened: the vendor's own time for its incident
	// updates, the check time otherwise.
	At time.Time `json:"at"`
	// Vendor is the vendor id; empty for findings about no vendor
	// (network_local).
	Vendor string `json:"vendor"`
	// VendorName is the vendor's display name at the time.
	VendorName string    `json:"vendor_name"`
	Kind       EventKind `json:"kind"`
	// Subject is what changed: a key name, an incident id or a finding id.
	Subject string `json:"subject"`
	// Severity is the finding's severity (finding events only).
	Severity Severity `json:"severity,omitempty"`
	// Text is the one-line description.
	Text string `json:"text"`
	// Detail is longer supporting text: a finding's evidence, the full
	// body of an incident update.
	Detail string `json:"detail,omitempty"`
	// URL links the vendor's incident, when there is one.
	URL string `json:"url,omitempty"`
}

// FindingRecord is one occurrence of a finding: its latest text, the worst
// severity it reached, and when it opened and closed.
type FindingRecord struct {
	Finding
	// Worst is the highest severity the finding reached.
	Worst Severity `json:"worst"`
	// Opened is the check at which it opened; Closed the one at which it
	// closed, zero while it is open.
	Opened time.Time `json:"opened"`
	Closed time.Time `json:"closed,omitzero"`
}
