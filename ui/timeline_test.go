package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// Issue 21: the timeline's "ago" is never cut, however narrow the screen
// and however old the event, and a closed finding is drawn as a recovery
// (the ok glyph), not with the red ✖ of a new failure.
func TestTimelineAgoAndClosedEvents(t *testing.T) {
	entries := []TimelineEntry{
		{At: now.Add(-5 * time.Minute), Vendor: "vapi", Severity: correlate.SeverityCritical, Kind: correlate.EventFindingClosed,
			Text: "Finding closed: VAPI's API fails while its status page says operational"},
		{At: now.Add(-(23*time.Hour + 5*time.Minute)), Vendor: "openai", Severity: correlate.SeverityCritical, Kind: correlate.EventFindingOpened,
			Text: "Finding opened: OpenAI key prod revoked while OpenAI reports operational"},
	}
	for _, w := range []int{40, 60, 80, 120} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m := newTestModel(t, &fakeBackend{entries: entries}, w, 20)
			runCmd(t, m, send(m, press("t")))
			out := plain(m)
			var closed, opened string
			for l := range strings.SplitSeq(out, "\n") {
				switch {
				case strings.Contains(l, "23h05m ago"):
					opened = l
				case strings.Contains(l, " 5m ago"):
					closed = l
				}
			}
			if opened == "" || closed == "" {
				t.Fatalf("an \"ago\" was cut at width %d:\n%s", w, out)
			}
			if !strings.Contains(closed, glyph(correlate.LevelOK)) || strings.Contains(closed, glyph(correlate.LevelCritical)) {
				t.Errorf("closed finding drawn as %q, want the ok glyph %s", closed, glyph(correlate.LevelOK))
			}
			if !strings.Contains(opened, glyph(correlate.LevelCritical)) {
				t.Errorf("opened critical finding drawn as %q, want %s", opened, glyph(correlate.LevelCritical))
			}
		})
	}
}
