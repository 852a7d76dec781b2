package history

import (
	"fmt"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// callsBase is what the timeline has seen of a vendor's call records
// (VAPI's): the result of the last read.
type callsBase struct {
	Result observe.Result `json:"result"`
}

// callEvents records when a vendor's call records stop being readable and
// when they can be read again. In between, every view shows the counts of
// the last read that worked (observe.CallSummary.CountedAt), so the
// timeline says from when they are. A failure that changes its reason
// while the records stay unreadable is no news.
func callEvents(prev vendorBase, v correlate.VendorReport, now time.Time) (*callsBase, []correlate.Event) {
	cs := v.Calls
	if cs == nil || cs.Result == "" {
		return prev.Calls, nil
	}
	failing := cs.Result != observe.ResultOK
	switch {
	case prev.Calls == nil && !failing:
		return &callsBase{Result: cs.Result}, nil // first sight, readable: quiet
	case prev.Calls != nil && failing == (prev.Calls.Result != observe.ResultOK):
		if failing {
			return prev.Calls, nil // still unreadable
		}
		return &callsBase{Result: cs.Result}, nil
	}
	at := now
	if !cs.CheckedAt.IsZero() {
		at = cs.CheckedAt.UTC()
	}
	text := fmt.Sprintf("Call records read again: %d %s since %s", cs.Calls, plural(cs.Calls, "call", "calls"), cs.Since.UTC().Format("15:04 UTC"))
	if failing {
		text = "Call records unreadable: " + probeWords(cs.Result, cs.HTTPStatus, cs.Code)
		if !cs.CountedAt.IsZero() {
			text += "; the counts shown are from the read at " + cs.CountedAt.UTC().Format("15:04 UTC")
		}
	}
	return &callsBase{Result: cs.Result}, []correlate.Event{{At: at, Vendor: v.ID, Kind: correlate.EventCallRecords, Subject: "calls", Text: text}}
}
