package demo

import (
	"strings"
	"testing"
	"time"
)

func TestScenarioAt(t *testing.T) {
	for _, tc := range []struct {
		elapsed time.Duration
		want    string // 2006-01-02 15:04:05
	}{
		{0, "2026-05-21 10:55:00"},
		{time.Second, "2026-05-21 10:56:00"},
		{2 * time.Second, "2026-05-21 10:57:00"},
		{7 * time.Second, "2026-05-21 12:20:00"},
		{9 * time.Second, "2026-05-21 12:35:00"},
		{10 * time.Second, "2026-05-21 12:36:00"},
		{13 * time.Second, "2026-05-21 12:39:00"},
		{15 * time.Second, "2026-05-21 12:45:00"},
		{Loop() - 5*time.Second, "2026-05-21 13:35:00"},
		{Loop(), "2026-05-22 10:55:00"},
		{2*Loop() + 2*time.Second, "2026-05-23 10:57:00"},
		{-time.Second, "2026-05-21 10:55:00"},
	} {
		t.Run(tc.elapsed.String(), func(t *testing.T) {
			if got := ScenarioAt(tc.elapsed).Format(time.DateTime); got != tc.want {
				t.Errorf("ScenarioAt(%s) = %s, want %s", tc.elapsed, got, tc.want)
			}
		})
	}
}

// The scenario clock never runs backwards, across steps and loops, so
// streaks and history stay in order.
func TestScenarioClockMonotonic(t *testing.T) {
	prev := ScenarioAt(0)
	for e := 100 * time.Millisecond; e < 3*Loop(); e += 100 * time.Millisecond {
		now := ScenarioAt(e)
		if now.Before(prev) {
			t.Fatalf("clock ran backwards at %s: %s after %s", e, now, prev)
		}
		prev = now
	}
}

func TestUntilNextStep(t *testing.T) {
	var e time.Duration
	for i, s := range Story {
		if got := untilNextStep(e); got != s.Hold {
			t.Errorf("step %d: untilNextStep at its start = %s, want %s", i, got, s.Hold)
		}
		if got := untilNextStep(e + s.Hold - time.Millisecond); got != time.Millisecond {
			t.Errorf("step %d: a millisecond before its end = %s", i, got)
		}
		if m := At(ScenarioAt(e)); m.Index != i {
			t.Errorf("step %d starts at %s, but At says step %d", i, ScenarioAt(e), m.Index)
		}
		e += s.Hold
	}
}

// The story as the issue tells it: the leak at 10:57 while OpenAI says
// operational, the new key at 12:20, VAPI failing from 12:35 with its page
// silent, VAPI posting at 12:45, recovery; and it reaches the leak within a
// few seconds and VAPI's post within 20.
func TestStory(t *testing.T) {
	for _, tc := range []struct {
		at, step          string
		leaked, newKey    bool
		api               APIState
		posts             int
		sayContains, desc string
	}{
		{"10:55", "10:55", false, false, APIUp, 0, "all calm", "calm"},
		{"10:56", "10:55", false, false, APIUp, 0, "all calm", "still calm"},
		{"10:57", "10:57", true, false, APIUp, 0, "disables the leaked key", "the leak"},
		{"11:30", "10:57", true, false, APIUp, 0, "disables the leaked key", "rotating"},
		{"12:20", "12:20", true, true, APIUp, 0, "new OpenAI key", "the new key"},
		{"12:35", "12:35", true, true, APIEdge502, 0, "VAPI's API fails", "VAPI fails, page silent"},
		{"12:44", "12:39", true, true, APIEdge502, 0, "still says nothing", "still silent"},
		{"12:45", "12:45", true, true, APIEdge502, 1, "posts the outage", "posted"},
		{"12:50", "12:50", true, true, APIEdge502, 2, "full outage", "updated"},
		{"12:55", "12:55", true, true, APIHang, 2, "timeouts", "hanging"},
		{"13:30", "13:30", true, true, APIUp, 3, "recovers", "resolved"},
		{"23:00", "13:30", true, true, APIUp, 3, "recovers", "after the end"},
		{"08:00", "10:55", false, false, APIUp, 0, "all calm", "before the start"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			m := At(Time(tc.at))
			s := m.Step
			if s.KeyLeaked != tc.leaked || s.NewKeyDeployed != tc.newKey || s.VAPIAPI != tc.api || s.VAPIPosts != tc.posts {
				t.Errorf("%s: %+v", tc.at, s)
			}
			if b := m.Banner(); !strings.Contains(b, tc.sayContains) || !strings.Contains(b, tc.step+" ") {
				t.Errorf("banner %q", b)
			}
		})
	}
	first := func(ok func(Step) bool) time.Duration {
		for e := time.Duration(0); e < Loop(); e += 100 * time.Millisecond {
			if ok(At(ScenarioAt(e)).Step) {
				return e
			}
		}
		return Loop()
	}
	if e := first(func(s Step) bool { return s.KeyLeaked }); e > 3*time.Second {
		t.Errorf("the leak comes %s into the demo", e)
	}
	if e := first(func(s Step) bool { return s.VAPIPosts > 0 }); e > 16*time.Second {
		t.Errorf("VAPI posts %s into the demo; its outage would not show within 20 s", e)
	}
}

func TestBannerNamesReplay(t *testing.T) {
	m := At(Time("12:35").AddDate(0, 0, 2))
	if m.Loop != 2 || !strings.Contains(m.Banner(), "replay 3") || !strings.Contains(m.Banner(), "2026-05-21") {
		t.Errorf("loop %d, banner %q", m.Loop, m.Banner())
	}
}
