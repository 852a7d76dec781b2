package history

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// GenerateOptions shape a generated history (Generate).
type GenerateOptions struct {
	// Vendors is how many vendors are checked (200).
	Vendors int
	// Days is how long the history runs (90), ending at End.
	Days int
	// Interval is the time between checks (1 minute).
	Interval time.Duration
	// End is the time of the last check (default: now, to the minute).
	End time.Time
	// Seed makes the churn repeatable: the same options give the same
	// history.
	Seed uint64
	// Churn scales how often episodes come (1, the default: an incident
	// a month, a maintenance every six weeks and a probe failure a week
	// per vendor); a test raises it to see every kind in a day.
	Churn float64
	// Progress, when set, is told now and then how many rounds are done.
	Progress func(done, total int)
}

// GenerateStats say what Generate did.
type GenerateStats struct {
	// Rounds is the number of checks the history stands for.
	Rounds int
	// Commits is how many of them went through Commit; the rest were
	// quiet, and counted into the evidence runs as Commit would have.
	Commits int
	// Episodes is how many incidents, maintenances, probe failures and
	// key rotations the vendors went through.
	Episodes int
}

// Generate writes into s a history of o.Days of checks of o.Vendors
// vendors every o.Interval, such as a team's state dir holds after a
// year's serve: most rounds unchanged, with the churn of real vendors —
// incidents posted, updated and resolved with a component's state,
// scheduled maintenances, our probes failing for a few minutes, findings
// opening and closing, and a few key rotations.
//
// Every round in which something changed, and the rounds after it until
// the findings settle, goes through Commit, so the events, findings,
// evidence and chain are what serve would have written. The quiet
// stretches between them, which Commit would only count into the
// evidence runs, are counted in one transaction each with the same rules
// (runState.extend), opening a new evidence row and run where Commit
// would. TestGenerateMatchesCommit checks that the two give the same
// tables, link for link.
func Generate(ctx context.Context, s *Store, o GenerateOptions) (GenerateStats, error) {
	g := newWorld(o)
	st := GenerateStats{Rounds: g.rounds}
	for _, v := range g.vendors {
		st.Episodes += len(v.episodes)
	}
	quietRun, reported := 0, -1
	settled := false // the first round is a commit, so the stretch after it has a baseline
	for r := 0; r < g.rounds; {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if o.Progress != nil && r/10000 != reported {
			reported = r / 10000
			o.Progress(r, g.rounds)
		}
		next := g.nextChange(r)
		if settled && next > r {
			if err := g.fill(ctx, s, r, next); err != nil {
				return st, err
			}
			r = next
			continue
		}
		c, err := s.Commit(ctx, Check{Snapshot: g.snapshot(r)}, correlate.Assess)
		if err != nil {
			return st, fmt.Errorf("history: generating round %d: %w", r, err)
		}
		st.Commits++
		s.mu.Lock()
		quiet := s.quiet.pending != nil
		s.mu.Unlock()
		if quiet {
			quietRun++
		} else {
			quietRun = 0
		}
		// The findings have settled once a round wrote
		// nothing and no finding is pending or closing: the rounds up to the
		// next change would write nothing either.
		settled = quietRun >= 1 && steady(c.Memory)
		r++
	}
	if o.Progress != nil {
		o.Progress(g.rounds, g.rounds)
	}
	_, err := exec(ctx, s.db, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return st, s.wrap("checkpointing the generated history", err)
}

// steady reports whether no finding of the memory is on its way in or
// out.
func steady(m correlate.Memory) bool {
	for _, f := range m.Open {
		if f.State == correlate.StatePending || f.State == correlate.StateClosing {
			return false
		}
	}
	return true
}

// Kinds of episode a generated vendor goes through.
const (
	epIncident = iota
	epMaintenance
	epFailure
	epRotation
)

// episode is one stretch of churn of a generated vendor, in rounds
// [start, end); marks are the rounds at which what the vendor shows
// changes within it (an incident's updates).
type episode struct {
	kind       int
	start, end int
	marks      []int
	key        int
	result     observe.Result
	major      bool
	title      string
	n          int // the vendor's count of episodes of this kind so far
}

// genVendor is a generated vendor and its churn, in time order.
type genVendor struct {
	id, name string
	keys     []string
	episodes []episode
}

// world is the generated vendors over the generated rounds.
type world struct {
	vendors []genVendor
	rounds  int
	end     time.Time
	step    time.Duration
	changes []int // every round at which some vendor shows something new, in order
}

// newWorld draws the vendors' churn from o's seed: the same options give
// the same world.
func newWorld(o GenerateOptions) *world {
	if o.Vendors <= 0 {
		o.Vendors = 200
	}
	if o.Days <= 0 {
		o.Days = 90
	}
	if o.Interval <= 0 {
		o.Interval = time.Minute
	}
	if o.End.IsZero() {
		o.End = time.Now().UTC().Truncate(time.Minute)
	}
	w := &world{rounds: int(time.Duration(o.Days) * 24 * time.Hour / o.Interval), end: o.End.UTC(), step: o.Interval}
	rng := rand.New(rand.NewPCG(o.Seed, 0x76656e646f72))
	perDay := int(24 * time.Hour / o.Interval)
	if o.Churn <= 0 {
		o.Churn = 1
	}
	// every draws the starts of episodes about mean days apart (divided
	// by the churn), the first of them anywhere in the first mean days.
	every := func(mean float64) []int {
		mean /= o.Churn
		var out []int
		for r := int(rng.Float64() * mean * float64(perDay)); r < w.rounds; r += int(rng.ExpFloat64()*mean*float64(perDay)) + perDay/24 {
			out = append(out, r)
		}
		return out
	}
	mins := func(lo, hi int) int { return int(time.Duration(lo+rng.IntN(hi-lo+1)) * time.Minute / o.Interval) }
	titles := []string{"Elevated error rates on the API", "Increased latency for completions", "Degraded performance of the dashboard", "Some requests failing with 503", "Delays in webhook delivery"}
	results := []observe.Result{observe.ResultVendorError, observe.ResultTimeout, observe.ResultRateLimited, observe.ResultNetworkError}
	for i := range o.Vendors {
		v := genVendor{id: fmt.Sprintf("vendor%03d", i), name: fmt.Sprintf("Vendor %03d", i), keys: []string{"prod"}}
		if i%5 == 0 {
			v.keys = append(v.keys, "staging")
		}
		for n, r := range every(30) { // an incident a month
			d := mins(20, 240)
			ep := episode{kind: epIncident, start: r, end: r + d, major: rng.IntN(4) == 0, title: titles[rng.IntN(len(titles))], n: n}
			ep.marks = []int{r, r + d/5, r + d*3/5} // investigating, identified, monitoring
			v.episodes = append(v.episodes, ep)
		}
		for n, r := range every(45) { // a maintenance every six weeks: announced a day ahead, two hours
			v.episodes = append(v.episodes, episode{kind: epMaintenance, start: r, end: r + mins(24*60+120, 24*60+120), marks: []int{r, r + mins(24*60, 24*60)}, n: n})
		}
		for n, r := range every(7) { // our probe fails for a few minutes a week
			v.episodes = append(v.episodes, episode{kind: epFailure, start: r, end: r + max(1, mins(1, 8)), key: rng.IntN(len(v.keys)), result: results[rng.IntN(len(results))], n: n})
		}
		if i%25 == 7 { // a few keys rotated once
			r := rng.IntN(w.rounds)
			v.episodes = append(v.episodes, episode{kind: epRotation, start: r, end: w.rounds, n: 1})
		}
		slices.SortFunc(v.episodes, func(a, b episode) int { return a.start - b.start })
		for _, ep := range v.episodes {
			w.changes = append(w.changes, ep.start, min(ep.end, w.rounds))
			w.changes = append(w.changes, ep.marks...)
		}
		w.vendors = append(w.vendors, v)
	}
	slices.Sort(w.changes)
	w.changes = slices.Compact(w.changes)
	return w
}

// at is the time of round r.
func (w *world) at(r int) time.Time { return w.end.Add(-time.Duration(w.rounds-1-r) * w.step) }

// nextChange is the first round at or after r at which some vendor shows
// something new (w.rounds when none does).
func (w *world) nextChange(r int) int {
	i, _ := slices.BinarySearch(w.changes, r)
	if i == len(w.changes) {
		return w.rounds
	}
	return min(w.changes[i], w.rounds)
}

// snapshot is what a check of every vendor saw at round r.
func (w *world) snapshot(r int) observe.Snapshot {
	snap := observe.Snapshot{GeneratedAt: w.at(r), Vendors: make([]observe.VendorResult, len(w.vendors))}
	for i := range w.vendors {
		snap.Vendors[i] = w.vendorAt(i, r)
	}
	return snap
}

// vendorAt is what a check at round r saw of vendor i: its status page
// and a probe of each of its keys.
func (w *world) vendorAt(i, r int) observe.VendorResult {
	v := &w.vendors[i]
	t := w.at(r)
	page := "https://status." + v.id + ".test"
	res := observe.VendorResult{ID: v.id, Name: v.name, Keys: []observe.KeyResult{}}
	st := observe.Status{State: observe.Operational, Description: "All Systems Operational", PageURL: page, CheckedAt: t,
		Sources:      []observe.Source{{URL: page + "/api/v2/summary.json", Format: "statuspage", OK: true}},
		Components:   []observe.Component{{Name: "API", State: observe.Operational}, {Name: "Dashboard", State: observe.Operational}, {Name: "Webhooks", State: observe.Operational}},
		Incidents:    []observe.Incident{},
		Maintenances: []observe.Maintenance{},
	}
	rotated := 0
	failing := map[int]observe.Result{}
	for _, ep := range v.episodes {
		if ep.start > r {
			break
		}
		if ep.kind == epRotation {
			rotated = ep.n
		}
		if r >= ep.end {
			continue
		}
		switch ep.kind {
		case epIncident:
			phase := 0
			for j, m := range ep.marks {
				if r >= m {
					phase = j
				}
			}
			status := []string{"investigating", "identified", "monitoring"}[phase]
			state, impact := observe.Degraded, "minor"
			if ep.major {
				state, impact = observe.PartialOutage, "major"
			}
			if phase == 2 {
				state = observe.Degraded
			}
			if state.Severity() > st.State.Severity() {
				st.State, st.Description = state, "Partial System Outage"
				if state == observe.Degraded {
					st.Description = "Minor Service Outage"
				}
			}
			st.Components[0].State = state
			started := w.at(ep.start)
			st.Incidents = append(st.Incidents, observe.Incident{
				ID: fmt.Sprintf("%s-inc-%d", v.id, ep.n), Title: ep.title, Status: status, Impact: impact,
				StartedAt: started, UpdatedAt: w.at(ep.marks[phase]), URL: fmt.Sprintf("%s/incidents/%s-inc-%d", page, v.id, ep.n),
				Components: []string{"API"}, LatestUpdate: "We are " + status + " the cause: " + ep.title + ".",
			})
		case epMaintenance:
			status := "scheduled"
			if r >= ep.marks[1] {
				status = "in_progress"
				st.Components[2].State = observe.UnderMaintenance
			}
			st.Maintenances = append(st.Maintenances, observe.Maintenance{
				ID: fmt.Sprintf("%s-mnt-%d", v.id, ep.n), Title: "Scheduled database maintenance", Status: status,
				StartsAt: w.at(ep.marks[1]), EndsAt: w.at(ep.end), URL: fmt.Sprintf("%s/incidents/%s-mnt-%d", page, v.id, ep.n), Components: []string{"Webhooks"},
			})
		case epFailure:
			failing[ep.key] = ep.result
		}
	}
	res.Status = st
	for k, name := range v.keys {
		kr := observe.KeyResult{Name: name, Fingerprint: fmt.Sprintf("sk-gen-…%02d%02d", i%100, k*10+rotated), Result: observe.ResultOK, HTTPStatus: 200,
			RequestID: fmt.Sprintf("req_%s_%d_%d", v.id, k, r), RequestIDFrom: "x-request-id", LatencyMS: int64(120 + (r*7+i)%90), CheckedAt: t}
		if f, bad := failing[k]; bad {
			kr.Result = f
			switch f {
			case observe.ResultVendorError:
				kr.HTTPStatus, kr.Code, kr.Message = 503, "service_unavailable", "The server is overloaded or not ready yet."
			case observe.ResultRateLimited:
				kr.HTTPStatus, kr.Code, kr.Message = 429, "rate_limit_exceeded", "Rate limit reached for requests."
			case observe.ResultTimeout:
				kr.HTTPStatus, kr.Message, kr.RequestID, kr.RequestIDFrom = 0, "no answer within the probe timeout", "", ""
			default:
				kr.HTTPStatus, kr.Message, kr.RequestID, kr.RequestIDFrom = 0, "connection reset by peer", "", ""
			}
		}
		res.Keys = append(res.Keys, kr)
	}
	return res
}
