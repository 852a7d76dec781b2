// Package demo is the set of simulated vendors behind `vendorwatch --demo`
// and the end-to-end tests: OpenAI, VAPI, Anthropic and GitHub served from
// 127.0.0.1 over real HTTP, in their real formats (built from recorded
// payloads), and a Prometheus holding the team's production traffic to
// them (prometheus.go), replaying the team's incident log of 2026-05-21
// (DESIGN §1) on a scenario clock. Everything that watches them — the
// poller, the probes, correlation, history and the dashboard — is the
// real thing.
package demo

import (
	"fmt"
	"time"
)

// Day is the day of the incident log the story replays. Each loop of the
// live demo replays it one day later, so the scenario clock never runs
// backwards.
var Day = time.Date(2026, 5, 21, 0, 0, 0, 0, time.UTC)

// APIState is how a simulated vendor API answers.
type APIState int

// The API states of the story.
const (
	// APIUp answers as the vendor does: 200 for a working key, its own
	// 401 JSON otherwise.
	APIUp APIState = iota
	// APIEdge502 answers every request with the edge's HTML 502 page.
	APIEdge502
	// APIHang accepts requests and never answers (timeouts).
	APIHang
)

// Step is one line of the incident log: from its time of day on, the
// simulated vendors behave as it says until the next step.
type Step struct {
	// At is the step's time of day on Day (10h57m for 10:57 UTC).
	At time.Duration
	// Hold is how long the live demo stays in the step, in real time at
	// speed 1. The scenario clock runs from this step's At to the next
	// step's over Hold, so quiet stretches pass faster than the moments
	// that matter.
	Hold time.Duration
	// Say is what happens, for the demo's banner.
	Say string

	// KeyLeaked: OpenAI has disabled the leaked key (OldKey is rejected
	// with invalid_api_key) and the team has created NewKey. OpenAI's
	// status page says operational all along.
	KeyLeaked bool
	// NewKeyDeployed: the team has put NewKey in place of OldKey, so the
	// key named prod now resolves to NewKey.
	NewKeyDeployed bool
	// VAPIAPI is how VAPI's API answers.
	VAPIAPI APIState
	// VAPIPosts is how many posts of VAPI's incident its status page shows
	// (0: none, the page says operational; posts[len-1] resolves it).
	VAPIPosts int
	// VAPIKeyUpdated: the team has put the new OpenAI key into VAPI, which
	// held the leaked one (its calls ended in OpenAI's 401 until then).
	VAPIKeyUpdated bool
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// Story is the incident log of 2026-05-21 as the demo replays it: about a
// minute of the log per second around the moments that matter, faster
// through the quiet stretches (the 83 minutes of key rotation pass in five
// seconds), so the revoked key shows within seconds and VAPI's outage
// within 20. The last step ends the loop at End.
var Story = []Step{
	{At: hm(10, 55), Hold: 2 * time.Second, Say: "all calm: every vendor operational, every key works"},
	{At: hm(10, 57), Hold: 5 * time.Second, KeyLeaked: true,
		Say: "OpenAI disables the leaked key prod; its status page says operational"},
	{At: hm(12, 20), Hold: 2 * time.Second, KeyLeaked: true, NewKeyDeployed: true,
		Say: "the new OpenAI key is rolled out; prod works again"},
	{At: hm(12, 35), Hold: 4 * time.Second, KeyLeaked: true, NewKeyDeployed: true, VAPIAPI: APIEdge502,
		Say: "VAPI's API fails (502) while its status page says operational"},
	{At: hm(12, 39), Hold: 2 * time.Second, KeyLeaked: true, NewKeyDeployed: true, VAPIAPI: APIEdge502,
		Say: "VAPI's API still fails; its status page still says nothing"},
	{At: hm(12, 45), Hold: 8 * time.Second, KeyLeaked: true, NewKeyDeployed: true, VAPIAPI: APIEdge502, VAPIPosts: 1,
		Say: "VAPI posts the outage, 10 minutes after its API began to fail"},
	{At: hm(12, 50), Hold: 8 * time.Second, KeyLeaked: true, NewKeyDeployed: true, VAPIAPI: APIEdge502, VAPIPosts: 2,
		Say: "VAPI updates: full outage, working with its database provider"},
	{At: hm(12, 55), Hold: 8 * time.Second, KeyLeaked: true, NewKeyDeployed: true, VAPIAPI: APIHang, VAPIPosts: 2,
		Say: "VAPI's API stops answering at all (timeouts)"},
	{At: hm(13, 30), Hold: 10 * time.Second, KeyLeaked: true, NewKeyDeployed: true, VAPIPosts: 3, VAPIKeyUpdated: true,
		Say: "VAPI recovers and resolves its incident; the team puts the new OpenAI key into VAPI"},
}

// End is the time of day the story's last step ends; the live demo then
// starts again, a day later.
var End = hm(13, 40)

// Loop is how long one loop of the live demo takes at speed 1.
func Loop() time.Duration {
	var d time.Duration
	for _, s := range Story {
		d += s.Hold
	}
	return d
}

// Moment is where the story is at a scenario time.
type Moment struct {
	// Time is the scenario time.
	Time time.Time
	// Step is the step in force and Index its place in Story.
	Step  Step
	Index int
	// Loop counts replays: 0 on Day, 1 the day after, ...
	Loop int
	// Day is midnight of the loop's day (Day + Loop days).
	Day time.Time
}

// At returns the story's moment at scenario time t. Before the first step
// of a day the first step holds; after End the last one does.
func At(t time.Time) Moment {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	loop := int(day.Sub(Day).Hours() / 24)
	if loop < 0 {
		loop = 0
	}
	of := t.Sub(day)
	i := 0
	for j, s := range Story {
		if s.At <= of {
			i = j
		}
	}
	return Moment{Time: t, Step: Story[i], Index: i, Loop: loop, Day: day}
}

// posted returns when VAPI's post n (1-based) went up on the moment's
// day: the start of the first step showing it. ok is false when the story
// has no such post.
func (m Moment) posted(n int) (time.Time, bool) {
	for _, s := range Story {
		if s.VAPIPosts >= n {
			return m.Day.Add(s.At), true
		}
	}
	return time.Time{}, false
}

// ScenarioAt is the scenario time after the live demo has run for e (at
// speed 1): each step's hold carries the clock from its time to the next
// step's, and each loop replays the story a day later.
func ScenarioAt(e time.Duration) time.Time {
	if e < 0 {
		e = 0
	}
	loop := Loop()
	day := Day.AddDate(0, 0, int(e/loop))
	r := e % loop
	for i, s := range Story {
		if r < s.Hold {
			next := End
			if i+1 < len(Story) {
				next = Story[i+1].At
			}
			return day.Add(s.At + time.Duration(float64(next-s.At)*float64(r)/float64(s.Hold)))
		}
		r -= s.Hold
	}
	return day.Add(End) // not reached: r < loop
}

// untilNextStep is how much longer (at speed 1) the live demo, having run
// for e, stays in its current step.
func untilNextStep(e time.Duration) time.Duration {
	if e < 0 {
		e = 0
	}
	r := e % Loop()
	for _, s := range Story {
		if r < s.Hold {
			return s.Hold - r
		}
		r -= s.Hold
	}
	return 0
}

// Banner is the line the dashboard shows while the demo runs: the line of
// the incident log in force, with its time (the dashboard's header shows
// the scenario clock itself).
func (m Moment) Banner() string {
	loop := ""
	if m.Loop > 0 {
		loop = fmt.Sprintf(" (replay %d)", m.Loop+1)
	}
	return fmt.Sprintf("DEMO · incident log of %s%s · %s %s",
		Day.Format("2006-01-02"), loop, m.Day.Add(m.Step.At).Format("15:04"), m.Step.Say)
}

// Time returns the scenario time of a time of day ("12:35") on the
// story's first day. It panics on a malformed time: it is for tests and
// fixed tables.
func Time(hhmm string) time.Time {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		panic(fmt.Sprintf("demo.Time(%q): %v", hhmm, err))
	}
	return Day.Add(hm(t.Hour(), t.Minute()))
}
