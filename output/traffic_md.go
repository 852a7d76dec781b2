package output

import (
	"fmt"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// TrafficSeries is one vendor's recent production traffic as the report
// has it: the series the latest check in the history carries (Prometheus
// gives the last hour at each check), cut to the report's window.
type TrafficSeries struct {
	Vendor     string                 `json:"vendor"`
	VendorName string                 `json:"vendor_name"`
	CheckedAt  time.Time              `json:"checked_at"`
	Rate       float64                `json:"rate"`
	Errors     observe.TrafficErrors  `json:"errors"`
	Points     []observe.TrafficPoint `json:"points"`
}

// TrafficSeriesOf is the report's traffic of a vendor from a check's
// result: nil when the vendor has no traffic source or Prometheus did
// not answer. Points outside [since, until) are left out.
func TrafficSeriesOf(v observe.VendorResult, since, until time.Time) *TrafficSeries {
	t := v.Traffic
	if t == nil || t.Result != observe.ResultOK {
		return nil
	}
	s := &TrafficSeries{Vendor: v.ID, VendorName: v.Name, CheckedAt: t.CheckedAt.UTC(), Rate: t.Rate, Errors: t.Errors, Points: []observe.TrafficPoint{}}
	for _, p := range t.Points {
		if !p.At.Before(since) && p.At.Before(until) {
			s.Points = append(s.Points, p)
		}
	}
	return s
}

// trafficStep is the step of the Markdown traffic table.
const trafficStep = 5 * time.Minute

// writeTrafficMarkdown writes the "Our traffic" section: for each vendor
// with a traffic source, its rate and error ratio by class at the latest
// check, and the series in 5-minute steps (the mean rate and the worst
// error ratio of each step, so a short spike is not averaged away).
func writeTrafficMarkdown(b *strings.Builder, series []TrafficSeries) {
	if len(series) == 0 {
		return
	}
	b.WriteString("## Our traffic\n\n")
	b.WriteString("Our own production requests to each vendor, from Prometheus. The history keeps the series of the latest check only: the hour before it.\n\n")
	for _, s := range series {
		fmt.Fprintf(b, "### %s\n\n", mdCell(mdOrDash(s.VendorName)))
		e := s.Errors
		fmt.Fprintf(b, "At %s: %s of our requests, %s failed (auth %s, throttled %s, vendor %s, network %s, client %s).\n\n",
			s.CheckedAt.UTC().Format("2006-01-02 15:04"), correlate.RequestRate(s.Rate), correlate.Percent(e.Total()),
			correlate.Percent(e.Auth), correlate.Percent(e.Throttled), correlate.Percent(e.Vendor), correlate.Percent(e.Network), correlate.Percent(e.Client))
		if len(s.Points) == 0 {
			b.WriteString("No point of the series falls in this report's window.\n\n")
			continue
		}
		b.WriteString("| Time | Requests | Failed (worst) |\n|---|---|---|\n")
		for _, st := range trafficSteps(s.Points) {
			fmt.Fprintf(b, "| %s | %s | %s |\n", st.At.UTC().Format("15:04"), correlate.RequestRate(st.Rate), correlate.Percent(st.Errors))
		}
		b.WriteString("\n")
	}
}

// trafficSteps folds a series into trafficStep steps: the mean rate and
// the worst error ratio of each.
func trafficSteps(points []observe.TrafficPoint) []observe.TrafficPoint {
	var out []observe.TrafficPoint
	n := 0
	for _, p := range points {
		at := p.At.Truncate(trafficStep)
		if len(out) == 0 || !out[len(out)-1].At.Equal(at) {
			if n > 0 {
				out[len(out)-1].Rate /= float64(n)
			}
			out = append(out, observe.TrafficPoint{At: at})
			n = 0
		}
		last := &out[len(out)-1]
		last.Rate += p.Rate
		last.Errors = max(last.Errors, p.Errors)
		n++
	}
	if n > 0 {
		out[len(out)-1].Rate /= float64(n)
	}
	return out
}
