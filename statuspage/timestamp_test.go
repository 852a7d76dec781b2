package statuspage

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones below exist on any machine
)

// withLocal runs f with the process's zone set to each of the zones a
// user may run vendorwatch in; what f reads must not depend on it.
func withLocal(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	for _, name := range []string{"UTC", "America/Los_Angeles", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		time.Local = loc
		t.Run("TZ="+name, f)
	}
	time.Local = saved
}

// Statuspage prints times in the zone its vendor chose. The instant is
// the same whatever the reader's zone: the abbreviation's offset, never
// the process's, across New Year and both DST edges. Not parallel: it
// sets time.Local.
func TestPageTimesInThePageZone(t *testing.T) {
	nov := time.Date(2020, 11, 10, 0, 0, 0, 0, time.UTC)
	jan := time.Date(2021, 1, 23, 0, 0, 0, 0, time.UTC)
	mar := time.Date(2021, 3, 20, 0, 0, 0, 0, time.UTC)
	fall := time.Date(2021, 11, 10, 0, 0, 0, 0, time.UTC)
	newYear := time.Date(2021, 1, 1, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		ref  time.Time
		want string
	}{
		{"Nov 2, 16:09 PST", nov, "2020-11-03T00:09:00Z"},
		{"Jan 5, 08:05 CET", jan, "2021-01-05T07:05:00Z"},
		{"Jan <var>20</var>, 15:02 EST", jan, ""}, // markup is read by the callers, not here
		{"Jan 20, 15:02 EST", jan, "2021-01-20T20:02:00Z"},
		{"Jan 22, 10:00 AEDT", jan, "2021-01-21T23:00:00Z"},
		{"Jan 22, 10:00 NZDT", jan, "2021-01-21T21:00:00Z"},
		{"Jan 22, 10:00 KST", jan, "2021-01-22T01:00:00Z"},
		{"Jan 22, 10:00 IST", jan, "2021-01-22T04:30:00Z"}, // India unless the page says otherwise
		{"Jan 22, 10:00 CST", jan, "2021-01-22T16:00:00Z"}, // US Central unless the page says otherwise
		{"Jan 22, 10:00 +0530", jan, "2021-01-22T04:30:00Z"},
		{"Jan 22, 10:00 -03", jan, "2021-01-22T13:00:00Z"},
		{"Jan 22, 10:00 XYZ", jan, ""}, // an unknown zone is not guessed
		{"Jan 22, 10:00", jan, ""},
		// A "Dec 31" update read in January is last year's, also when
		// its UTC date is already the new year's.
		{"Dec 31, 10:00 CET", jan, "2020-12-31T09:00:00Z"},
		{"Dec 31, 23:30 EST", newYear, "2021-01-01T04:30:00Z"},
		// DST begins in the US on 2021-03-14 at 02:00: a minute apart.
		{"Mar 14, 01:59 PST", mar, "2021-03-14T09:59:00Z"},
		{"Mar 14, 03:00 PDT", mar, "2021-03-14T10:00:00Z"},
		// It ends on 2021-11-07: the hour 01:00-02:00 happens twice.
		{"Nov 7, 01:30 PDT", fall, "2021-11-07T08:30:00Z"},
		{"Nov 7, 01:30 PST", fall, "2021-11-07T09:30:00Z"},
		// Europe ends DST on 2021-10-31 at 01:00 UTC.
		{"Oct 31, 02:30 CEST", fall, "2021-10-31T00:30:00Z"},
		{"Oct 31, 02:30 CET", fall, "2021-10-31T01:30:00Z"},
	}
	withLocal(t, func(t *testing.T) {
		for _, tt := range tests {
			got := statuspageDate(tt.in, tt.ref)
			s := ""
			if !got.IsZero() {
				s = got.Format(time.RFC3339)
			}
			if s != tt.want {
				t.Errorf("%q read at %s = %q, want %q", tt.in, tt.ref.Format(time.RFC3339), s, tt.want)
			}
		}
	})
}

// An ambiguous abbreviation means what the page shows it to mean: a
// printed time beside its instant (a maintenance's data-unix-time, a
// feed entry's exact time) decides, and the first reading stands.
func TestPageClockLearnsAmbiguousZones(t *testing.T) {
	ref := time.Date(2021, 1, 23, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, shown string
		instant     time.Time
		read, want  string
	}{
		{"China", "Jan 30, 22:00 CST", time.Date(2021, 1, 30, 14, 0, 0, 0, time.UTC), "Jan 19, 15:49 CST", "2021-01-19T07:49:00Z"},
		{"US Central", "Jan 30, 22:00 CST", time.Date(2021, 1, 31, 4, 0, 0, 0, time.UTC), "Jan 19, 15:49 CST", "2021-01-19T21:49:00Z"},
		{"Cuba", "Jan 30, 22:00 CST", time.Date(2021, 1, 31, 3, 0, 0, 0, time.UTC), "Jan 19, 15:49 CST", "2021-01-19T20:49:00Z"},
		{"Ireland", "Jul 3, 12:00 IST", time.Date(2020, 7, 3, 11, 0, 0, 0, time.UTC), "Jul 4, 12:00 IST", "2020-07-04T11:00:00Z"},
		{"Israel", "Jan 3, 12:00 IST", time.Date(2021, 1, 3, 10, 0, 0, 0, time.UTC), "Jan 4, 12:00 IST", "2021-01-04T10:00:00Z"},
		{"unknown abbreviation", "Jan 3, 12:00 XYZ", time.Date(2021, 1, 3, 9, 0, 0, 0, time.UTC), "Jan 4, 12:00 XYZ", "2021-01-04T09:00:00Z"},
		{"New Year between", "Dec 31, 23:30 CST", time.Date(2021, 1, 1, 5, 30, 0, 0, time.UTC), "Jan 2, 08:00 CST", "2021-01-02T14:00:00Z"},
		{"evidence too far off", "Jan 30, 22:00 CST", time.Date(2021, 1, 30, 10, 0, 0, 0, time.UTC), "Jan 19, 15:49 CST", "2021-01-19T21:49:00Z"},
	}
	withLocal(t, func(t *testing.T) {
		for _, tt := range tests {
			c := pageClock{ref: ref}
			c.learn(tt.shown, tt.instant, time.Minute)
			if got := c.at(tt.read).Format(time.RFC3339); got != tt.want {
				t.Errorf("%s: %q after seeing %q at %s = %s, want %s", tt.name, tt.read, tt.shown, tt.instant.Format(time.RFC3339), got, tt.want)
			}
		}
	})
}

// A timestamp with a zone abbreviation in a JSON or feed date ("Mon, 02
// Jan 2006 15:04:05 PST") is read with the table's offset, not the
// process's.
func TestParseTimeAbbreviation(t *testing.T) {
	withLocal(t, func(t *testing.T) {
		for in, want := range map[string]string{
			"Mon, 02 Nov 2020 16:09:00 PST": "2020-11-03T00:09:00Z",
			"Tue, 05 Jan 2021 08:05:00 CET": "2021-01-05T07:05:00Z",
			"Tue, 05 Jan 2021 08:05:00 GMT": "2021-01-05T08:05:00Z",
			"2021-01-05T08:05:00+01:00":     "2021-01-05T07:05:00Z",
		} {
			if got := parseTime(in).Format(time.RFC3339); got != want {
				t.Errorf("parseTime(%q) = %s, want %s", in, got, want)
			}
		}
	})
}
