package app

import (
	"context"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/output"
)

// reportTraffic adds our own traffic to an incident report: the series
// that the latest check in the history carries for each vendor (the hour
// before it), cut to the report's window. The history keeps no older
// series; a report of an earlier window then shows none, and says so.
func reportTraffic(ctx context.Context, store *history.Store, rep *output.IncidentReport, from, to time.Time, vendors []string) {
	st, err := store.Load(ctx)
	if err != nil {
		rep.Unreadable = append(rep.Unreadable, "our traffic at the latest check: "+err.Error())
		return
	}
	if st.Report == nil {
		return
	}
	for _, v := range st.Report.Vendors {
		if len(vendors) > 0 && !slices.Contains(vendors, v.ID) {
			continue
		}
		if s := output.TrafficSeriesOf(v.VendorResult, from, to); s != nil {
			rep.Traffic = append(rep.Traffic, *s)
		}
	}
}
