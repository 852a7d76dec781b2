package notify

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

func silenced(f correlate.Finding) correlate.Finding {
	f.Silenced = &correlate.Silenced{ID: 1, By: "alice", Until: time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)}
	return f
}

// A silenced finding is not announced while the silence lasts; one
// announced before the silence is neither resolved nor escalated by it,
// but its real close is announced; a finding still there when its silence
// ends is announced then.
func TestSilencedFindingsLeaveNotificationsAlone(t *testing.T) {
	warn := with(revoked, correlate.SeverityWarning)
	crit := revoked
	tests := []struct {
		name    string
		reports []correlate.Report
		want    []string
	}{
		{"silenced from the start, then the silence ends",
			[]correlate.Report{report("10:00"), report("10:01", silenced(crit)), report("10:02", silenced(crit)), report("10:03", crit)},
			[]string{"opened critical@10:03"}},
		{"silenced from the start, closed under the silence",
			[]correlate.Report{report("10:00"), report("10:01", silenced(crit)), report("10:02"), report("10:30")},
			nil},
		{"announced, then silenced and worse, then closed",
			[]correlate.Report{report("10:00"), report("10:01", warn), report("10:02", silenced(crit)), report("10:03", silenced(crit)), report("10:04"), report("10:30")},
			[]string{"opened warning@10:01", "closed warning@10:30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			d := New([]Notifier{{Name: "rec", Sender: rec}}, Options{})
			for _, r := range tt.reports {
				d.Observe(r)
			}
			if err := d.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rec.got, tt.want) {
				t.Errorf("sent %q\nwant %q", rec.got, tt.want)
			}
		})
	}
}
