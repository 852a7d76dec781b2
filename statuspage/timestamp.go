package statuspage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// stamp is a time in remote JSON. A missing, null or malformed value becomes
// the zero time instead of failing the whole document: one bad timestamp
// must not hide an outage.
type stamp time.Time

var stampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon Jan 02 2006 15:04:05 GMT-0700", // JavaScript's Date.toString (Instatus)
	"2006-01-02",
}

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (s *stamp) UnmarshalJSON(b []byte) error {
	*s = stamp(parseTime(string(bytes.Trim(b, `"`))))
	return nil
}

// Time returns the instant in UTC, or the zero time.
func (s stamp) Time() time.Time { return time.Time(s) }

// parseTime reads a timestamp in any of the layouts status pages use and
// returns it in UTC, or the zero time.
func parseTime(v string) time.Time {
	if v == "" || v == "null" {
		return time.Time{}
	}
	if i := strings.Index(v, " ("); i > 0 {
		v = v[:i] // "… GMT+0000 (Coordinated Universal Time)"
	}
	for _, layout := range stampLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return fixZone(t, layout).UTC()
		}
	}
	return time.Time{}
}

// decodeJSON unmarshals data into v. When data is not JSON at all the error
// says what it is instead (an HTML page, an empty body); when it is broken
// JSON the error quotes the decoder.
func decodeJSON(data []byte, v any, want string) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	if what := describe(data); what != "JSON of another shape" {
		return fmt.Errorf("%w: want %s, got %s", ErrWrongFormat, want, what)
	}
	return fmt.Errorf("%w: want %s, got malformed JSON: %v", ErrWrongFormat, want, err)
}

// Statuspage prints times on its pages and in its history feeds in the
// zone the vendor chose, as a wall clock and an abbreviation with no year:
// "Nov 2, 16:09 PST", "Jan 5, 08:05 CET". Go's time.Parse reads such an
// abbreviation through the process's own zone (time.Local), and gives one
// it does not know there a zero offset; neither is used here. The offset
// comes from what the page itself shows (a printed time beside its Unix
// time), else from the table below, and a time whose zone cannot be told
// is left unknown rather than guessed.

// zoneAbbrevs lists the abbreviations the tz database (which Statuspage's
// zones come from) prints for the zones a vendor can choose, each with
// the offsets in seconds east of UTC it can mean, the most common first.
// An abbreviation with one offset is unambiguous; with several, the page
// decides when it can (pageClock.learn) and the first is read otherwise.
var zoneAbbrevs = map[string][]int{
	"UTC": {0}, "GMT": {0}, "UT": {0}, "Z": {0}, "WET": {0},
	"WEST": {1 * hour}, "BST": {1 * hour}, "IST": {5*hour + 30*minute, 1 * hour, 2 * hour},
	"CET": {1 * hour}, "CEST": {2 * hour}, "MET": {1 * hour}, "MEST": {2 * hour},
	"EET": {2 * hour}, "EEST": {3 * hour}, "MSK": {3 * hour}, "IDT": {3 * hour},
	"WAT": {1 * hour}, "CAT": {2 * hour}, "SAST": {2 * hour}, "EAT": {3 * hour},
	"PKT": {5 * hour}, "NPT": {5*hour + 45*minute}, "ICT": {7 * hour},
	"WIB": {7 * hour}, "WITA": {8 * hour}, "WIT": {9 * hour}, "HKT": {8 * hour},
	"PHT": {8 * hour}, "AWST": {8 * hour}, "KST": {9 * hour}, "JST": {9 * hour},
	"ACST": {9*hour + 30*minute}, "ACDT": {10*hour + 30*minute},
	"AEST": {10 * hour}, "AEDT": {11 * hour}, "ChST": {10 * hour},
	"NZST": {12 * hour}, "NZDT": {13 * hour},
	"NST": {-3*hour - 30*minute}, "NDT": {-2*hour - 30*minute},
	"AST": {-4 * hour, 3 * hour}, "ADT": {-3 * hour},
	"EST": {-5 * hour}, "EDT": {-4 * hour},
	"CST": {-6 * hour, 8 * hour, -5 * hour}, "CDT": {-5 * hour, -4 * hour},
	"MST": {-7 * hour}, "MDT": {-6 * hour},
	"PST": {-8 * hour, 8 * hour}, "PDT": {-7 * hour},
	"AKST": {-9 * hour}, "AKDT": {-8 * hour},
	"HST": {-10 * hour}, "HDT": {-9 * hour}, "SST": {-11 * hour},
}

const (
	minute = 60
	hour   = 60 * minute
)

// numericZone matches the numeric abbreviations the tz database prints
// for zones without a name: "+08", "-03", "+0530", "+05:45".
var numericZone = lazyregexp.New(`^([+-])(\d{2}):?(\d{2})?$`)

// zoneOffsets returns the offsets an abbreviation can mean, or nil.
func zoneOffsets(abbr string) []int {
	if offs, ok := zoneAbbrevs[abbr]; ok {
		return offs
	}
	if offs, ok := zoneAbbrevs[strings.ToUpper(abbr)]; ok {
		return offs
	}
	m := numericZone().FindStringSubmatch(abbr)
	if m == nil {
		return nil
	}
	h, _ := strconv.Atoi(m[2])
	mm, _ := strconv.Atoi(m[3])
	off := h*hour + mm*minute
	if off > 14*hour || mm >= 60 {
		return nil
	}
	if m[1] == "-" {
		off = -off
	}
	return []int{off}
}

// fixZone rebuilds a time parsed with a zone abbreviation ("MST" layouts)
// with the table's offset, so the result depends on neither the process's
// zone nor on Go's guess; a time with a numeric offset, or an
// abbreviation the table does not know, is returned as parsed.
func fixZone(t time.Time, layout string) time.Time {
	if !strings.Contains(layout, "MST") {
		return t
	}
	name, off := t.Zone()
	if offs := zoneOffsets(name); len(offs) > 0 && offs[0] != off {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone(name, offs[0]))
	}
	return t
}

// pageClock reads the times one Statuspage page or feed entry prints:
// a month, a day, a wall-clock time and a zone abbreviation, without a
// year. ref is the page's "now" (when it was rendered, or the feed entry's
// time): the year is ref's, or the year before when that would put the
// time more than two days after ref (a "Dec 31" update read in January).
// seen holds the offsets the page itself shows for its abbreviations.
// A clock that reads what is ahead (scheduled maintenances) takes the
// year after instead, when a time would be more than two days before ref.
type pageClock struct {
	ref   time.Time
	seen  map[string]int
	ahead bool
}

// spClockText matches "Jan 5, 08:05 CET" (and "Sep 3, 17:11 UTC").
var spClockText = lazyregexp.New(`([A-Z][a-z]{2})\s+(\d{1,2}),\s+(\d{1,2}):(\d{2})\s*([A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?)\b`)

// clockParts is a printed time as read: its wall clock in UTC's frame
// (the year is ref's) and its abbreviation.
type clockParts struct {
	wall time.Time
	abbr string
}

// parts reads the first printed time in s.
func (c pageClock) parts(s string) (clockParts, bool) {
	m := spClockText().FindStringSubmatch(strings.Join(strings.Fields(s), " "))
	if m == nil || c.ref.IsZero() {
		return clockParts{}, false
	}
	mon, err := time.Parse("Jan", m[1])
	if err != nil {
		return clockParts{}, false
	}
	day, _ := strconv.Atoi(m[2])
	hh, _ := strconv.Atoi(m[3])
	mm, _ := strconv.Atoi(m[4])
	if day < 1 || day > 31 || hh > 23 || mm > 59 {
		return clockParts{}, false
	}
	wall := time.Date(c.ref.Year(), mon.Month(), day, hh, mm, 0, 0, time.UTC)
	if wall.Day() != day {
		return clockParts{}, false // "Feb 30"
	}
	return clockParts{wall: wall, abbr: m[5]}, true
}

// at reads the first printed time in s as an instant in UTC, or returns
// the zero time when s holds none or its zone cannot be told.
func (c pageClock) at(s string) time.Time {
	p, ok := c.parts(s)
	if !ok {
		return time.Time{}
	}
	off, ok := c.seen[p.abbr]
	if !ok {
		offs := zoneOffsets(p.abbr)
		if len(offs) == 0 {
			return time.Time{}
		}
		off = offs[0]
	}
	shift := time.Duration(off) * time.Second
	t := p.wall.Add(-shift)
	switch {
	case !c.ahead && t.After(c.ref.Add(48*time.Hour)):
		// The year before; the same wall clock and offset.
		t = p.wall.AddDate(-1, 0, 0).Add(-shift)
	case c.ahead && t.Before(c.ref.Add(-48*time.Hour)):
		t = p.wall.AddDate(1, 0, 0).Add(-shift)
	}
	return t
}

// learn records the offset a printed time shows when the page also gives
// its instant (a Unix time beside it, or a feed entry's exact time that
// the printed one should match). The offset is kept when the
// abbreviation's table entry allows it, or when the abbreviation is not in
// the table and the two agree to the minute on a whole quarter hour; the
// first offset a page shows for an abbreviation stands.
func (c *pageClock) learn(s string, instant time.Time, slack time.Duration) {
	p, ok := c.parts(s)
	if !ok || instant.IsZero() {
		return
	}
	if _, done := c.seen[p.abbr]; done {
		return
	}
	// The printed wall clock minus the instant, taken in the instant's
	// own year so that a New Year between them does not matter.
	wall := time.Date(instant.Year(), p.wall.Month(), p.wall.Day(), p.wall.Hour(), p.wall.Minute(), 0, 0, time.UTC)
	diff := wall.Sub(instant.UTC().Truncate(time.Minute))
	for _, y := range []int{-1, 1} { // across New Year
		alt := wall.AddDate(y, 0, 0).Sub(instant.UTC().Truncate(time.Minute))
		if alt.Abs() < diff.Abs() {
			diff = alt
		}
	}
	best, found := 0, false
	for _, off := range zoneOffsets(p.abbr) {
		if d := (diff - time.Duration(off)*time.Second).Abs(); d <= slack && (!found || d < (diff-time.Duration(best)*time.Second).Abs()) {
			best, found = off, true
		}
	}
	if !found && zoneOffsets(p.abbr) == nil {
		q := diff.Round(15 * time.Minute)
		if (diff-q).Abs() <= time.Minute && q.Abs() <= 14*time.Hour {
			best, found = int(q/time.Second), true
		}
	}
	if !found {
		return
	}
	if c.seen == nil {
		c.seen = map[string]int{}
	}
	c.seen[p.abbr] = best
}
