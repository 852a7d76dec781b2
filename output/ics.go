package output

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// icsTime is the UTC DATE-TIME form of RFC 5545 §3.3.5.
const icsTime = "20060102T150405Z"

// WriteICS writes the maintenances as an iCalendar feed (RFC 5545) that
// calendar apps can subscribe to: one VEVENT per window with a start.
// Each event's UID is derived from the vendor and the maintenance's own id,
// so it stays the same from one poll to the next and a calendar updates
// the event rather than adding another. stamp is the DTSTAMP of every
// event: when the list was made. Vendor text is redacted, cleaned of
// control characters and escaped; lines are folded at 75 octets.
func WriteICS(w io.Writer, list []correlate.ScheduledMaintenance, stamp time.Time) error {
	list = redact.Value(list) // before escaping, which could split a key
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//vendorwatch//maintenance calendar//EN")
	line("CALSCALE", "GREGORIAN")
	line("X-WR-CALNAME", "Vendor maintenances (vendorwatch)")
	for _, m := range list {
		start := m.StartsAt
		if start.IsZero() {
			// A window without a start cannot be placed on a calendar.
			continue
		}
		line("BEGIN", "VEVENT")
		line("UID", maintenanceUID(m))
		line("DTSTAMP", stamp.UTC().Format(icsTime))
		line("DTSTART", start.UTC().Format(icsTime))
		if m.EndsAt.After(start) {
			line("DTEND", m.EndsAt.UTC().Format(icsTime))
		}
		line("SUMMARY", icsText(m.VendorName+": "+m.Title))
		desc := "Scheduled maintenance of " + m.VendorName + " (status: " + m.Status + ")."
		if len(m.Components) > 0 {
			desc += "\nComponents: " + strings.Join(m.Components, ", ")
			if m.ComponentsOmitted > 0 {
				desc += fmt.Sprintf(" and %d more", m.ComponentsOmitted)
			}
			desc += "."
		}
		if m.URL != "" {
			desc += "\n" + m.URL
		}
		line("DESCRIPTION", icsText(desc))
		if len(m.Components) > 0 {
			line("LOCATION", icsText(strings.Join(m.Components, ", ")))
		}
		if u := termtext.Line(m.URL); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
			line("URL", strings.NewReplacer(",", "%2C", ";", "%3B", " ", "%20").Replace(u))
		}
		line("CATEGORIES", icsText(m.VendorID))
		if m.InProgress {
			line("STATUS", "CONFIRMED")
		} else {
			line("STATUS", "TENTATIVE")
		}
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the iCalendar feed: %w", err)
	}
	return nil
}

// maintenanceUID is the event's stable UID: a hash of the vendor and the
// maintenance id (or, for a page that gives no id, its title and start),
// so no vendor text reaches the property unescaped.
func maintenanceUID(m correlate.ScheduledMaintenance) string {
	id := m.ID
	if id == "" {
		id = m.Title + "\x00" + m.StartsAt.UTC().Format(icsTime)
	}
	sum := sha256.Sum256([]byte(m.VendorID + "\x00" + id))
	return hex.EncodeToString(sum[:12]) + "@maintenance.vendorwatch"
}

// icsText is s cleaned of control characters and escaped as an
// RFC 5545 TEXT value: backslash, semicolon and comma escaped, newlines
// as \n.
func icsText(s string) string {
	s = termtext.Strip(s)
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// writeFolded writes one content line ending in CRLF, folded so no line
// is longer than 75 octets, never inside a UTF-8 character (§3.1).
func writeFolded(w *bufio.Writer, l string) {
	limit := 75
	for len(l) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		w.WriteString(l[:cut])
		w.WriteString("\r\n ")
		l = l[cut:]
		limit = 74 // the leading space of a continuation counts
	}
	w.WriteString(l)
	w.WriteString("\r\n")
}
