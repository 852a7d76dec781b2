package correlate

import (
	"fmt"
	"math"
	"strings"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Percent formats a ratio (0 to 1) as a percentage in at most five
// characters: "0%", "0.4%", "12%", "100%". Every output writes our
// traffic's error ratios this way.
func Percent(r float64) string {
	p := r * 100
	switch {
	case p <= 0:
		return "0%"
	case p < 9.95:
		return fmt.Sprintf("%.1f%%", p)
	}
	return fmt.Sprintf("%.0f%%", math.Min(p, 100))
}

// RequestRate formats our requests per second: "0.4/s", "3.2/s", "120/s".
func RequestRate(r float64) string {
	if r < 9.95 {
		return fmt.Sprintf("%.1f/s", math.Max(r, 0))
	}
	return fmt.Sprintf("%.0f/s", r)
}

// TrafficCell is the TRAFFIC cell: our error % to the vendor, "-" without
// a traffic source, "unavailable" when Prometheus did not answer, and
// "no series" when it holds none of our requests to the vendor. ok is
// true when the cell holds a percentage.
func TrafficCell(t *observe.Traffic) (text string, ok bool) {
	switch {
	case t == nil:
		return "-", false
	case t.Result != observe.ResultOK:
		return "unavailable", false
	case t.Series == 0:
		return "no series", false
	}
	return Percent(t.Errors.Total()), true
}

// TrafficSeverity is the worst severity among the report's findings
// about a vendor that come from our own traffic (kinds traffic_…), and
// whether there is one: the TRAFFIC cell's colour, so the table and the
// findings agree.
func (r *Report) TrafficSeverity(id string) (Severity, bool) {
	var worst Severity
	found := false
	for _, f := range r.FindingsFor(id) {
		if !strings.HasPrefix(string(f.Kind), "traffic_") {
			continue
		}
		if !found || f.Severity.Rank() > worst.Rank() {
			worst = f.Severity
		}
		found = true
	}
	return worst, found
}
