package statuspage

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

var (
	rssItem    = regexp.MustCompile(`(?s)\s*<item>.*?</item>`)
	rssPubDate = regexp.MustCompile(`<pubDate>([^<]+)</pubDate>`)
)

// feedAsOf is a real RSS feed as it stood at each of its items: the
// channel with only the items published by then, newest first, as the
// feed grew. It returns one document per item, oldest first, and each
// one's time.
func feedAsOf(t *testing.T, doc string) ([]string, []time.Time) {
	t.Helper()
	locs := rssItem.FindAllStringIndex(doc, -1)
	if len(locs) == 0 {
		t.Fatal("no items")
	}
	head, tail := doc[:locs[0][0]], doc[locs[len(locs)-1][1]:]
	type item struct {
		text string
		at   time.Time
	}
	var items []item
	for _, l := range locs {
		text := doc[l[0]:l[1]]
		m := rssPubDate.FindStringSubmatch(text)
		at, err := time.Parse("Mon, 02 Jan 2006 15:04:05 MST", m[1])
		if err != nil {
			t.Fatal(err)
		}
		// The feed's zone is Pacific time, PDT or PST.
		offset := -7 * time.Hour
		if strings.HasSuffix(m[1], "PST") {
			offset = -8 * time.Hour
		}
		items = append(items, item{text, at.Add(-offset).UTC()})
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.at.Compare(b.at) })
	var docs []string
	var times []time.Time
	for k := range items {
		var b strings.Builder
		b.WriteString(head)
		for i := k; i >= 0; i-- {
			b.WriteString(items[i].text)
		}
		b.WriteString(tail)
		docs = append(docs, b.String())
		times = append(times, items[k].at)
	}
	return docs, times
}

// Issue 17: AWS's feed for EC2 in Tokyo, replayed update by update as it
// grew, from 2015 to the availability-zone outage of 2019-08-23 (servers
// shut down by overheating). At every step the vendor's state and the
// open event's start are what a careful reader of the feed would say:
// each event starts at its own first item, not in 2015, and the first 70
// minutes of the outage, posted as "Informational message", are not "ok".
func TestAWSFeedReplay(t *testing.T) {
	t.Parallel()
	docs, times := feedAsOf(t, string(readFixture(t, "aws__ec2-ap-northeast-1_rss_2019-09.rss")))
	utc := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	none := time.Time{}
	want := []struct {
		at      string // the item's time, UTC
		state   observe.State
		started time.Time // the open event's start
		title   string
	}{
		{"2015-05-15 15:36:27", observe.Operational, none, ""},                                        // [RESOLVED] Network connectivity
		{"2015-06-29 04:37:30", observe.Degraded, utc("2015-06-29 04:37:30"), "Increased API Errors"}, // informational
		{"2015-06-29 05:01:28", observe.Operational, none, ""},                                        // resolved
		{"2016-04-20 16:39:00", observe.Operational, none, ""},                                        // posted already [RESOLVED]
		{"2016-04-20 17:00:00", observe.Operational, none, ""},
		{"2016-07-06 03:51:36", observe.Degraded, utc("2016-07-06 03:51:36"), "Degraded volume performance for some EBS volumes"},
		{"2016-07-06 04:24:03", observe.Operational, none, ""},
		{"2017-06-05 05:58:04", observe.Operational, none, ""}, // Informational message: [RESOLVED] …
		// The outage of 2019-08-23: 21:18 PDT "investigating connectivity issues".
		{"2019-08-23 04:18:32", observe.Degraded, utc("2019-08-23 04:18:32"), "インスタンスの接続性について | Instance Availability"},
		{"2019-08-23 04:47:25", observe.Degraded, utc("2019-08-23 04:18:32"), "インスタンスの接続性について | Instance Availability"},
		{"2019-08-23 05:27:25", observe.Degraded, utc("2019-08-23 04:18:32"), "インスタンスの接続性について | Instance Availability"}, // Service degradation
		{"2019-08-23 06:40:01", observe.Degraded, utc("2019-08-23 04:18:32"), "インスタンスの接続性について | Instance Availability"},
		{"2019-08-23 08:54:51", observe.Degraded, utc("2019-08-23 04:18:32"), "インスタンスの接続性について | Instance Availability"},
		{"2019-08-23 09:39:42", observe.Degraded, utc("2019-08-23 04:18:32"), "インスタンスの接続性について | Instance Availability"},
		{"2019-08-23 11:18:35", observe.Operational, none, ""}, // Service is operating normally
	}
	if len(docs) != len(want) {
		t.Fatalf("the feed has %d items, the replay %d steps", len(docs), len(want))
	}
	for i, w := range want {
		if got := times[i].Format(time.DateTime); got != w.at {
			t.Fatalf("step %d is the item of %s, want %s", i, got, w.at)
		}
		st, err := Parse(Feed, []byte(docs[i]))
		if err != nil {
			t.Fatalf("%s: %v", w.at, err)
		}
		open := st.Open()
		if st.State != w.state || !st.Claims {
			t.Errorf("%s: state %s (claims %v), want %s", w.at, st.State, st.Claims, w.state)
		}
		switch {
		case w.started.IsZero() && len(open) != 0:
			t.Errorf("%s: open events %+v, want none", w.at, open)
		case !w.started.IsZero() && len(open) != 1:
			t.Errorf("%s: %d open events, want 1", w.at, len(open))
		case !w.started.IsZero() && (!open[0].StartedAt.Equal(w.started) || open[0].Title != w.title):
			t.Errorf("%s: open event %q started %s, want %q started %s", w.at, open[0].Title, open[0].StartedAt, w.title, w.started)
		}
		for _, in := range st.Incidents {
			if len(in.Updates) > 0 && in.StartedAt.After(in.Updates[len(in.Updates)-1].At) {
				t.Errorf("%s: event %q starts after its first update", w.at, in.Title)
			}
		}
	}
}

// The whole feed reads as six events, each from its first item to the
// item that resolved it; none holds another's updates.
func TestAWSFeedEvents(t *testing.T) {
	t.Parallel()
	st, err := Limits{}.Parse(Feed, readFixture(t, "aws__ec2-ap-northeast-1_rss_2019-09.rss"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range st.Incidents {
		got = append(got, in.StartedAt.Format("2006-01-02")+" "+in.Status+" "+in.Impact+" "+string(rune('0'+len(in.Updates))))
	}
	want := []string{
		"2019-08-23 resolved minor 7",
		"2017-06-05 resolved minor 1",
		"2016-07-06 resolved minor 2",
		"2016-04-20 resolved none 2",
		"2015-06-29 resolved minor 2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%q\nwant\n%q", got, want)
	}
}
