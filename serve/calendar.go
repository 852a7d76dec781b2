package serve

import (
	"bytes"
	"net/http"

	"github.com/vendorwatch/vendorwatch/output"
)

// contentTypeCalendar is the media type of an iCalendar feed (RFC 5545 §8.1).
const contentTypeCalendar = "text/calendar; charset=utf-8"

// maintenancesICS is the maintenance calendar of the latest report as an
// iCalendar feed, for calendar apps to subscribe to. Its event UIDs are
// stable across reports, so a calendar updates a window rather than
// adding it again; DTSTAMP is when the report was made.
func (s *Server) maintenancesICS(w http.ResponseWriter, r *http.Request) {
	rep := s.state().report
	now := s.opts.Now()
	stamp := rep.GeneratedAt
	if stamp.IsZero() {
		stamp = now
	}
	var buf bytes.Buffer
	if err := output.WriteICS(&buf, rep.UpcomingMaintenances(now), stamp); err != nil {
		s.logf("vendorwatch: %s: %v", pathMaintenancesICS, err)
		httpError(w, http.StatusInternalServerError, "encoding the calendar failed")
		return
	}
	newBody(contentTypeCalendar, buf.Bytes()).serve(w, r)
}
