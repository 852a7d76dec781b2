package output

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/observe"
)

// EvidenceKind names an evidence pack in its JSON, so --verify can tell
// one from any other file.
const EvidenceKind = "vendorwatch_evidence"

// EvidencePack is what `vendorwatch evidence` hands a vendor's support
// for one key: who the key is (fingerprint, id, project), when the key
// list last held it, every probe with the vendor's request id, every
// audit-log query with its answer (empty ones included), the canaries, the
// vendor's status page, and the hash chain that shows the history rows
// were not edited afterwards. It never holds a key.
type EvidencePack struct {
	Kind          string    `json:"kind"`
	SchemaVersion int       `json:"schema_version"`
	GeneratedAt   time.Time `json:"generated_at"`
	Vendor        string    `json:"vendor"`
	VendorName    string    `json:"vendor_name"`
	KeyName       string    `json:"key"`
	Since         time.Time `json:"since"`
	Until         time.Time `json:"until"`

	Key          EvidenceKey        `json:"key_identity"`
	KeyList      []EvidenceListRead `json:"key_list"`
	Probes       []EvidenceProbe    `json:"probes"`
	AuditQueries []EvidenceAudit    `json:"audit_queries"`
	Canaries     []EvidenceCanary   `json:"canaries"`
	Status       []EvidenceStatus   `json:"status_page"`
	Chain        EvidenceChain      `json:"chain"`
}

// EvidenceKey identifies the key without holding it.
type EvidenceKey struct {
	// Fingerprints are every fingerprint the key had in the window (more
	// than one after a rotation), oldest first.
	Fingerprints []string         `json:"fingerprints"`
	Canary       bool             `json:"canary,omitempty"`
	Holders      []observe.Holder `json:"holders,omitempty"`
	// ID, Redacted, Project and Owner come from the vendor's key list.
	ID          string    `json:"id,omitempty"`
	Redacted    string    `json:"redacted,omitempty"`
	Project     string    `json:"project,omitempty"`
	ProjectName string    `json:"project_name,omitempty"`
	Owner       string    `json:"owner,omitempty"`
	CreatedAt   time.Time `json:"created_at,omitzero"`
	// LastListed is the last key-list read that held it; FirstMissing the
	// first complete one after it that did not.
	LastListed   time.Time `json:"last_listed,omitzero"`
	FirstMissing time.Time `json:"first_missing,omitzero"`
	LastUsedAt   time.Time `json:"last_used_at,omitzero"`
}

// EvidenceRef is a row's place in the hash chain.
type EvidenceRef struct {
	Seq  int64  `json:"seq,omitempty"`
	Hash string `json:"hash,omitempty"`
}

// EvidenceListRead is one read of the vendor's key list, as it concerns
// the key.
type EvidenceListRead struct {
	At         time.Time              `json:"at"`
	Result     observe.Result         `json:"result"`
	HTTPStatus int                    `json:"http_status,omitempty"`
	Error      string                 `json:"error,omitempty"`
	Complete   bool                   `json:"complete"`
	Listed     bool                   `json:"listed"`
	LastUsedAt time.Time              `json:"last_used_at,omitzero"`
	Requests   []observe.AdminRequest `json:"requests,omitempty"`
	EvidenceRef
}

// EvidenceProbe is one probe of the key.
type EvidenceProbe struct {
	At            time.Time      `json:"at"`
	Fingerprint   string         `json:"fingerprint,omitempty"`
	Result        observe.Result `json:"result"`
	HTTPStatus    int            `json:"http_status"`
	Code          string         `json:"code,omitempty"`
	Message       string         `json:"message,omitempty"`
	RequestID     string         `json:"request_id,omitempty"`
	RequestIDFrom string         `json:"request_id_from,omitempty"`
	LatencyMS     int64          `json:"latency_ms"`
	Repeat
	EvidenceRef
}

// Repeat is how often a row was observed again unchanged: Count times in
// all (its own included, 0 when once), evenly spaced up to
// UnchangedUntil. The history keeps such a run as one row.
type Repeat struct {
	Count          int       `json:"count,omitempty"`
	UnchangedUntil time.Time `json:"unchanged_until,omitzero"`
	LastRequestID  string    `json:"last_request_id,omitempty"`
}

// EvidenceAudit is one audit-log query; About is true when it asked about
// the key's own id.
type EvidenceAudit struct {
	observe.AuditQuery
	About bool `json:"about_key"`
	EvidenceRef
}

// EvidenceCanary is a canary key of the vendor in the window.
type EvidenceCanary struct {
	Key         string         `json:"key"`
	Fingerprint string         `json:"fingerprint,omitempty"`
	Probes      int            `json:"probes"`
	LastProbe   observe.Result `json:"last_probe,omitempty"`
	Listed      *bool          `json:"listed,omitempty"`
	LastUsedAt  time.Time      `json:"last_used_at,omitzero"`
	Missing     time.Time      `json:"missing_since,omitzero"`
}

// EvidenceStatus is one recorded change of the vendor's status page (its
// state, incidents and their updates); the first may be the state the
// window began in.
type EvidenceStatus struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	Text string    `json:"text"`
	URL  string    `json:"url,omitempty"`
	Repeat
	EvidenceRef
}

// EvidenceChain says whether the rows of the pack are as recorded.
type EvidenceChain struct {
	// Started is when the history began chaining its rows; rows recorded
	// before it are in the pack without a hash (Unchained counts them).
	Started   time.Time `json:"started,omitzero"`
	Unchained int       `json:"unchained,omitempty"`
	// First and Last are the pack's first and last links; Links counts
	// the links checked between them (every row recorded meanwhile, of
	// any vendor).
	First EvidenceRef `json:"first"`
	Last  EvidenceRef `json:"last"`
	Links int         `json:"links_checked"`
	// Intact is the verdict; Break says where and why it failed.
	Intact bool   `json:"intact"`
	Break  string `json:"break,omitempty"`
}

// WriteEvidenceJSON writes the pack as indented JSON, redacted.
func WriteEvidenceJSON(w io.Writer, p EvidencePack) error {
	p = redact.Value(p)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}

// ReadEvidenceJSON reads a pack written by WriteEvidenceJSON.
func ReadEvidenceJSON(r io.Reader) (EvidencePack, error) {
	var p EvidencePack
	dec := json.NewDecoder(io.LimitReader(r, 64<<20))
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("not an evidence pack in JSON: %w", err)
	}
	if p.Kind != EvidenceKind {
		return p, fmt.Errorf("not an evidence pack: its kind is %q, not %q (only the JSON form can be verified: evidence --format json)", p.Kind, EvidenceKind)
	}
	return p, nil
}
