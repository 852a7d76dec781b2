// Package providers is the parent of the vendor adapters (catalog, fetch,
// statusread, probe, admin, traffic), and the Poller that schedules them:
// each vendor's status page, key probes, admin API and our own traffic on
// their own intervals, into one observe.Snapshot.
package providers

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admin"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/probe"
	"github.com/vendorwatch/vendorwatch/providers/statusread"
	"github.com/vendorwatch/vendorwatch/providers/traffic"
)

// Poller checks vendors: once for --once, or continuously on each vendor's
// intervals for the dashboard, the tmux cache and serve. Vendors are
// checked independently, so one slow or dead vendor never delays another;
// the fetch.Client bounds requests in flight overall.
type Poller struct {
	vendors []catalog.Vendor
	status  *statusread.Reader
	fetch   *fetch.Client
	probes  *probe.Prober
	// probeOpts are the options of probes, kept so each setter keeps the
	// others'.
	probeOpts probe.Options
	admin     *admin.Client
	traffic   *traffic.Source // nil without a traffic: source
	now       func() time.Time

	mu       sync.Mutex
	results  map[string]observe.VendorResult
	checking map[string]int // vendor id -> checks running
	inFlight atomic.Int32
	// owed counts the checks Run's loops owe but have not started: each
	// loop's first, and one per wake CheckNow sent. InFlight counts them,
	// so a check that finishes before the others have started is not
	// taken for the round's last.
	owed atomic.Int32
	wake []chan struct{}
	// trafficWake pokes each vendor's traffic loop (CheckNow).
	trafficWake []chan struct{}
	// unprobed holds the vendors whose keys no check has probed yet: when
	// the last is done, every key the config names has been resolved and
	// registered with the redactor, and the status reader may write what
	// it parsed to the state dir (statusread.Reader.Settle).
	unprobed map[string]bool
}

// NewPoller returns a poller over vendors using f for every request.
func NewPoller(vendors []catalog.Vendor, f *fetch.Client) *Poller {
	p := &Poller{
		vendors:  vendors,
		now:      time.Now,
		results:  map[string]observe.VendorResult{},
		checking: map[string]int{},
		unprobed: map[string]bool{},
	}
	for _, v := range vendors {
		p.unprobed[v.ID] = true
	}
	p.fetch = f
	p.status = statusread.New(f, statusread.Options{Now: p.clock})
	p.probeOpts = probe.Options{Now: p.clock}
	p.useProber(probe.New(f, p.probeOpts))
	for range vendors {
		p.wake = append(p.wake, make(chan struct{}, 1))
		p.trafficWake = append(p.trafficWake, make(chan struct{}, 1))
	}
	for _, v := range vendors {
		p.results[v.ID] = pendingResult(v)
	}
	return p
}

// SetStateDir makes the poller remember, in dir (the --state-dir), what
// the next process should not have to learn again: the autodetected status
// formats, so it reads each page at the URL that worked instead of
// searching; and each status document's validators (ETag, Last-Modified)
// with the document, so it sends conditional requests and reuses the
// document on a 304. Call it before Check or Run; an empty dir keeps both
// in memory.
func (p *Poller) SetStateDir(dir string) {
	sources := 0
	for _, v := range p.vendors {
		sources += len(v.Sources)
	}
	p.status = statusread.New(p.fetch, statusread.Options{StateDir: dir, Now: p.clock, Sources: sources})
}

// SetClock makes the poller take the time from now instead of time.Now:
// the check times results carry (checked_at, since, the snapshot's
// generated_at), which correlation and history then use. The demo runs its
// scenario's clock through it. Intervals, timeouts and latencies stay in
// real time. Call it before Check or Run.
func (p *Poller) SetClock(now func() time.Time) {
	if now != nil {
		p.now = now
	}
}

// SetRetryWait sets the pause before the one retry a failed probe or
// keyless request gets within a check (DefaultRetryWait). The demo, which
// runs its story faster than real time, shortens it. Call it before Check
// or Run.
func (p *Poller) SetRetryWait(d time.Duration) {
	if d > 0 {
		p.probeOpts.RetryWait = d
		p.useProber(probe.New(p.fetch, p.probeOpts))
	}
}

// SetProbeTimeout sets the limit of each key probe, keyless request and
// dashboard check (the config's probe_timeout); zero keeps the fetch
// client's timeout. Call it before Check or Run.
func (p *Poller) SetProbeTimeout(d time.Duration) {
	if d > 0 {
		p.probeOpts.Timeout = d
		p.useProber(probe.New(p.fetch, p.probeOpts))
	}
}

// SetTraffic makes the poller read our own production traffic to each
// vendor from the query API of cfg (the config's traffic: block), each
// vendor's queries within timeout; nil leaves the signal out. Call it
// before Check or Run.
func (p *Poller) SetTraffic(cfg *config.Traffic, timeout time.Duration) {
	p.traffic = traffic.New(cfg, traffic.Options{Timeout: timeout, Now: p.clock})
}

// clock is the poller's clock, read through p.now so SetClock also moves
// the clock of the adapters made before it.
func (p *Poller) clock() time.Time { return p.now() }

// useProber makes pr send the poller's probes and admin reads.
func (p *Poller) useProber(pr *probe.Prober) {
	p.probes = pr
	p.admin = admin.New(pr, admin.Options{})
}

// Identity is what the config says of v as its results carry it
// (observe.VendorResult.SetIdentity), with its keys, each a name with no
// result (none: an empty list).
func Identity(v catalog.Vendor) observe.VendorResult {
	r := identity(&v)
	r.Keys = make([]observe.KeyResult, len(v.Keys))
	for i, k := range v.Keys {
		r.Keys[i].Name = k.Name
	}
	return r
}

// identity is Identity without the keys.
func identity(v *catalog.Vendor) observe.VendorResult {
	return observe.VendorResult{ID: v.ID, Name: v.Name, DependsOn: v.DependsOn, Watched: v.Components, Links: linksOf(*v)}
}

// pendingResult is a vendor's result before its first check.
func pendingResult(v catalog.Vendor) observe.VendorResult {
	r := identity(&v)
	r.Keys = []observe.KeyResult{}
	r.Status.State = "unknown"
	r.Status.PageURL = v.PageURL
	r.Status.Normalize()
	return r
}

// linksOf is the catalog's links of v, as observations carry them to the
// advice that cites them.
func linksOf(v catalog.Vendor) observe.Links {
	return observe.Links{Keys: v.Links.Keys, AuditLog: v.Links.AuditLog, Billing: v.Links.Billing}
}

// Vendors returns the vendors being watched.
func (p *Poller) Vendors() []catalog.Vendor { return p.vendors }

// Part selects what a check covers.
type Part int

// The parts of a check: the status page, our keys with keyless
// reachability, the admin APIs (key inventory, VAPI's call records) and
// our own traffic (when a traffic: source is configured). They run on
// separate intervals.
const (
	PartStatus Part = 1 << iota
	PartProbes
	PartAdmin
	PartTraffic
	PartAll = PartStatus | PartProbes | PartAdmin | PartTraffic
)

// Check checks every vendor once, as many at the same time as the client
// has requests in flight (fetch.Client.Concurrency), and returns the
// snapshot when the last one is done.
//
// A vendor's check starts when one of those running ends, not all at
// once: more could not send their requests any sooner, as they would
// wait for a slot, and each would hold a goroutine grown to 8 KiB
// meanwhile, which the collector scans at every cycle. Started as others
// end, they also start at the stack size the collector has seen them
// need, where thousands started at once each began at 2 KiB and was
// copied twice on its way. A warm check of 5,000 vendors with 2,048
// requests in flight (the config's default): 11–13 % less CPU, 12–15 %
// less peak RSS, 5–8 % less wall time (interleaved runs on held hosts,
// 2026-12-07).
func (p *Poller) Check(ctx context.Context) observe.Snapshot {
	var wg sync.WaitGroup
	running := make(chan struct{}, p.checksAtOnce())
	// The vendors waiting for their turn are owed: InFlight counts them.
	p.owed.Add(int32(len(p.vendors)))
	for i := range p.vendors {
		running <- struct{}{}
		// The vendor by reference, and no result handed back: every
		// byte of this goroutine's frame is stack for each of thousands
		// of vendors while their requests wait.
		wg.Go(func() {
			defer func() { <-running }()
			p.checkOwed(ctx, &p.vendors[i], PartAll, 1)
		})
	}
	wg.Wait()
	return p.Snapshot()
}

// checksAtOnce is how many vendor checks Check runs at the same time: as
// many as the client has requests in flight.
func (p *Poller) checksAtOnce() int {
	if p.fetch == nil {
		return max(1, len(p.vendors))
	}
	return max(1, p.fetch.Concurrency())
}

// Snapshot returns the latest results of every vendor, in config order.
func (p *Poller) Snapshot() observe.Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := observe.Snapshot{GeneratedAt: p.now().UTC(), Vendors: make([]observe.VendorResult, 0, len(p.vendors))}
	for _, v := range p.vendors {
		s.Vendors = append(s.Vendors, p.results[v.ID])
	}
	return s
}

// InFlight is the number of vendor checks running now, or asked for and
// about to start (Run's first round, CheckNow).
func (p *Poller) InFlight() int { return int(p.inFlight.Load() + p.owed.Load()) }

// Checking returns the ids of the vendors being checked now, in config
// order.
func (p *Poller) Checking() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var ids []string
	for _, v := range p.vendors {
		if p.checking[v.ID] > 0 {
			ids = append(ids, v.ID)
		}
	}
	return ids
}

// checkVendor runs the selected parts of one vendor's check, stores the
// result and returns it.
func (p *Poller) checkVendor(ctx context.Context, v catalog.Vendor, part Part) observe.VendorResult {
	p.checkOwed(ctx, &v, part, 0)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.results[v.ID]
}

// checkOwed is checkVendor for a check of Run's loop that stands for
// owed checks counted in Poller.owed: it is counted in flight before they
// are taken off owed, so InFlight never dips between the two.
func (p *Poller) checkOwed(ctx context.Context, v *catalog.Vendor, part Part, owed int32) {
	p.inFlight.Add(1)
	p.owed.Add(-owed)
	p.mu.Lock()
	p.checking[v.ID]++
	prev := p.results[v.ID]
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		if p.checking[v.ID]--; p.checking[v.ID] <= 0 {
			delete(p.checking, v.ID)
		}
		p.mu.Unlock()
		p.inFlight.Add(-1)
	}()

	res := prev
	setIdentity(&res, v)
	traffic, adminOn, listsKeys := p.optionalParts(v)
	var adminRead, trafficRead sync.WaitGroup
	switch {
	case !traffic:
		res.Traffic = nil // no source, or nothing of ours to look for (a status-only vendor)
	case part&PartTraffic != 0:
		// Within its own deadline, beside the other parts.
		trafficRead.Go(func() { t := p.traffic.Read(ctx, *v); res.Traffic = &t })
	}
	if !adminOn {
		res.Inventory, res.Calls = nil, nil // admin: gone from the config
	} else if part&PartAdmin != 0 {
		adminRead.Go(func() { res.Inventory, res.Calls = p.admin.Read(ctx, *v, prev) })
	}
	// The status page and the probes go to different hosts: read them at
	// once, so a vendor takes its slowest request, not the sum.
	var wg sync.WaitGroup
	if part&PartProbes != 0 {
		wg.Go(func() { res.Reachability, res.Keys = p.probe(ctx, v, listsKeys) })
		wg.Go(func() { res.Dashboard = p.probes.Dashboard(ctx, v) })
	}
	if part&PartStatus != 0 {
		res.Status = *p.status.Read(ctx, v)
		res.Status.CheckedAt = p.now().UTC()
	}
	wg.Wait()
	adminRead.Wait()
	trafficRead.Wait()
	matchInventory(&res, v.Name, listsKeys)
	if ctx.Err() != nil {
		return // cancelled mid-check: keep the last complete result
	}
	p.mu.Lock()
	if part&PartTraffic == 0 && p.traffic != nil {
		// The traffic loop may have stored a newer read meanwhile.
		res.Traffic = p.results[v.ID].Traffic
	}
	p.results[v.ID] = res
	settled := false
	if part&PartProbes != 0 && p.unprobed[v.ID] {
		delete(p.unprobed, v.ID)
		settled = len(p.unprobed) == 0
	}
	p.mu.Unlock()
	if settled {
		p.status.Settle()
	}
}

// setIdentity sets in res what the config says of v. It is apart from
// checkOwed, whose frame every vendor's goroutine holds while its
// requests wait: the identity is a whole result, built and passed by
// value. Inlined, it would be in that frame again: 1,032 bytes against
// 184 (maxWaitingStack in the tests).
//
//go:noinline
func setIdentity(res *observe.VendorResult, v *catalog.Vendor) {
	res.SetIdentity(identity(v))
}

// matchInventory matches res's key list from the admin API, if any, with
// its probed keys; when the admin key lists the keys (listsKeys), the
// canaries' results come from the list. It is apart from checkOwed, whose
// frame every vendor's goroutine holds while its requests wait.
func matchInventory(res *observe.VendorResult, vendor string, listsKeys bool) {
	if res.Inventory != nil {
		// Earlier snapshots share the old inventory: match on a copy.
		res.Inventory = admin.CloneInventory(res.Inventory)
		admin.MatchInventory(res.Inventory, res.Keys)
	}
	if listsKeys {
		res.Keys = slices.Clone(res.Keys)
		admin.CanaryResults(vendor, res.Inventory, res.Keys)
	}
}

// optionalParts says which optional parts v's check has: our own traffic
// to it, its admin APIs, and an admin key that lists its keys. Each
// question takes the vendor by value; asked here, the copies are not in
// the frame of checkOwed, which every vendor's goroutine holds while its
// requests wait.
func (p *Poller) optionalParts(v *catalog.Vendor) (traffic, adminOn, listsKeys bool) {
	return p.traffic != nil && p.traffic.Covers(*v), admin.Enabled(*v), admin.ListsKeys(*v)
}

// readTraffic reads vendor v's traffic signal and stores it in the
// vendor's latest result, leaving the other parts as they are.
func (p *Poller) readTraffic(ctx context.Context, v catalog.Vendor) {
	p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	t := p.traffic.Read(ctx, v)
	if ctx.Err() != nil {
		return
	}
	p.mu.Lock()
	r := p.results[v.ID]
	r.Traffic = &t
	p.results[v.ID] = r
	p.mu.Unlock()
}

// probe checks keyless reachability and every key of v, all at once (the
// streaks are counted on when the check is assessed, from the memory of
// earlier ones); secrets are resolved afresh for this check and forgotten
// when it ends. A canary of a vendor whose admin key lists its keys
// (listsKeys) is never probed: using it would move its last_used_at and
// show it to the vendor's leak detection. Its secret is resolved for its
// fingerprint only, and the key list says how it is.
func (p *Poller) probe(ctx context.Context, v *catalog.Vendor, listsKeys bool) (*observe.Reachability, []observe.KeyResult) {
	var reach *observe.Reachability
	keys := make([]observe.KeyResult, len(v.Keys))
	var wg sync.WaitGroup
	for i, k := range v.Keys {
		if k.Canary && listsKeys {
			wg.Go(func() { keys[i] = p.probes.Unprobed(ctx, k) })
			continue
		}
		wg.Go(func() { keys[i] = p.probes.Key(ctx, *v, k) })
	}
	reach = p.probes.Reach(ctx, v) // in this goroutine, beside the keys
	wg.Wait()
	return reach, keys
}

// Run checks every vendor now and then at a fixed rate on its own
// intervals (status pages on Interval, keys on ProbeInterval, admin APIs
// on AdminInterval; see loop) until ctx ends. notify is called from
// the poller's goroutines, one call at a time per vendor; it must not block
// for long.
func (p *Poller) Run(ctx context.Context, notify func(observe.Event)) {
	var wg sync.WaitGroup
	var notifyMu sync.Mutex
	send := func(e observe.Event) {
		notifyMu.Lock()
		defer notifyMu.Unlock()
		notify(e)
	}
	p.owed.Add(int32(len(p.vendors))) // every loop's first check
	for i, v := range p.vendors {
		wg.Go(func() { p.loop(ctx, v, p.wake[i], send) })
		if p.traffic != nil && p.traffic.Covers(v) {
			wg.Go(func() { p.trafficLoop(ctx, v, p.trafficWake[i], send) })
		}
	}
	wg.Wait()
	p.owed.Store(0) // stopped loops owe nothing: what they did not start never will
}

// CheckNow asks every vendor loop started by Run to check all parts at
// once. A vendor already checking runs again when it finishes.
func (p *Poller) CheckNow() {
	// Every check is counted before the first loop can take its wake: a
	// vendor quicker than this loop would otherwise finish before the
	// others are counted, and be taken for the round's last.
	p.owed.Add(int32(len(p.wake)))
	for _, w := range p.wake {
		select {
		case w <- struct{}{}:
		default:
			p.owed.Add(-1) // a wake already waits: one check is owed
		}
	}
	for _, w := range p.trafficWake {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

// trafficLoop reads vendor v's traffic now and then on the source's
// interval until ctx ends. It runs beside the vendor's loop, never in it:
// a slow Prometheus costs this signal its own deadline and delays no
// check.
func (p *Poller) trafficLoop(ctx context.Context, v catalog.Vendor, wake <-chan struct{}, send func(observe.Event)) {
	every := p.traffic.Interval()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
			drain(t)
		case <-t.C:
		}
		send(observe.Event{Vendor: v.ID, InFlight: p.InFlight() + 1})
		p.readTraffic(ctx, v)
		if ctx.Err() != nil {
			return
		}
		send(observe.Event{Vendor: v.ID, Done: true, InFlight: p.InFlight(), Snapshot: p.Snapshot()})
		t.Reset(every)
	}
}

// drain reports whether t had already fired, consuming the tick.
func drain(t *time.Timer) bool {
	select {
	case <-t.C:
		return true
	default:
		return false
	}
}
