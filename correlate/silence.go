package correlate

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Silence mutes the findings it matches until a time, as an Alertmanager
// silence does: a silenced finding stays in the report, marked with who
// silenced it and until when, but it no longer raises levels, the exit
// code, the status line or notifications. A silence matches a vendor, and
// optionally one kind of finding and one key name of that vendor.
type Silence struct {
	ID     int64  `json:"id"`
	Vendor string `json:"vendor"`
	// Kind and Key narrow the silence; empty matches any.
	Kind    Kind      `json:"kind,omitempty"`
	Key     string    `json:"key,omitempty"`
	Comment string    `json:"comment"`
	By      string    `json:"by"`
	Created time.Time `json:"created"`
	Until   time.Time `json:"until"`
	// Expired is when the silence was ended by hand before Until; zero
	// while it runs or when it ran out by itself.
	Expired time.Time `json:"expired,omitzero"`
}

// Silenced is what a silenced finding carries: the silence behind it.
type Silenced struct {
	ID      int64     `json:"id"`
	By      string    `json:"by"`
	Until   time.Time `json:"until"`
	Comment string    `json:"comment,omitempty"`
}

// MaxSilence is the longest a silence may last: a forgotten silence
// should not hide a vendor for good.
const MaxSilence = 30 * 24 * time.Hour

// Validate reports what is wrong with a silence about to be stored.
func (s Silence) Validate() error {
	switch {
	case s.Vendor == "":
		return errors.New("a silence needs a vendor")
	case s.Comment == "":
		return errors.New("a silence needs a comment saying why")
	case !s.Until.After(s.Created):
		return errors.New("a silence must end after it starts")
	case s.Until.Sub(s.Created) > MaxSilence:
		return fmt.Errorf("a silence lasts at most %s", Span(MaxSilence))
	}
	return nil
}

// Active reports whether the silence mutes findings at now.
func (s Silence) Active(now time.Time) bool {
	return now.Before(s.Until) && (s.Expired.IsZero() || now.Before(s.Expired))
}

// Matches reports whether the silence covers the finding: the finding is
// about the silence's vendor (among others or alone),
// of its kind and about its key, where those are given.
func (s Silence) Matches(f Finding) bool {
	if !slices.Contains(f.Vendors, s.Vendor) {
		return false
	}
	if s.Kind != "" && f.Kind != s.Kind {
		return false
	}
	if s.Key != "" && !slices.Contains(f.Keys, s.Key) {
		return false
	}
	return true
}

// ApplySilences marks the report's findings that an active silence
// matches, clears the marks of silences no longer active (a report
// stored earlier may carry them), and computes the vendors' levels, the overall level and the
// verdict again without them. The latest-ending silence is the one shown
// when several match. The report is returned changed; r is not.
func ApplySilences(r Report, ss []Silence, now time.Time) Report {
	var active []Silence
	for _, s := range ss {
		if s.Active(now) {
			active = append(active, s)
		}
	}
	fs := slices.Clone(r.Findings)
	changed := false
	for i := range fs {
		var best *Silence
		for j := range active {
			if active[j].Matches(fs[i]) && (best == nil || active[j].Until.After(best.Until)) {
				best = &active[j]
			}
		}
		var mark *Silenced
		if best != nil {
			mark = &Silenced{ID: best.ID, By: best.By, Until: best.Until, Comment: best.Comment}
		}
		if !sameMark(fs[i].Silenced, mark) {
			fs[i].Silenced = mark
			changed = true
		}
	}
	if !changed {
		return r
	}
	r.Findings = fs
	vs := slices.Clone(r.Vendors)
	byVendor := findingsByVendor(fs)
	for i := range vs {
		vs[i].Level = vendorLevel(vs[i].VendorResult, byVendor[vs[i].ID])
	}
	r.Vendors = vs
	r.Overall = overallLevel(vs, fs)
	r.Verdict = VerdictOf(r)
	return r
}

// sameMark reports whether two silence marks are the same silence.
func sameMark(a, b *Silenced) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.ID == b.ID && a.Until.Equal(b.Until)
}

// Kinds are the kinds of finding vendorwatch files: what a silence's
// kind may name.
var Kinds = []Kind{KindNetworkLocal, KindKeyRevoked, KindKeyLeakSuspected, KindAccountKeysRevoked, KindAccountDisabled, KindQuotaExceeded, KindKeyNoPermission, KindKeyMisconfigured, KindRateLimited, KindSecretMissing, KindVendorOutage, KindVendorOutageUnreported, KindVendorIncident, KindStatusSourceDown, KindUpstreamImpact, KindKeyRejectedDuringIncident, KindKeyDeleted, KindKeyVanished, KindKeyExpiring, KindDashboardDown, KindCanaryUsed, KindKeyVisibility, KindInventoryUnreadable, KindTrafficAuthErrors, KindTrafficVendorErrors, KindTrafficNetworkErrors, KindTrafficThrottled, KindTrafficSourceDown}
