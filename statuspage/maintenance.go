package statuspage

import (
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// SettleMaintenances gives each scheduled maintenance of s the status its
// window has at now: "in_progress" from its start, "completed" from its
// end. A reader cannot do this itself, as it has no clock and its model is
// kept and reused while the document does not change; the caller settles
// the model with the check's clock each time it is read. Maintenances in
// any other status are the vendor's word and are left alone: a Statuspage
// maintenance still in progress past its planned end is still in
// progress. The list is copied before it changes, so a model shared with
// a cache is never written to.
func SettleMaintenances(s *observe.Status, now time.Time) {
	if s == nil || now.IsZero() {
		return
	}
	changed := false
	for i, m := range s.Maintenances {
		status := settled(m, now)
		if status == m.Status {
			continue
		}
		if !changed {
			s.Maintenances = slices.Clone(s.Maintenances)
			changed = true
		}
		s.Maintenances[i].Status = status
	}
}

// settled is the status of a maintenance at now.
func settled(m observe.Maintenance, now time.Time) string {
	if m.Status != "scheduled" || m.StartsAt.IsZero() || now.Before(m.StartsAt) {
		return m.Status
	}
	if !m.EndsAt.IsZero() && !now.Before(m.EndsAt) {
		return "completed"
	}
	return "in_progress"
}
