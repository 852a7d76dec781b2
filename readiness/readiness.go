// Package readiness judges whether vendorwatch is ready for the next
// incident: the audit log answers, the admin key is not about to expire,
// canaries exist and stay unused, each external holder has its own key,
// every secret resolves in time, secret stores and status sources are
// watched, key probes classify, notifiers deliver and the state dir is
// private. It takes plain data that app gathers (vendorwatch doctor) and
// gives checks, each pass, warn or fail with the fix, and renders them as
// text or JSON. It does no I/O of its own.
package readiness

import (
	"time"
)

// Level is a check's outcome, ordered pass < warn < fail.
type Level string

// The levels of a check.
const (
	Pass Level = "pass"
	Warn Level = "warn"
	Fail Level = "fail"
)

// rank orders the levels.
func (l Level) rank() int {
	switch l {
	case Warn:
		return 1
	case Fail:
		return 2
	}
	return 0
}

// ExitCode is the exit code of a run whose worst check has this level:
// 0 pass, 1 warn, 2 fail, like --once's ok, warning and critical.
func (l Level) ExitCode() int { return l.rank() }

// Check names, the "check" member of the JSON.
const (
	CheckStateDir     = "state_dir"
	CheckSecret       = "secret"
	CheckSecretStore  = "secret_store"
	CheckSharedKey    = "shared_key"
	CheckAuditLog     = "audit_log"
	CheckKeyList      = "key_list"
	CheckAdminExpiry  = "admin_key_expiry"
	CheckCanary       = "canary"
	CheckStatusSource = "status_source"
	CheckKeyProbe     = "key_probe"
	CheckNotifier     = "notifier"
	CheckNoVendors    = "vendors"
)

// Check is one readiness check's outcome.
type Check struct {
	// Check names what was checked (CheckAuditLog, ...).
	Check string `json:"check"`
	// Subject is what it was checked on: a vendor id, vendor/key, a
	// notifier's name, a status source's URL, the state dir.
	Subject string `json:"subject"`
	Level   Level  `json:"level"`
	// Summary is one sentence on what was found.
	Summary string `json:"summary"`
	// Fix says what to do; empty when the check passed.
	Fix string `json:"fix,omitempty"`
	// DurationMS is how long it took, where that matters (a cmd: secret).
	DurationMS int64 `json:"duration_ms,omitempty"`
}

// SchemaVersion is the version of the report's JSON.
const SchemaVersion = 1

// Report is every check of one doctor run.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	GeneratedAt   time.Time `json:"generated_at"`
	// Config says where the config came from.
	Config string `json:"config"`
	// Overall is the worst level of the checks.
	Overall Level `json:"overall"`
	// Counts counts the checks by level.
	Counts Counts  `json:"counts"`
	Checks []Check `json:"checks"`
}

// Counts counts checks by level.
type Counts struct {
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
}

// NewReport gathers checks into a report with their overall level.
func NewReport(config string, at time.Time, checks []Check) Report {
	r := Report{SchemaVersion: SchemaVersion, GeneratedAt: at.UTC(), Config: config, Overall: Pass, Checks: checks}
	if r.Checks == nil {
		r.Checks = []Check{}
	}
	for _, c := range checks {
		switch c.Level {
		case Fail:
			r.Counts.Fail++
		case Warn:
			r.Counts.Warn++
		default:
			r.Counts.Pass++
		}
		if c.Level.rank() > r.Overall.rank() {
			r.Overall = c.Level
		}
	}
	return r
}
