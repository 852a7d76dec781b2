package statuspage

import (
	"testing"
	"time"
)

// A Statuspage history feed prints its updates in the page's zone
// (Staffbase: CET); the instants are the same whatever the reader's TZ,
// and they agree with the items' exact pubDate. Not parallel: it sets
// time.Local.
func TestStatuspageFeedInPageZone(t *testing.T) {
	data := readFixture(t, "staffbase__statuspage_history_cet.rss")
	withLocal(t, func(t *testing.T) {
		st, err := parseFeed(data)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][3]string{}
		for _, in := range st.Incidents {
			got[in.ID] = [3]string{in.StartedAt.Format(time.RFC3339), in.UpdatedAt.Format(time.RFC3339), in.ResolvedAt.Format(time.RFC3339)}
		}
		want := map[string][3]string{
			// Investigating "Dec 22, 11:12 CET"; Resolved "Dec 23, 10:30 CET",
			// the item's pubDate "Thu, 23 Dec 2021 10:30:37 +0100".
			"77004ltfxlkv": {"2021-12-22T10:12:00Z", "2021-12-23T09:30:00Z", "2021-12-23T09:30:00Z"},
			"p3mdb34gmrx6": {"2021-12-17T12:38:00Z", "2021-12-20T08:42:00Z", "2021-12-20T08:42:00Z"},
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("%s: started, updated, resolved = %v, want %v", id, got[id], w)
			}
		}
	})
}
