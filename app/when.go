package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
)

// ParseWhen reads a point in time: RFC 3339, a local "2006-01-02 15:04",
// "2006-01-02 15:04:05" or "2006-01-02", or a duration ago ("2h", "3d").
func ParseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	if d, err := config.ParseDuration(s); err == nil && s != "" {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339 (2026-05-21T10:00:00Z), \"2026-05-21 10:00\" or a time ago like 2h or 3d", s)
}
