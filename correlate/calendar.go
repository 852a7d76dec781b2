package correlate

import (
	"cmp"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// ScheduledMaintenance is one vendor's maintenance window that is in
// progress or still to come, as the maintenance calendar lists it.
type ScheduledMaintenance struct {
	VendorID   string `json:"vendor"`
	VendorName string `json:"vendor_name"`
	observe.Maintenance
	// InProgress is true when the window is running at the time the list
	// was made.
	InProgress bool `json:"in_progress"`
}

// UpcomingMaintenances gathers, across the report's vendors, the
// maintenances in progress at now or scheduled to start later, in progress
// first, then by start time. Finished, cancelled and already-ended windows
// are left out.
func (r *Report) UpcomingMaintenances(now time.Time) []ScheduledMaintenance {
	var out []ScheduledMaintenance
	for _, v := range r.Vendors {
		for _, m := range v.Status.Maintenances {
			if ended(m, now) {
				continue
			}
			out = append(out, ScheduledMaintenance{VendorID: v.ID, VendorName: v.Name, Maintenance: m, InProgress: m.Active(now)})
		}
	}
	slices.SortStableFunc(out, func(a, b ScheduledMaintenance) int {
		if a.InProgress != b.InProgress {
			if a.InProgress {
				return -1
			}
			return 1
		}
		if c := a.StartsAt.Compare(b.StartsAt); c != 0 {
			return c
		}
		return cmp.Compare(a.VendorID, b.VendorID)
	})
	return out
}

// ended reports whether the maintenance is over (or called off) at now.
func ended(m observe.Maintenance, now time.Time) bool {
	switch m.Status {
	case "completed", "resolved", "cancelled", "canceled", "postmortem":
		return true
	}
	if m.Active(now) {
		return false
	}
	return !m.EndsAt.IsZero() && !now.Before(m.EndsAt)
}
