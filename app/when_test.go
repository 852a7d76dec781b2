package app

import (
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 5, 21, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-05-21T10:00:00Z", time.Date(2026, 5, 21, 10, 0, 0, 0, time.UTC)},
		{"2026-05-21T12:00:00+02:00", time.Date(2026, 5, 21, 10, 0, 0, 0, time.UTC)},
		{"2026-05-21 10:00", time.Date(2026, 5, 21, 10, 0, 0, 0, time.Local)},
		{"2026-05-21", time.Date(2026, 5, 21, 0, 0, 0, 0, time.Local)},
		{"2h", now.Add(-2 * time.Hour)},
		{"3d", now.Add(-72 * time.Hour)},
		{"90m", now.Add(-90 * time.Minute)},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseWhen(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "soon", "-2h", "2026-13-01"} {
		if _, err := ParseWhen(bad, now); err == nil {
			t.Errorf("parseWhen(%q) accepted", bad)
		}
	}
}
