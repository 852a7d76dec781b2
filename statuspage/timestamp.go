package statuspage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
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
			return t.UTC()
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
