package history

import (
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// trafficEvents records when our traffic to a vendor stops being
// readable (Prometheus down, slow, or refusing the query) and when it can
// be read again. The traffic's own numbers are in the snapshot; what they
// mean is the findings'. A vendor without the signal adds nothing, and
// the first read adds an event only when it fails.
func trafficEvents(prev vendorBase, v correlate.VendorReport, now time.Time) (*probeBase, []correlate.Event) {
	t := v.Traffic
	if t == nil {
		return prev.Traffic, nil
	}
	nb := &probeBase{Result: t.Result}
	failing := t.Result != observe.ResultOK
	wasFailing := prev.Traffic != nil && prev.Traffic.Result != observe.ResultOK
	if failing == wasFailing {
		return nb, nil // one event per outage, however its cause changes
	}
	var text string
	switch {
	case failing:
		text = "Our traffic (Prometheus) cannot be read: " + string(t.Result)
		if e := termtext.Clip(termtext.Line(t.Error), 200); e != "" {
			text += " (" + e + ")"
		}
	case prev.Traffic != nil:
		text = "Our traffic (Prometheus) can be read again: " + string(prev.Traffic.Result) + " → ok"
	default:
		return nb, nil
	}
	at := now
	if !t.CheckedAt.IsZero() {
		at = t.CheckedAt.UTC()
	}
	return nb, []correlate.Event{{At: at, Vendor: v.ID, Kind: correlate.EventTrafficSource, Subject: "traffic", Text: text}}
}
