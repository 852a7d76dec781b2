package statuspage

import (
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// ResolvedDetail is how long after its end a resolved incident keeps
// every update. While an incident is recent its updates are the story of
// a recovery the on-call engineer may be checking (the dashboard's
// detail and traffic chart show each one). Later it is context: its
// title, times and newest update (the resolution, often a long incident
// report) say what it was, and the page's link has the rest.
const ResolvedDetail = 24 * time.Hour

// SettleResolved cuts every resolved incident of s that ended more than
// ResolvedDetail before now down to its newest update, counting the ones
// left out in UpdatesOmitted, and clips its LatestUpdate, the newest
// update again on one line, to maxLine characters like a title: the
// update itself stays whole. Kept whole, the few resolved incidents a
// history document (Google's, a feed) keeps were half of a 200-vendor
// report, written again to the snapshot, the history and serve's API
// after every change, months after the incidents ended; a Google
// incident report then still came twice (7.6 KB each).
//
// Like SettleMaintenances it is the caller's to apply with the check's
// clock each time the model is read, and it copies the list before it
// changes it, so a model shared with a cache is never written to. An
// incident whose end is unknown is left whole.
func SettleResolved(s *observe.Status, now time.Time) {
	if s == nil || now.IsZero() {
		return
	}
	changed := false
	cutoff := now.Add(-ResolvedDetail)
	for i, in := range s.Incidents {
		if !endedBefore(in, cutoff) {
			continue
		}
		latest := termtext.Clip(in.LatestUpdate, maxLine)
		if len(in.Updates) <= 1 && latest == in.LatestUpdate {
			continue
		}
		if !changed {
			s.Incidents = slices.Clone(s.Incidents)
			changed = true
		}
		cut := &s.Incidents[i]
		cut.LatestUpdate = latest
		if len(cut.Updates) > 1 {
			cut.UpdatesOmitted += len(cut.Updates) - 1
			cut.Updates = slices.Clip(cut.Updates[:1])
		}
	}
}

// endedBefore reports whether in is resolved and ended before t: at its
// resolution, else at its last update, as the page gives them.
func endedBefore(in observe.Incident, t time.Time) bool {
	if !in.Resolved() {
		return false
	}
	end := in.ResolvedAt
	if end.IsZero() {
		end = in.UpdatedAt
	}
	if end.IsZero() && len(in.Updates) > 0 {
		end = in.Updates[0].At
	}
	return !end.IsZero() && end.Before(t)
}
