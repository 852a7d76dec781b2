// Package sla measures each vendor's reliability over a stretch of
// history (vendorwatch report --sla): how long our probes of its API
// failed, how long its status page said it was in trouble, how long it
// failed while the page said all was well, how far ahead of the page we
// were, how many incidents the page opened and the uptime we measured.
// It is pure: it takes rows the history has read and gives figures.
package sla

import (
	"cmp"
	"slices"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// DefaultBuckets is how many bars a vendor's sparkline has at most.
const DefaultBuckets = 30

// bucketSizes are the lengths a bucket may have: the shortest that cuts
// the window into at most the bars asked for is taken, so a bar is a
// round stretch of time (a day for 30 days, 6 hours for a week).
var bucketSizes = []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
	3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour}

// loneHold is how long a key probed only once stands for: there is no
// spacing of its probes to go by.
const loneHold = 5 * time.Minute

// Probe is one probe of a key, as the history's evidence keeps it, or a
// run of identical probes: Count of them (one when Count is 0 or 1),
// evenly spaced from At to Last. A month of probes every minute is then a
// few rows a key a day, never expanded.
type Probe struct {
	At     time.Time
	Vendor string
	Key    string
	Result observe.Result
	Last   time.Time
	Count  int
}

// times are the first and last probe of p and how many it stands for.
func (p Probe) times() (first, last int64, n int64) {
	first, last, n = ms(p.At), ms(p.Last), int64(p.Count)
	if n <= 1 || last <= first {
		return first, first, 1
	}
	return first, last, n
}

// Input is what the history holds about a window.
type Input struct {
	// Since and Until bound the window (Until exclusive).
	Since, Until time.Time
	// Buckets is how many parts at most the window is cut into for the
	// sparklines and charts; 0 is DefaultBuckets. The parts are of a round
	// length from the window's start; the last one may be shorter.
	Buckets int
	// Vendors are the vendor ids to report even when the window holds
	// nothing about them (the --vendor filter); every vendor with rows is
	// reported too when it is empty.
	Vendors []string
	// Names are the vendors' display names by id.
	Names map[string]string
	// Probes are the key probes in the window, and the last probe of each
	// key before it (what the probes said as the window opened).
	Probes []Probe
	// Events are the vendor_state and incident_opened events in the
	// window, and the last vendor_state event of each vendor before it
	// (what the page said as the window opened).
	Events []correlate.Event
	// Findings are the findings open at any time in the window, those
	// about no vendor (network_local) included.
	Findings []correlate.FindingRecord
}

// Report is every vendor's figures over the window.
type Report struct {
	Since  time.Time
	Until  time.Time
	Bucket time.Duration
	// Vendors are in the order of their ids.
	Vendors []Vendor
}

// Vendor is one vendor's figures; minutes are fractional minutes.
type Vendor struct {
	ID   string
	Name string
	// WindowMinutes is the length of the window; ObservedMinutes the part
	// of it our probes of the vendor's keys covered, UnobservedMinutes the
	// rest (gaps in our own monitoring, or a vendor without probed keys).
	WindowMinutes     float64
	ObservedMinutes   float64
	UnobservedMinutes float64
	// FailingMinutes is how long our probes failed: every probed key got
	// a vendor error, a timeout or no answer.
	FailingMinutes float64
	// PageMinutes is how long the status page said anything but
	// operational (degraded, partial or major outage, maintenance).
	PageMinutes float64
	// UnreportedMinutes is how long our probes failed while the page said
	// operational: the part of FailingMinutes the page did not admit.
	UnreportedMinutes float64
	// LeadMinutes is the median, over the outages the page admitted while
	// our probes failed (vendor_outage findings opened in the window), of
	// how many minutes before the vendor posted it our probes first
	// failed; 0 for an outage the page posted first. Nil when there was no
	// such outage. LeadOutages is how many outages it is the median of.
	LeadMinutes *float64
	LeadOutages int
	// Incidents is how many incidents the page opened in the window.
	Incidents int
	// Uptime is 1 − FailingMinutes/ObservedMinutes: the share of the time
	// we watched in which the vendor served us. Nil when nothing was
	// observed.
	Uptime *float64
	// Buckets are the window cut into equal parts, oldest first.
	Buckets []Bucket
}

// Bucket is one part of the window.
type Bucket struct {
	Start           time.Time
	FailingMinutes  float64
	ObservedMinutes float64
}

// Compute measures every vendor of in over its window.
func Compute(in Input) Report {
	lo, hi := ms(in.Since), ms(in.Until)
	size := bucketSize(in.Until.Sub(in.Since), cmp.Or(in.Buckets, DefaultBuckets))
	rep := Report{Since: time.UnixMilli(lo).UTC(), Until: time.UnixMilli(hi).UTC(), Bucket: size}
	byVendor := map[string][]Probe{}
	for _, p := range in.Probes {
		byVendor[p.Vendor] = append(byVendor[p.Vendor], p)
	}
	blind := ourNetworkDown(in.Findings, hi)
	for _, id := range vendorIDs(in) {
		v := Vendor{ID: id, Name: cmp.Or(in.Names[id], id), WindowMinutes: minutes(hi - lo)}
		failing, observed := probeSpans(byVendor[id], id)
		// While our own network was down our probes said nothing about
		// the vendor: that time is not observed, and never the vendor's.
		failing, observed = clip(subtract(failing, blind), lo, hi), clip(subtract(observed, blind), lo, hi)
		page := clip(pageSpans(in.Events, id, lo, hi), lo, hi)
		v.ObservedMinutes = minutes(total(observed))
		v.UnobservedMinutes = minutes(hi - lo - total(observed))
		v.FailingMinutes = minutes(total(failing))
		v.PageMinutes = minutes(total(page))
		v.UnreportedMinutes = minutes(total(subtract(failing, page)))
		if total(observed) > 0 {
			up := 1 - float64(total(failing))/float64(total(observed))
			v.Uptime = &up
		}
		v.LeadMinutes, v.LeadOutages = leads(in.Findings, id, in.Since, in.Until)
		v.Incidents = incidents(in.Events, id, in.Since, in.Until)
		step := size.Milliseconds()
		for from := lo; from < hi; from += step {
			to := min(from+step, hi)
			v.Buckets = append(v.Buckets, Bucket{Start: time.UnixMilli(from).UTC(),
				FailingMinutes: minutes(total(clip(failing, from, to))), ObservedMinutes: minutes(total(clip(observed, from, to)))})
		}
		rep.Vendors = append(rep.Vendors, v)
	}
	return rep
}

// ourNetworkDown are the times a network_local finding was open: our side
// could not reach the vendors, so their probes' failures were ours.
func ourNetworkDown(fs []correlate.FindingRecord, hi int64) spans {
	var out []span
	for _, f := range fs {
		if f.Kind != correlate.KindNetworkLocal {
			continue
		}
		end := hi
		if !f.Closed.IsZero() {
			end = ms(f.Closed)
		}
		if from := ms(f.Opened); end > from {
			out = append(out, span{from, end})
		}
	}
	return normal(out)
}

// bucketSize is the shortest of bucketSizes that cuts window into at
// most n parts, or the window's n-th part for a window longer than them.
func bucketSize(window time.Duration, n int) time.Duration {
	for _, d := range bucketSizes {
		if (window+d-1)/d <= time.Duration(n) {
			return d
		}
	}
	return (window + time.Duration(n) - 1) / time.Duration(n)
}

// vendorIDs are the vendors to report: those asked for, else every
// vendor the rows name, sorted.
func vendorIDs(in Input) []string {
	if len(in.Vendors) > 0 {
		ids := slices.Clone(in.Vendors)
		slices.Sort(ids)
		return slices.Compact(ids)
	}
	seen := map[string]bool{}
	for _, p := range in.Probes {
		seen[p.Vendor] = true
	}
	for _, e := range in.Events {
		seen[e.Vendor] = true
	}
	for _, f := range in.Findings {
		if isOutage(f.Kind) {
			for _, v := range f.Vendors {
				seen[v] = true
			}
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	ids = slices.DeleteFunc(ids, func(s string) bool { return s == "" })
	slices.Sort(ids)
	return ids
}

func isOutage(k correlate.Kind) bool {
	return k == correlate.KindVendorOutage || k == correlate.KindVendorOutageUnreported || k == correlate.KindVendorIncident
}

// probeSpans are the times vendor's probes failed and the times they
// covered. A probe stands for the time until the next probe of its key,
// but for at most twice the key's usual spacing (the median time between
// its probes): beyond that the key was not watched. The vendor is failing
// while every key with a standing probe failed (a vendor error, a timeout
// or no answer); one key answering, even with a refusal, shows the vendor
// serving requests.
func probeSpans(probes []Probe, vendor string) (failing, observed spans) {
	byKey := map[string][]Probe{}
	for _, p := range probes {
		if p.Vendor == vendor && p.Result != "" && p.Result != observe.ResultNoSecret && p.Result != observe.ResultListed {
			byKey[p.Key] = append(byKey[p.Key], p)
		}
	}
	var fail, answer []span
	for _, ps := range byKey {
		slices.SortFunc(ps, func(a, b Probe) int { return a.At.Compare(b.At) })
		hold := holdOf(ps)
		for i, p := range ps {
			first, last, n := p.times()
			end := last + hold
			if i+1 < len(ps) {
				end = min(end, ms(ps[i+1].At))
			}
			covered := []span{{last, end}}
			if n > 1 {
				if step := (last - first) / (n - 1); step <= hold {
					covered = append(covered, span{first, last}) // each probe stands until the next
				} else {
					for j := range n - 1 { // each probe stands for the hold alone
						at := first + j*step
						covered = append(covered, span{at, min(at+hold, last)})
					}
				}
			}
			if p.Result.Failed() {
				fail = append(fail, covered...)
			} else {
				answer = append(answer, covered...)
			}
		}
	}
	f, a := normal(fail), normal(answer)
	return subtract(f, a), union(f, a)
}

// holdOf is how long at most one probe of a key stands for: twice the
// median spacing of its probes, a run's evenly spaced probes counted one
// by one.
func holdOf(ps []Probe) int64 {
	type gap struct{ ms, n int64 }
	var gaps []gap
	var total int64
	for i, p := range ps {
		first, last, n := p.times()
		if n > 1 {
			gaps = append(gaps, gap{(last - first) / (n - 1), n - 1})
			total += n - 1
		}
		if i+1 < len(ps) {
			gaps = append(gaps, gap{ms(ps[i+1].At) - last, 1})
			total++
		}
	}
	if total == 0 {
		return int64(loneHold / time.Millisecond)
	}
	slices.SortFunc(gaps, func(a, b gap) int { return cmpInt(a.ms, b.ms) })
	// nth is the gap at position k of them all in order.
	nth := func(k int64) float64 {
		for _, g := range gaps {
			if k < g.n {
				return float64(g.ms)
			}
			k -= g.n
		}
		return float64(gaps[len(gaps)-1].ms)
	}
	m := nth(total / 2)
	if total%2 == 0 {
		m = (nth(total/2-1) + m) / 2
	}
	return int64(2 * m)
}

// pageSpans are the times the vendor's page said anything but
// operational, from its recorded changes of state. The page counts as
// operational until the first change the rows hold: the history records a
// vendor's state only once it leaves operational.
func pageSpans(evs []correlate.Event, vendor string, lo, hi int64) spans {
	var states []correlate.Event
	for _, e := range evs {
		if e.Vendor == vendor && e.Kind == correlate.EventVendorState {
			states = append(states, e)
		}
	}
	slices.SortStableFunc(states, func(a, b correlate.Event) int { return a.At.Compare(b.At) })
	var out []span
	for i, e := range states {
		if observe.State(e.Subject) == observe.Operational {
			continue
		}
		end := max(hi, ms(e.At))
		if i+1 < len(states) {
			end = ms(states[i+1].At)
		}
		out = append(out, span{ms(e.At), end})
	}
	return normal(out)
}

// leads is the median lead of the vendor's outages that opened in the
// window and the page admitted, and how many there were. The findings
// table keeps one row per episode of a vendor's trouble, its kind the
// latest: an episode the page admitted while our probes failed ends as
// vendor_outage, or carries the lead it reached (lead_minutes only grows).
func leads(fs []correlate.FindingRecord, vendor string, since, until time.Time) (*float64, int) {
	var ls []float64
	for _, f := range fs {
		if !slices.Contains(f.Vendors, vendor) || f.Opened.Before(since) || !f.Opened.Before(until) {
			continue
		}
		if f.Kind == correlate.KindVendorOutage || isOutage(f.Kind) && f.LeadMinutes > 0 {
			ls = append(ls, float64(max(f.LeadMinutes, 0)))
		}
	}
	if len(ls) == 0 {
		return nil, 0
	}
	m := median(ls)
	return &m, len(ls)
}

// incidents counts the incidents the vendor's page opened in the window.
func incidents(evs []correlate.Event, vendor string, since, until time.Time) int {
	seen := map[string]bool{}
	for _, e := range evs {
		if e.Vendor == vendor && e.Kind == correlate.EventIncidentOpened && !e.At.Before(since) && e.At.Before(until) {
			seen[e.Subject] = true
		}
	}
	return len(seen)
}

// median is the middle of xs, the mean of the two middles for an even
// count; 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
