package output

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/jsonarrays"
	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// IncidentReport is a stretch of history: what `vendorwatch report`
// renders as Markdown or JSON.
type IncidentReport struct {
	// Since and Until bound the window (Until exclusive).
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Vendors is the --vendor filter; empty means all vendors.
	Vendors []string `json:"vendors"`
	// Findings are those open at any time in the window.
	Findings []correlate.FindingRecord `json:"findings"`
	// Timeline is every recorded event in the window, oldest first.
	Timeline []correlate.Event `json:"timeline"`
	// Rotations are the rotation checklists open at any time in the
	// window, oldest first.
	Rotations []correlate.Rotation `json:"rotations,omitempty"`
	// Traffic is our own production traffic to each vendor with a traffic
	// source, as the latest check in the history has it.
	Traffic []TrafficSeries `json:"traffic,omitempty"`
	// Unreadable lists, a sentence each, what a damaged history could
	// not give: the report holds everything else. Empty when complete.
	Unreadable []string `json:"unreadable,omitempty"`
}

// WriteIncidentJSON writes the report as indented JSON, redacted.
func WriteIncidentJSON(w io.Writer, r IncidentReport) error {
	r = jsonarrays.Of(redact.Value(r)) // every list an array, never null
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteMarkdown writes the incident report for a postmortem: a summary,
// the findings with evidence and advice, and a timeline table (Time |
// Vendor | Event) with the vendors' incident links. Times are UTC. All
// text from vendors was sanitized when it was recorded; here it is also
// escaped so it cannot break the table or inject links or HTML. The
// report goes through the redactor before it is escaped (an escape could
// split a key) and the Markdown after: it is pasted into postmortems,
// tickets and the clipboard.
func WriteMarkdown(w io.Writer, r IncidentReport) error {
	r = redact.Value(r)
	var b strings.Builder
	day := sameDay(r)
	fmt.Fprintf(&b, "# Incident report: %s\n\n", windowText(r.Since, r.Until))
	scope := "all vendors"
	if len(r.Vendors) > 0 {
		scope = "vendors " + strings.Join(r.Vendors, ", ")
	}
	fmt.Fprintf(&b, "From vendorwatch's history (%s). Times are UTC.\n\n", scope)
	if len(r.Unreadable) > 0 {
		b.WriteString("> **Incomplete:** the history database is damaged, and this report holds only what could be read. Missing:\n>\n")
		for _, u := range r.Unreadable {
			fmt.Fprintf(&b, "> - %s\n", mdCell(u))
		}
		b.WriteString("\n")
	}

	b.WriteString("## Summary\n\n")
	writeSummary(&b, r)

	b.WriteString("\n## Findings\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("No findings in this window.\n\n")
	}
	for _, f := range r.Findings {
		writeFinding(&b, f)
	}
	writeRotationsMarkdown(&b, r.Rotations)
	writeTrafficMarkdown(&b, r.Traffic)

	b.WriteString("## Timeline\n\n")
	if len(r.Timeline) == 0 {
		b.WriteString("Nothing was recorded in this window.\n")
	} else {
		head := "Time"
		if day != "" {
			head = "Time (" + day + ")"
		}
		fmt.Fprintf(&b, "| %s | Vendor | Event |\n|---|---|---|\n", head)
		for _, e := range r.Timeline {
			when := e.At.UTC().Format("2006-01-02 15:04")
			if day != "" {
				when = e.At.UTC().Format("15:04")
			}
			text := mdCell(e.Text)
			if u := mdURL(e.URL); u != "" && (e.Kind == correlate.EventIncidentOpened || e.Kind == correlate.EventIncidentResolved) {
				text = "[" + text + "](" + u + ")"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", when, mdCell(mdOrDash(e.VendorName)), text)
		}
	}
	_, err := io.WriteString(w, redact.String(b.String()))
	return err
}

// writeSummary is one line per finding, worst first, then the detection
// leads and what is still open.
func writeSummary(b *strings.Builder, r IncidentReport) {
	if len(r.Findings) == 0 {
		b.WriteString("Nothing went wrong that vendorwatch noticed.\n")
		return
	}
	worst := correlate.SeverityInfo
	open := 0
	for _, f := range r.Findings {
		if f.Worst.Rank() > worst.Rank() {
			worst = f.Worst
		}
		if f.Closed.IsZero() {
			open++
		}
	}
	fmt.Fprintf(b, "Worst severity: **%s**. %d %s, %d still open at the end of the window.\n\n", worst, len(r.Findings), mdPlural(len(r.Findings), "finding", "findings"), open)
	fs := slices.Clone(r.Findings)
	slices.SortStableFunc(fs, func(a, b correlate.FindingRecord) int { return b.Worst.Rank() - a.Worst.Rank() })
	for _, f := range fs {
		fmt.Fprintf(b, "- **%s** %s (%s)\n", f.Worst, mdCell(f.Title), openText(f))
	}
	names := map[string]string{}
	for _, e := range r.Timeline {
		names[e.Vendor] = e.VendorName
	}
	for _, f := range r.Findings {
		if f.LeadMinutes > 0 {
			fmt.Fprintf(b, "\nvendorwatch saw %s's outage %d minutes before %s's status page posted it.\n",
				mdCell(vendorList(f.Vendors, names)), f.LeadMinutes, mdCell(vendorList(f.Vendors, names)))
		}
	}
}

func writeFinding(b *strings.Builder, f correlate.FindingRecord) {
	fmt.Fprintf(b, "### %s: %s\n\n", f.Worst, mdCell(f.Title))
	fmt.Fprintf(b, "- Kind: `%s`", f.Kind)
	if len(f.Vendors) > 0 {
		fmt.Fprintf(b, "; vendors: %s", mdCell(strings.Join(f.Vendors, ", ")))
	}
	if len(f.Keys) > 0 {
		fmt.Fprintf(b, "; keys: %s", mdCell(strings.Join(f.Keys, ", ")))
	}
	b.WriteString("\n")
	fmt.Fprintf(b, "- Open: %s", openText(f))
	if !f.Since.IsZero() && f.Since.Before(f.Opened) {
		fmt.Fprintf(b, "; evidence since %s", f.Since.UTC().Format("2006-01-02 15:04"))
	}
	b.WriteString("\n")
	if f.Detail != "" {
		fmt.Fprintf(b, "- Evidence: %s\n", mdCell(f.Detail))
	}
	if len(f.Advice) > 0 {
		b.WriteString("- Advice:\n")
		for _, a := range f.Advice {
			fmt.Fprintf(b, "  - %s\n", mdCell(a))
		}
	}
	b.WriteString("\n")
}

// openText is "2026-05-21 10:57 to 12:20, 1h23m" or "2026-05-21 12:46, still
// open".
func openText(f correlate.FindingRecord) string {
	from := f.Opened.UTC().Format("2006-01-02 15:04")
	if f.Closed.IsZero() {
		return fmt.Sprintf("%s, still open", from)
	}
	to := f.Closed.UTC().Format("15:04")
	if f.Closed.UTC().YearDay() != f.Opened.UTC().YearDay() || f.Closed.Year() != f.Opened.Year() {
		to = f.Closed.UTC().Format("2006-01-02 15:04")
	}
	return fmt.Sprintf("%s to %s, %s", from, to, correlate.Span(f.Closed.Sub(f.Opened)))
}

// windowText names the report's window.
func windowText(since, until time.Time) string {
	switch {
	case since.IsZero() && until.IsZero():
		return "all recorded history"
	case since.IsZero():
		return "until " + until.UTC().Format("2006-01-02 15:04 UTC")
	case until.IsZero():
		return "since " + since.UTC().Format("2006-01-02 15:04 UTC")
	}
	s, u := since.UTC(), until.UTC()
	if s.Format("2006-01-02") == u.Format("2006-01-02") {
		return s.Format("2006-01-02 15:04") + " to " + u.Format("15:04 UTC")
	}
	return s.Format("2006-01-02 15:04") + " to " + u.Format("2006-01-02 15:04 UTC")
}

// sameDay returns the UTC date every event falls on, or "" when they span
// several days.
func sameDay(r IncidentReport) string {
	day := ""
	for _, e := range r.Timeline {
		d := e.At.UTC().Format("2006-01-02")
		if day != "" && d != day {
			return ""
		}
		day = d
	}
	return day
}

// vendorList names vendors by their display names where known.
func vendorList(ids []string, names map[string]string) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, cmp.Or(names[id], id))
	}
	return strings.Join(out, ", ")
}

// mdEscaper makes text safe inside a Markdown table cell or list item: one
// line, and no character that could close the cell, start a link, a code
// span or HTML.
var mdEscaper = strings.NewReplacer(
	"\r", " ", "\n", " ", "\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;",
	"[", "\\[", "]", "\\]", "`", "\\`", "*", "\\*",
)

func mdCell(s string) string { return mdEscaper.Replace(strings.TrimSpace(s)) }

// mdURL returns raw if it is an http(s) URL, with characters that would end
// a Markdown link escaped, else "".
func mdURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(u.String())
}

func mdOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func mdPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
