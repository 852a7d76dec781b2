package correlate

import (
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Kind names what a finding is about, in the vocabulary of DESIGN §3.
type Kind string

// Finding kinds.
const (
	KindNetworkLocal              Kind = "network_local"
	KindKeyRevoked                Kind = "key_revoked"
	KindKeyLeakSuspected          Kind = "key_leak_suspected"
	KindAccountKeysRevoked        Kind = "account_keys_revoked"
	KindAccountDisabled           Kind = "account_disabled"
	KindQuotaExceeded             Kind = "quota_exceeded"
	KindKeyNoPermission           Kind = "key_no_permission"
	KindKeyMisconfigured          Kind = "key_misconfigured"
	KindRateLimited               Kind = "rate_limited"
	KindSecretMissing             Kind = "secret_missing"
	KindVendorOutage              Kind = "vendor_outage"
	KindVendorOutageUnreported    Kind = "vendor_outage_unreported"
	KindVendorIncident            Kind = "vendor_incident"
	KindStatusSourceDown          Kind = "status_source_down"
	KindUpstreamImpact            Kind = "upstream_impact"
	KindKeyRejectedDuringIncident Kind = "key_rejected_during_incident"
	KindKeyDeleted                Kind = "key_deleted"
	KindKeyVanished               Kind = "key_vanished"
	// KindKeyExpiring: an admin key, or a configured key, reaches its
	// expires_at soon (the admin API's inventory says when).
	KindKeyExpiring Kind = "key_expiring"
	// KindDashboardDown: the vendor's web dashboard fails (its page, or
	// the API's CORS preflight for it) while nothing else says the vendor
	// is in trouble.
	KindDashboardDown Kind = "dashboard_down"
	// KindCanaryUsed: a canary's last_used_at moved in the key list while
	// vendorwatch never sends it: someone else has it.
	KindCanaryUsed Kind = "canary_used"
	// KindKeyVisibility: a key of ours whose owner lost access to its
	// project, still enabled, or gone from its list but still returned by
	// id: its visibility changed, it did not vanish.
	KindKeyVisibility Kind = "key_visibility_changed"
	// KindInventoryUnreadable: a list of the admin API's key inventory
	// could not be read; keys on it are not watched until it reads again.
	KindInventoryUnreadable Kind = "inventory_unreadable"
	// The findings drawn from our own production traffic (rule_traffic.go):
	// our 401/403 rise while our probe key works (a service of ours sends
	// an old key); our 5xx rise while the page is silent and the probes
	// pass (a partial outage the vendor has not posted); our requests get
	// no answer while the vendor answers us here (between our services and
	// the vendor); our 429s rise (our volume or quota); the traffic cannot
	// be read from Prometheus (this signal only).
	KindTrafficAuthErrors    Kind = "traffic_auth_errors"
	KindTrafficVendorErrors  Kind = "traffic_vendor_errors"
	KindTrafficNetworkErrors Kind = "traffic_network_errors"
	KindTrafficThrottled     Kind = "traffic_throttled"
	KindTrafficSourceDown    Kind = "traffic_source_down"
)

// State is where a finding is in its episode, the life of one root cause
// (DESIGN §3): pending (seen once, confirming), open, or closing (gone for
// one check, confirming the recovery). A closed finding is no longer
// reported.
type State string

// The states of an episode.
const (
	StatePending State = "pending"
	StateOpen    State = "open"
	StateClosing State = "closing"
)

// Finding is one conclusion with its evidence and what to do about it.
type Finding struct {
	// ID names the finding across checks: the same problem keeps its ID
	// while it lasts, so it can open, update and close. The rule that files
	// the finding builds it with findingID from the kind, the vendors and
	// the keys that make the problem the one it is ("key_revoked:openai:prod");
	// Key reads it.
	ID       string   `json:"id,omitempty"`
	Kind     Kind     `json:"kind"`
	Severity Severity `json:"severity"`
	// State is the finding's place in its episode: only an open finding
	// counts toward levels, exit codes, the status line and notifications;
	// a pending or closing one is shown as confirming or recovering. Empty
	// (a report of an older vendorwatch) reads as open.
	State   State     `json:"state,omitempty"`
	Vendors []string  `json:"vendors"`
	Keys    []string  `json:"keys"`
	Title   string    `json:"title"`
	Detail  string    `json:"detail"`
	Advice  []string  `json:"advice"`
	Since   time.Time `json:"since,omitzero"`
	// Holders are where the finding's keys are held besides vendorwatch
	// (config keys[].holders): services of ours, vendors that store them
	// and secret store entries. Every finding about a key lists them.
	Holders []observe.Holder `json:"holders,omitempty"`
	// LeakSource is, on a key revoked while the vendor's other keys live,
	// the id of the one vendor that held the key outside our own services
	// and secret stores: the likely place it leaked from.
	LeakSource string `json:"leak_source,omitempty"`
	// tentative marks a finding that needs a second check to open although
	// its kind does not (upstream_impact whose causes are all pending).
	tentative bool

	// LeadMinutes is, on a vendor_outage we saw before the vendor posted
	// it, how many minutes ahead of the vendor's status page we were.
	LeadMinutes int `json:"lead_minutes,omitempty"`

	// Word, when set, is whose trouble this one finding is, where its
	// kind's word (verdict.go) would be wrong: upstream_impact is THEM, but
	// calls that fail on a dead key we gave the vendor are KEY.
	Word Word `json:"word,omitempty"`
	// Stale marks a finding held from an earlier read because its source
	// could not be read at this check (a vendor's call records while its
	// API is down). A finding of the same severity on fresh evidence leads
	// the verdict before it.
	Stale bool `json:"stale,omitempty"`

	// Silenced is set on a finding a silence mutes (silence.go): it is
	// shown, dimmed, but counts toward nothing.
	Silenced *Silenced `json:"silenced,omitempty"`
}

// Counts reports whether the finding is open and not silenced: it raises
// levels and is announced. A pending, closing or silenced finding is
// shown, not counted.
func (f Finding) Counts() bool { return (f.State == "" || f.State == StateOpen) && f.Silenced == nil }

// Word names a state for people where it is not plainly open: a pending
// finding is "confirming", a closing one "recovering"; "" otherwise.
func (s State) Word() string {
	switch s {
	case StatePending:
		return "confirming"
	case StateClosing:
		return "recovering"
	}
	return ""
}

// Key is the finding's identity: what makes two findings, in two checks
// or two views, the same problem. Correlate's lifecycle opens, continues
// and closes findings by it, the dashboard rings its bell once per key
// turning critical, and the notifiers announce each key's transitions
// once. It is the finding's ID; a finding without one (from a hand-built
// report, or a report of a vendorwatch that wrote none) is named the way
// the rules name theirs, from its own kind, vendors and keys.
func (f Finding) Key() string {
	if f.ID != "" {
		return f.ID
	}
	return findingID(f.Kind, f.Vendors, f.Keys)
}

// findingID names a finding: kind, vendors and keys, "kind:v1,v2:k1,k2".
// A rule passes the vendors and keys that identify the problem, which
// are not always the ones the finding lists: account_keys_revoked is one
// problem of the account whichever keys it names, and upstream_impact is
// one problem per dependent and upstream although it lists the dependent
// alone.
func findingID(kind Kind, vendors, keys []string) string {
	return string(kind) + ":" + strings.Join(vendors, ",") + ":" + strings.Join(keys, ",")
}

// Report is the result of a check: what was seen, what it means and how bad
// it is. Its JSON is schema version 1 of DESIGN §6, the output of
// --once --json, the state dir's snapshot and serve's /api/v1/snapshot.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	GeneratedAt   time.Time `json:"generated_at"`
	Overall       Level     `json:"overall"`
	// Verdict is the answer in a word and the finding behind it.
	Verdict  Verdict        `json:"verdict"`
	Vendors  []VendorReport `json:"vendors"`
	Findings []Finding      `json:"findings"`
	// Rotations are the rotation checklists that are open or closed in
	// the last day (rotation.go), oldest first; absent when there are
	// none.
	Rotations []Rotation `json:"rotations,omitempty"`
}

// SchemaVersion is the version of the Report JSON.
const SchemaVersion = 1

// VendorReport is a vendor's observations plus its level.
type VendorReport struct {
	observe.VendorResult
	Level Level `json:"level"`
}

// Vendor returns the report of a vendor id.
func (r *Report) Vendor(id string) (VendorReport, bool) {
	for i := range r.Vendors {
		// By index: a VendorReport is hundreds of bytes to copy.
		if r.Vendors[i].ID == id {
			return r.Vendors[i], true
		}
	}
	return VendorReport{}, false
}

// findingsByVendor groups findings by the vendors they concern, each
// vendor's in the order of fs: FindingsFor for every vendor at once.
func findingsByVendor(fs []Finding) map[string][]Finding {
	out := map[string][]Finding{}
	for _, f := range fs {
		for i, v := range f.Vendors {
			if !slices.Contains(f.Vendors[:i], v) {
				out[v] = append(out[v], f)
			}
		}
	}
	return out
}

// FindingsFor returns the findings that concern a vendor, in report order.
func (r *Report) FindingsFor(id string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		for _, v := range f.Vendors {
			if v == id {
				out = append(out, f)
				break
			}
		}
	}
	return out
}
