// Package monitor is vendorwatch's loop: check the vendors, assess what
// the results mean, record it. --once runs it once; the dashboard, serve
// and the demo run it continuously and get an Update after each round.
package monitor

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Checker checks vendors. *providers.Poller is the real one; tests and the
// demo may script their own.
type Checker interface {
	// Check checks every vendor once and returns the snapshot.
	Check(ctx context.Context) observe.Snapshot
	// Snapshot returns the latest results without checking.
	Snapshot() observe.Snapshot
	// Seed sets results from an earlier snapshot.
	Seed(observe.Snapshot)
	// NeedsSeed says whether a check of every vendor reads the results
	// of the one before (an admin API read keeps its last list when the
	// next read fails); when it does not, Once does not read them from
	// the history first.
	NeedsSeed() bool
	// Run checks continuously until ctx ends, calling notify as vendor
	// checks start and finish.
	Run(ctx context.Context, notify func(observe.Event))
	// CheckNow asks Run to check every vendor at once.
	CheckNow()
	// InFlight is the number of vendor checks running.
	InFlight() int
	// Checking returns the ids of the vendors being checked now.
	Checking() []string
}

// Monitor joins a Checker, correlate and an optional history store.
type Monitor struct {
	checker    Checker
	store      *history.Store
	configured []string
	identity   map[string]observe.VendorResult // by id (SetConfigured)

	mu   sync.Mutex
	mem  correlate.Memory
	last correlate.Report
	have bool
	// memRead says mem was read from the store (resume, or readMemory
	// after a commit failed).
	memRead bool
}

// New returns a monitor. store may be nil: then the memory lives only in
// the process and nothing is recorded.
func New(c Checker, store *history.Store) *Monitor {
	return &Monitor{checker: c, store: store}
}

// SetConfigured tells the monitor every vendor of the config, in its
// order, as the config says it (providers.Identity), for a checker that
// may cover only some of them (--only): each commit then keeps the stored
// results of the configured vendors left out, with their streaks and
// findings but with their names, dependencies, components, links and keys
// as the config says them now, and drops those of vendors no longer
// configured. A vendor without a name is its id alone: what was stored of
// it is kept. The monitor still answers for its checker's vendors alone.
// Call it before Once, Record or Run.
func (m *Monitor) SetConfigured(vendors []observe.VendorResult) {
	m.configured = make([]string, len(vendors))
	m.identity = make(map[string]observe.VendorResult, len(vendors))
	for i, v := range vendors {
		m.configured[i] = v.ID
		if v.Name != "" {
			m.identity[v.ID] = v
		}
	}
}

// Update tells a Run caller what changed.
type Update struct {
	// Report is the latest assessment (the stored one before the first
	// check finishes; the zero Report when there is none yet).
	Report correlate.Report
	// InFlight counts vendor checks still running.
	InFlight int
	// Checking lists the vendors being checked now.
	Checking []string
	// Events are the history events this update recorded, oldest first.
	Events []correlate.Event
	// Err is a recording error (a locked database, say). Report is still
	// the assessment of the latest check, made with the memory in the
	// process.
	Err error
}

// Resume seeds the checker with the last stored report, so a restarted
// dashboard shows the last known state at once and an admin API read
// keeps its last list when the next read fails, and reads the stored
// memory, with which key streaks continue across runs. It returns that
// report, or nil when there is none.
func (m *Monitor) Resume(ctx context.Context) (*correlate.Report, error) {
	return m.resume(ctx, true)
}

// resume is Resume; keep says whether the stored report is kept as the
// latest until the first check ends (a dashboard shows it meanwhile).
func (m *Monitor) resume(ctx context.Context, keep bool) (*correlate.Report, error) {
	if m.store == nil {
		return nil, nil
	}
	load := m.store.Load
	if !keep {
		load = m.store.LoadSeed // the check replaces every status page
	}
	st, err := load(ctx)
	if err != nil {
		return nil, err
	}
	var last correlate.Report
	if st.Report != nil && keep {
		// The stored report holds every configured vendor; show this
		// checker's.
		last = narrow(*st.Report, m.checker.Snapshot())
	}
	m.mu.Lock()
	m.mem, m.memRead = st.Memory, true
	if st.Report != nil && keep {
		m.last, m.have = last, true
	}
	m.mu.Unlock()
	if st.Report == nil {
		return nil, nil
	}
	m.checker.Seed(correlate.SnapshotOf(*st.Report))
	return st.Report, nil
}

// readMemory reads the stored memory into the process, when no resume
// has: a commit that failed (a locked database) leaves the check to be
// assessed with it, and a check that was not seeded never read it. A
// memory that cannot be read either leaves the process's.
func (m *Monitor) readMemory(ctx context.Context) {
	m.mu.Lock()
	read := m.memRead
	m.mu.Unlock()
	if read {
		return
	}
	mem, err := m.store.LoadMemory(ctx)
	if err != nil {
		return
	}
	m.mu.Lock()
	m.mem, m.memRead = mem, true
	m.mu.Unlock()
}

// Once is one check for --once: resume from the store, check every vendor,
// assess with the stored memory and record. A history error is returned
// together with the report, which is valid all the same.
func (m *Monitor) Once(ctx context.Context) (correlate.Report, error) {
	return m.OnceAssessed(ctx, nil)
}

// OnceAssessed is Once that also hands assessed the report as soon as the
// record has assessed it, while the history still writes it
// (history.Check.Assessed), so that --once prints it meanwhile. assessed
// gets the report Once returns, unless the record then fails: Once
// returns the report assessed in the process instead, with the error.
// Without a store, or when the check saw nothing newer than the store
// holds (another process recorded a later check), assessed is not called.
func (m *Monitor) OnceAssessed(ctx context.Context, assessed func(correlate.Report)) (correlate.Report, error) {
	// Nothing shows the stored report before the check ends: keeping it
	// would only hold a second copy of every vendor's status in memory.
	// A checker that reads nothing of the last results is not seeded at
	// all: the commit reads the memory it assesses with itself.
	var rerr error
	if m.checker.NeedsSeed() {
		_, rerr = m.resume(ctx, false)
	}
	snap := m.checker.Check(ctx)
	return m.recordOnce(ctx, snap, assessed, rerr)
}

// OnceOpening is OnceAssessed for a monitor made without its store: open
// opens it (nil for none) while the vendors are checked, and the check is
// recorded in it once both are done. Opening checks the whole file
// (history.Open), some 2 ms a megabyte, and the check spends nearly all
// its time waiting for the vendors: that wait hides it. A checker that
// needs the last results (Checker.NeedsSeed) waits for the store before
// it starts, as OnceAssessed does. OnceOpening returns the store, for the
// caller to close, even when ctx ends first.
func (m *Monitor) OnceOpening(ctx context.Context, open func() *history.Store, assessed func(correlate.Report)) (correlate.Report, *history.Store, error) {
	if m.checker.NeedsSeed() {
		m.store = open()
		rep, err := m.OnceAssessed(ctx, assessed)
		return rep, m.store, err
	}
	opened := make(chan *history.Store, 1)
	go func() { opened <- open() }()
	snap := m.checker.Check(ctx)
	m.store = <-opened
	rep, err := m.recordOnce(ctx, snap, assessed, nil)
	return rep, m.store, err
}

// recordOnce records a one-shot check's snapshot (Once), unless ctx ended
// while it was checked. rerr, the error of reading the store before the
// check, is returned when the record itself went well.
func (m *Monitor) recordOnce(ctx context.Context, snap observe.Snapshot, assessed func(correlate.Report), rerr error) (correlate.Report, error) {
	if err := ctx.Err(); err != nil {
		return correlate.Report{}, err
	}
	rep, _, err := m.record(ctx, snap, assessed, false)
	if err == nil {
		err = rerr
	}
	return rep, err
}

// Record assesses a snapshot against the memory and records the result.
// With a store, the check is merged into the stored observations and
// assessed with the stored memory inside the write transaction, so
// processes sharing the state dir continue each other's streaks and never
// turn each other's clocks back; the report is then cut down to the
// snapshot's vendors. If the store fails, the snapshot is still assessed
// with the memory in the process and the error is returned beside the
// report.
func (m *Monitor) Record(ctx context.Context, snap observe.Snapshot) (correlate.Report, []correlate.Event, error) {
	return m.record(ctx, snap, nil, false)
}

// record is Record, handing the report to assessed (if not nil) as soon
// as the commit has assessed it. partial says other checks of the round
// are still running (history.Check.Partial).
func (m *Monitor) record(ctx context.Context, snap observe.Snapshot, assessed func(correlate.Report), partial bool) (correlate.Report, []correlate.Event, error) {
	var c history.Committed
	var err error
	if m.store != nil {
		check := history.Check{Snapshot: snap, Configured: m.configured, Identity: m.identity, Partial: partial}
		if assessed != nil {
			check.Assessed = func(rep correlate.Report) { assessed(narrow(rep, snap)) }
		}
		c, err = m.store.Commit(ctx, check, correlate.Assess)
		if err != nil {
			m.readMemory(ctx)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.store == nil || err != nil {
		c.Report, c.Memory = correlate.Assess(snap, m.mem)
		c.Events = nil
	}
	rep := narrow(c.Report, snap)
	m.mem, m.last, m.have = c.Memory, rep, true
	return rep, c.Events, err
}

// narrow cuts a stored report, which holds every configured vendor, down
// to the vendors of the snapshot: what this monitor was asked about.
func narrow(rep correlate.Report, snap observe.Snapshot) correlate.Report {
	ids := make([]string, 0, len(snap.Vendors))
	in := make(map[string]bool, len(snap.Vendors))
	for _, v := range snap.Vendors {
		ids = append(ids, v.ID)
		in[v.ID] = true
	}
	// A set, not a search of ids per vendor: at 5,000 vendors that was
	// 12 million comparisons after every check.
	if !slices.ContainsFunc(rep.Vendors, func(v correlate.VendorReport) bool { return !in[v.ID] }) {
		return rep
	}
	return correlate.Narrow(rep, ids)
}

// Last returns the latest report and whether there is one.
func (m *Monitor) Last() (correlate.Report, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last, m.have
}

// progress is the checks running and the vendors being checked, read one
// after the other while checks start and end: a vendor listed as being
// checked is counted in flight, so the two never disagree on screen.
func (m *Monitor) progress() (int, []string) {
	checking := m.checker.Checking()
	return max(m.checker.InFlight(), len(checking)), checking
}

// Run resumes from the store, then checks continuously until ctx ends. fn
// gets an Update at once (the stored report, if any), whenever checks start
// (InFlight changes) and after each round of finished checks has been
// assessed and recorded. Checks that finish while others still run are
// recorded together: when none is left running, or RecordSettle after the
// first of them finished. fn is called from one goroutine at a
// time and should return quickly. Run returns nil when ctx ends and the
// checker has stopped.
func (m *Monitor) Run(ctx context.Context, fn func(Update)) error {
	_, err := m.Resume(ctx)
	inFlight, checking := m.progress()
	fn(Update{Report: m.current(), InFlight: inFlight, Checking: checking, Err: err})
	wake := make(chan struct{}, 1)
	var finished atomic.Bool
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		m.checker.Run(ctx, func(e observe.Event) {
			if e.Done {
				finished.Store(true)
			}
			select {
			case wake <- struct{}{}:
			default:
			}
		})
	}()
	// settle, while set, is when the finished checks are recorded even
	// though others are still running.
	var settle <-chan time.Time
	for {
		record := false
		select {
		case <-ctx.Done():
			<-stopped
			return nil
		case <-stopped:
			if ctx.Err() != nil {
				return nil
			}
			return errors.New("monitor: the checker stopped on its own")
		case <-settle:
			settle, record = nil, true
		case <-wake:
			if finished.Load() {
				if m.checker.InFlight() == 0 {
					record = true
				} else if settle == nil {
					settle = time.After(RecordSettle)
				}
			}
		}
		inFlight, checking := m.progress()
		u := Update{InFlight: inFlight, Checking: checking}
		if record && finished.Swap(false) {
			settle = nil
			// Checks still running when the settle time is up are
			// recorded in a later commit of the same round.
			rep, evs, err := m.record(ctx, m.checker.Snapshot(), nil, m.checker.InFlight() > 0)
			if ctx.Err() != nil {
				continue
			}
			u.Report, u.Events, u.Err = rep, evs, err
		} else {
			u.Report = m.current()
		}
		fn(u)
	}
}

// RecordSettle is how long Run lets finished checks gather while others
// are still running before it records them. Vendors checked together
// finish within a few round trips of each other: at 200 ms a round trip,
// a first round's documents arrive from 0.6 s (connection, TLS, request)
// to 1.2 s (a sibling document, a host that offers only HTTP/1.1). Recording
// them as one round, not in parts, spares an assessment of the whole
// fleet, a write of every state row (on a new state dir, half of what a
// two-minute serve writes) and a redraw for each part; at 250 ms, such a
// first round was recorded in two. A slow vendor holds back no one for
// longer than this.
const RecordSettle = time.Second

// current is the latest report, or, before any check has been recorded,
// an assessment of what the checker holds (every vendor pending), so a
// caller always has every vendor to show.
func (m *Monitor) current() correlate.Report {
	if rep, ok := m.Last(); ok {
		return rep
	}
	m.mu.Lock()
	mem := m.mem
	m.mu.Unlock()
	rep, _ := correlate.Assess(m.checker.Snapshot(), mem)
	return rep
}

// CheckNow asks a running Run to check every vendor at once.
func (m *Monitor) CheckNow() { m.checker.CheckNow() }
