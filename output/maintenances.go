package output

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// WriteMaintenances prints the calendar as a plain table: when, vendor,
// title, the components touched and the vendor's link. Everything a
// vendor wrote is redacted and cleaned of terminal controls first. loc is the time
// zone the times are shown in.
func WriteMaintenances(w io.Writer, list []correlate.ScheduledMaintenance, now time.Time, loc *time.Location) error {
	list = redact.Value(list)
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "No maintenance in progress or scheduled on the vendors' status pages.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tVENDOR\tMAINTENANCE\tCOMPONENTS")
	for _, m := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", window(m, now, loc), termtext.Line(m.VendorID),
			termtext.Clip(termtext.Line(m.Title), 60), components(m.Maintenance))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the maintenance table: %w", err)
	}
	for _, m := range list {
		if m.URL != "" {
			fmt.Fprintf(w, "  %s: %s\n", termtext.Line(m.VendorID), termtext.Line(m.URL))
		}
	}
	return nil
}

// window says when a maintenance runs, relative to now for the start.
func window(m correlate.ScheduledMaintenance, now time.Time, loc *time.Location) string {
	layout := "Mon 02 Jan 15:04"
	if (!m.StartsAt.IsZero() && m.StartsAt.In(loc).Year() != now.In(loc).Year()) ||
		(!m.EndsAt.IsZero() && m.EndsAt.In(loc).Year() != now.In(loc).Year()) {
		// A window in another year names it.
		layout = "Mon 02 Jan 2006 15:04"
	}
	var b strings.Builder
	if m.InProgress {
		b.WriteString("now")
		if !m.EndsAt.IsZero() {
			b.WriteString(" until " + m.EndsAt.In(loc).Format(layout))
		}
		return b.String()
	}
	if m.StartsAt.IsZero() {
		return "unscheduled"
	}
	b.WriteString(m.StartsAt.In(loc).Format(layout))
	if !m.EndsAt.IsZero() {
		b.WriteString("–" + m.EndsAt.In(loc).Format("15:04"))
	}
	b.WriteString(" (in " + roughDuration(m.StartsAt.Sub(now)) + ")")
	return b.String()
}

// roughDuration is d in its largest unit: 3d, 5h, 20m.
func roughDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	case d >= time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	default:
		return fmt.Sprintf("%dm", max(int(d/time.Minute), 0))
	}
}

// components lists the touched components, cleaned, or says the page
// named none.
func components(m observe.Maintenance) string {
	if len(m.Components) == 0 && m.ComponentsOmitted == 0 {
		return "(not named)"
	}
	names := make([]string, 0, len(m.Components))
	for _, c := range m.Components {
		names = append(names, termtext.Line(c))
	}
	s := strings.Join(names, ", ")
	if m.ComponentsOmitted > 0 {
		s += fmt.Sprintf(" and %d more", m.ComponentsOmitted)
	}
	return termtext.Clip(s, 80)
}
