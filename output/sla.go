package output

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/sla"
)

// SLAReport is what report --sla renders: every vendor's reliability
// over the window, what a damaged history could not give, and the charts
// written beside it.
type SLAReport struct {
	sla.Report
	// Unreadable lists, a sentence each, what could not be read: the
	// figures hold everything else. Empty when complete.
	Unreadable []string
	// Charts are the chart files by vendor id (report --sla --charts),
	// as the Markdown links them.
	Charts map[string]string
}

// slaJSON is the JSON of report --sla --format json; its field names are
// part of the interface (README, "Vendor reliability").
type slaJSON struct {
	Since         time.Time       `json:"since"`
	Until         time.Time       `json:"until"`
	BucketMinutes float64         `json:"bucket_minutes"`
	Vendors       []slaVendorJSON `json:"vendors"`
	Unreadable    []string        `json:"unreadable,omitempty"`
}

type slaVendorJSON struct {
	ID                string          `json:"id"`
	Name              string          `json:"name"`
	WindowMinutes     float64         `json:"window_minutes"`
	ObservedMinutes   float64         `json:"observed_minutes"`
	UnobservedMinutes float64         `json:"unobserved_minutes"`
	FailingMinutes    float64         `json:"probe_failing_minutes"`
	PageMinutes       float64         `json:"page_non_operational_minutes"`
	UnreportedMinutes float64         `json:"unreported_minutes"`
	LeadMinutes       *float64        `json:"median_lead_minutes"`
	LeadOutages       int             `json:"lead_outages"`
	Incidents         int             `json:"incidents"`
	Uptime            *float64        `json:"uptime"`
	UptimePercent     *float64        `json:"uptime_percent"`
	Chart             string          `json:"chart,omitempty"`
	Buckets           []slaBucketJSON `json:"buckets"`
}

type slaBucketJSON struct {
	Start           time.Time `json:"start"`
	FailingMinutes  float64   `json:"probe_failing_minutes"`
	ObservedMinutes float64   `json:"observed_minutes"`
}

// round2 keeps two decimals: minutes to a second's precision or so.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// uptimes is the uptime as a fraction (six decimals) and a percentage
// (four), nil when nothing was observed.
func uptimes(u *float64) (*float64, *float64) {
	if u == nil {
		return nil, nil
	}
	f, p := math.Round(*u*1e6)/1e6, math.Round(*u*1e6)/1e4
	return &f, &p
}

// WriteSLAJSON writes the reliability report as indented JSON, redacted.
func WriteSLAJSON(w io.Writer, r SLAReport) error {
	r = redact.Value(r)
	out := slaJSON{Since: r.Since, Until: r.Until, BucketMinutes: round2(r.Bucket.Minutes()), Vendors: []slaVendorJSON{}, Unreadable: r.Unreadable}
	for _, v := range r.Vendors {
		j := slaVendorJSON{ID: v.ID, Name: v.Name, WindowMinutes: round2(v.WindowMinutes), ObservedMinutes: round2(v.ObservedMinutes),
			UnobservedMinutes: round2(v.UnobservedMinutes), FailingMinutes: round2(v.FailingMinutes), PageMinutes: round2(v.PageMinutes),
			UnreportedMinutes: round2(v.UnreportedMinutes), LeadOutages: v.LeadOutages, Incidents: v.Incidents, Chart: r.Charts[v.ID],
			Buckets: []slaBucketJSON{}}
		if v.LeadMinutes != nil {
			l := round2(*v.LeadMinutes)
			j.LeadMinutes = &l
		}
		j.Uptime, j.UptimePercent = uptimes(v.Uptime)
		for _, b := range v.Buckets {
			j.Buckets = append(j.Buckets, slaBucketJSON{Start: b.Start, FailingMinutes: round2(b.FailingMinutes), ObservedMinutes: round2(b.ObservedMinutes)})
		}
		out.Vendors = append(out.Vendors, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// slaCSVHeader is the CSV's header row: the JSON's per-vendor fields
// but the buckets.
var slaCSVHeader = []string{"id", "name", "window_minutes", "observed_minutes", "unobserved_minutes", "probe_failing_minutes",
	"page_non_operational_minutes", "unreported_minutes", "median_lead_minutes", "lead_outages", "incidents", "uptime", "uptime_percent"}

// WriteSLACSV writes the reliability report as CSV: a header row, then a
// row per vendor. An empty cell is a figure that has no value (no lead,
// no uptime). Cells a spreadsheet would take for a formula are quoted
// with a leading apostrophe.
func WriteSLACSV(w io.Writer, r SLAReport) error {
	r = redact.Value(r)
	cw := csv.NewWriter(w)
	if err := cw.Write(slaCSVHeader); err != nil {
		return fmt.Errorf("writing the CSV: %w", err)
	}
	for _, v := range r.Vendors {
		lead := ""
		if v.LeadMinutes != nil {
			lead = num(round2(*v.LeadMinutes))
		}
		up, pct := "", ""
		if f, p := uptimes(v.Uptime); f != nil {
			up, pct = num(*f), num(*p)
		}
		row := []string{csvCell(v.ID), csvCell(termtext.Line(v.Name)), num(round2(v.WindowMinutes)), num(round2(v.ObservedMinutes)),
			num(round2(v.UnobservedMinutes)), num(round2(v.FailingMinutes)), num(round2(v.PageMinutes)), num(round2(v.UnreportedMinutes)),
			lead, strconv.Itoa(v.LeadOutages), strconv.Itoa(v.Incidents), up, pct}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("writing the CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the CSV: %w", err)
	}
	return nil
}

// csvCell keeps a spreadsheet from reading s as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// minutesText is a number of minutes for people: "130 min", "12.5 min".
func minutesText(x float64) string { return num(math.Round(x*10)/10) + " min" }

// uptimeText is an uptime for people: "99.6979%", "100%", "—".
func uptimeText(u *float64) string {
	if _, p := uptimes(u); p != nil {
		return num(*p) + "%"
	}
	return "—"
}

// leadText is a median lead for people: "25 min (1 outage)", "—".
func leadText(v sla.Vendor) string {
	if v.LeadMinutes == nil {
		return "—"
	}
	return fmt.Sprintf("%s (%s)", minutesText(*v.LeadMinutes), plural(v.LeadOutages, "outage"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// sparkBlocks draw a bucket's failing minutes, lowest to highest.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws a vendor's failing minutes per bucket: ▁ none, ▂ to █
// scaled to the vendor's worst bucket, · a bucket nothing observed.
func Sparkline(v sla.Vendor) string {
	worst := 0.0
	for _, b := range v.Buckets {
		worst = max(worst, b.FailingMinutes)
	}
	var s strings.Builder
	for _, b := range v.Buckets {
		switch {
		case b.ObservedMinutes == 0:
			s.WriteRune('·')
		case b.FailingMinutes == 0:
			s.WriteRune(sparkBlocks[0])
		default:
			s.WriteRune(sparkBlocks[1+min(6, int(b.FailingMinutes/worst*7))])
		}
	}
	return s.String()
}

// durationWords is a bucket's length: "1 day", "6 hours", "48 min".
func durationWords(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return plural(int(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	}
	return minutesText(d.Minutes())
}

// slaLegend says what the figures mean, a line each, under the table.
var slaLegend = []string{
	"Probes failing: every probed key of the vendor got a vendor error, a timeout or no answer.",
	"Page not operational: the status page said degraded, partial or major outage, or maintenance.",
	"Unreported: probes failing while the page said operational.",
	"Median lead: how long before the vendor posted an outage our probes first failed (0 when the page was first).",
	"Uptime: 1 − failing ÷ observed. Time no probe covered (a gap in our monitoring) or our own network was down (network_local) is not observed: it counts neither way.",
}

// WriteSLAMarkdown writes the reliability report for a document: a table
// of the figures, what they mean, and each vendor's sparkline (and chart,
// when written).
func WriteSLAMarkdown(w io.Writer, r SLAReport) error {
	r = redact.Value(r)
	var b strings.Builder
	fmt.Fprintf(&b, "# Vendor reliability: %s\n\n", windowText(r.Since, r.Until))
	b.WriteString("From vendorwatch's history. Times are UTC; minutes are wall-clock minutes of the window.\n\n")
	if len(r.Unreadable) > 0 {
		b.WriteString("> **Incomplete:** part of the history could not be read. Missing:\n>\n")
		for _, u := range r.Unreadable {
			fmt.Fprintf(&b, "> - %s\n", mdCell(u))
		}
		b.WriteString("\n")
	}
	if len(r.Vendors) == 0 {
		b.WriteString("The history holds nothing about any vendor in this window.\n")
		_, err := io.WriteString(w, redact.String(b.String()))
		return err
	}
	b.WriteString("| Vendor | Probes failing | Page not operational | Unreported | Median lead | Incidents | Uptime (measured) | Not observed |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, v := range r.Vendors {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d | %s | %s |\n", mdCell(termtext.Line(v.Name)), minutesText(v.FailingMinutes),
			minutesText(v.PageMinutes), minutesText(v.UnreportedMinutes), leadText(v), v.Incidents, uptimeText(v.Uptime), minutesText(v.UnobservedMinutes))
	}
	b.WriteString("\n")
	for _, l := range slaLegend {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "## Probes failing, a bar per %s\n\n", strings.TrimPrefix(durationWords(r.Bucket), "1 "))
	b.WriteString("▁ no failure, ▂ to █ up to the vendor's worst bar, · not observed.\n\n")
	for _, v := range r.Vendors {
		fmt.Fprintf(&b, "### %s\n\n`%s` %s at worst\n\n", mdCell(termtext.Line(v.Name)), Sparkline(v), minutesText(worstBucket(v)))
		if c := r.Charts[v.ID]; c != "" {
			fmt.Fprintf(&b, "![%s: minutes our probes failed](%s)\n\n", mdCell(termtext.Line(v.Name)), mdPath(c))
		}
	}
	_, err := io.WriteString(w, redact.String(b.String()))
	return err
}

// mdPath is a file path as a Markdown link target.
func mdPath(p string) string {
	return (&url.URL{Path: strings.ReplaceAll(p, `\`, "/")}).EscapedPath()
}

func worstBucket(v sla.Vendor) float64 {
	worst := 0.0
	for _, b := range v.Buckets {
		worst = max(worst, b.FailingMinutes)
	}
	return worst
}

// WriteSLAText writes the reliability report for a terminal: the figures
// as an aligned table, then each vendor's sparkline.
func WriteSLAText(w io.Writer, r SLAReport) error {
	r = redact.Value(r)
	var b strings.Builder
	fmt.Fprintf(&b, "Vendor reliability, %s\n\n", windowText(r.Since, r.Until))
	for _, u := range r.Unreadable {
		fmt.Fprintf(&b, "Incomplete: %s\n", termtext.Line(u))
	}
	if len(r.Vendors) == 0 {
		b.WriteString("The history holds nothing about any vendor in this window.\n")
		_, err := io.WriteString(w, redact.String(b.String()))
		return err
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VENDOR\tPROBES FAILING\tPAGE NOT OPERATIONAL\tUNREPORTED\tMEDIAN LEAD\tINCIDENTS\tUPTIME\tNOT OBSERVED")
	for _, v := range r.Vendors {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", termtext.Clip(termtext.Line(v.Name), 30), minutesText(v.FailingMinutes),
			minutesText(v.PageMinutes), minutesText(v.UnreportedMinutes), leadText(v), v.Incidents, uptimeText(v.Uptime), minutesText(v.UnobservedMinutes))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\nProbes failing, a bar per %s (▁ none, █ the vendor's worst, · not observed):\n", strings.TrimPrefix(durationWords(r.Bucket), "1 "))
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, v := range r.Vendors {
		fmt.Fprintf(tw, "  %s\t%s\t%s at worst\n", termtext.Clip(termtext.Line(v.Name), 30), Sparkline(v), minutesText(worstBucket(v)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\n")
	for _, l := range slaLegend {
		fmt.Fprintf(&b, "%s\n", l)
	}
	_, err := io.WriteString(w, redact.String(b.String()))
	return err
}
