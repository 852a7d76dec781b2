package statuspage

import (
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// SettleResolved cuts a resolved incident to its newest update only once
// it is a day past its end, whichever time the page gives for that end,
// and leaves open incidents, recent ones and ones of unknown end whole.
func TestSettleResolved(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	ups := func(newest time.Time) []observe.Update {
		return []observe.Update{
			{Status: "resolved", Body: "fixed", At: newest},
			{Status: "monitoring", Body: "a fix is out", At: newest.Add(-time.Hour)},
			{Status: "investigating", Body: "looking", At: newest.Add(-2 * time.Hour)},
		}
	}
	old, recent := now.Add(-ResolvedDetail-time.Minute), now.Add(-ResolvedDetail+time.Minute)
	cases := []struct {
		name string
		in   observe.Incident
		keep int // updates kept
	}{
		{"resolved a day ago", observe.Incident{Status: "resolved", ResolvedAt: old, Updates: ups(old)}, 1},
		{"resolved just under a day ago", observe.Incident{Status: "resolved", ResolvedAt: recent, Updates: ups(old)}, 3},
		{"ended by its last update", observe.Incident{Status: "postmortem", UpdatedAt: old, Updates: ups(old)}, 1},
		{"ended by its newest update's time", observe.Incident{Status: "completed", Updates: ups(old)}, 1},
		{"a resolution time alone says resolved", observe.Incident{Status: "monitoring", ResolvedAt: old, Updates: ups(old)}, 1},
		{"open for months", observe.Incident{Status: "monitoring", StartedAt: old.AddDate(0, -3, 0), UpdatedAt: old, Updates: ups(old)}, 3},
		{"resolved, end unknown", observe.Incident{Status: "resolved", Updates: ups(time.Time{})}, 3},
	}
	for _, c := range cases {
		st := &observe.Status{Incidents: []observe.Incident{c.in}}
		shared := st.Incidents
		SettleResolved(st, now)
		got := st.Incidents[0]
		if len(got.Updates) != c.keep || got.UpdatesOmitted != 3-c.keep {
			t.Errorf("%s: %d updates kept, %d omitted; want %d and %d", c.name, len(got.Updates), got.UpdatesOmitted, c.keep, 3-c.keep)
		}
		if c.keep == 1 && got.Updates[0].Body != "fixed" {
			t.Errorf("%s: kept %q, want the newest update", c.name, got.Updates[0].Body)
		}
		if len(shared[0].Updates) != 3 || shared[0].UpdatesOmitted != 0 {
			t.Errorf("%s: the model's own list was written to", c.name)
		}
	}
	// Settling again (every read of a kept model) changes nothing more.
	st := &observe.Status{Incidents: []observe.Incident{{Status: "resolved", ResolvedAt: old, Updates: ups(old), UpdatesOmitted: 4}}}
	SettleResolved(st, now)
	SettleResolved(st, now)
	if in := st.Incidents[0]; len(in.Updates) != 1 || in.UpdatesOmitted != 6 {
		t.Errorf("settled twice: %d updates, %d omitted; want 1 and 6 (the caps' 4 and these 2)", len(in.Updates), in.UpdatesOmitted)
	}
}

// A resolved incident's LatestUpdate, its newest update again on one line,
// is clipped like a title once the incident is a day past its end, even
// when it has no other update to cut; the update itself stays whole.
// Before then, and while it is open, the line is whole.
func TestSettleResolvedClipsTheLatestLine(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	report := "Incident Report\nSummary\n" + strings.Repeat("On Tuesday some customers saw errors. ", 200)
	line := strings.Join(strings.Fields(report), " ")
	old, recent := now.Add(-ResolvedDetail-time.Minute), now.Add(-time.Hour)
	for _, c := range []struct {
		name    string
		in      observe.Incident
		clipped bool
	}{
		{"resolved a day ago, one update", observe.Incident{Status: "resolved", ResolvedAt: old, LatestUpdate: line, Updates: []observe.Update{{Status: "resolved", Body: report, At: old}}}, true},
		{"resolved a day ago, two updates", observe.Incident{Status: "resolved", ResolvedAt: old, LatestUpdate: line, Updates: []observe.Update{{Status: "resolved", Body: report, At: old}, {Status: "investigating", Body: "looking", At: old.Add(-time.Hour)}}}, true},
		{"resolved an hour ago", observe.Incident{Status: "resolved", ResolvedAt: recent, LatestUpdate: line, Updates: []observe.Update{{Status: "resolved", Body: report, At: recent}}}, false},
		{"open", observe.Incident{Status: "identified", UpdatedAt: old, LatestUpdate: line, Updates: []observe.Update{{Status: "identified", Body: report, At: old}}}, false},
	} {
		st := &observe.Status{Incidents: []observe.Incident{c.in}}
		shared := st.Incidents
		SettleResolved(st, now)
		got := st.Incidents[0]
		if c.clipped {
			if n := len([]rune(got.LatestUpdate)); n != maxLine || !strings.HasPrefix(line, strings.TrimSuffix(got.LatestUpdate, "…")) {
				t.Errorf("%s: latest update of %d characters, want it clipped to %d", c.name, n, maxLine)
			}
		} else if got.LatestUpdate != line {
			t.Errorf("%s: latest update clipped to %d characters, want it whole", c.name, len(got.LatestUpdate))
		}
		if got.Updates[0].Body != report {
			t.Errorf("%s: the newest update's body was changed", c.name)
		}
		if shared[0].LatestUpdate != line {
			t.Errorf("%s: the model's own incident was written to", c.name)
		}
	}
}
