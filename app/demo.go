package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/demo"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/statuspage"
	"github.com/vendorwatch/vendorwatch/ui"
)

// How the demo polls its simulated vendors, in real time at speed 1. The
// intervals are far below what a config may ask of real vendors
// (config.MinInterval, config.MinProbeInterval): the demo builds its
// vendors itself and never goes through config validation.
const (
	demoInterval  = 3 * time.Second // status pages and key probes alike
	demoTimeout   = time.Second
	demoRetryWait = 250 * time.Millisecond
)

// demoOnceAt is the moment --demo --once replays the story to: VAPI has
// posted the outage vendorwatch saw ten minutes earlier.
const demoOnceAt = "12:46"

// Demo is a running demo: the simulated vendors, the real poller,
// monitor and history over them, in a throwaway directory.
type Demo struct {
	dir    string
	sim    *demo.Sim
	poller *providers.Poller
	store  *history.Store
	mon    *monitor.Monitor
	// vendors are the demo's vendors, as a config would give them.
	vendors []catalog.Vendor
}

// Close stops the demo and removes its directory: the key file and the
// history with it.
func (d *Demo) Close() {
	if d.store != nil {
		d.store.Close()
	}
	if d.sim != nil {
		d.sim.Close()
	}
	os.RemoveAll(d.dir)
}

// Backend is the dashboard's backend: the monitor's, with the story's
// clock for the report and its banner on every update.
func (d *Demo) Backend() *DemoBackend {
	return &DemoBackend{MonitorBackend: &MonitorBackend{mon: d.mon, store: d.store, now: d.sim.Now}, sim: d.sim, poller: d.poller}
}

// Now is the story's clock.
func (d *Demo) Now() time.Time { return d.sim.Now() }

// replay checks every vendor at each minute the story changes, and two
// minutes after (a second check confirms what one saw), up to until, and
// returns the last report.
func (d *Demo) replay(ctx context.Context, until time.Time) (correlate.Report, error) {
	var rep correlate.Report
	for _, t := range demoMoments(until) {
		if err := d.sim.Seek(t); err != nil {
			return rep, err
		}
		var err error
		rep, _, err = d.mon.Record(ctx, d.poller.Check(ctx))
		if err != nil {
			return rep, fmt.Errorf("demo history: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// DemoOptions tune NewDemo.
type DemoOptions struct {
	// Speed runs the story and the polling this many times faster (tests).
	Speed float64
	// Manual stops the story's clock; only a replay moves it.
	Manual bool
	// Canary adds an OpenAI canary key that is never used, so the leak
	// shows as key_leak_suspected rather than key_revoked.
	Canary bool
}

// NewDemo starts the simulated vendors and the real machinery over them.
// Its history lives in a new temporary directory, never in the user's
// state dir; Close removes it.
func NewDemo(ctx context.Context, o DemoOptions) (*Demo, error) {
	if o.Speed <= 0 {
		o.Speed = 1
	}
	dir, err := demoTempDir()
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	d := &Demo{dir: dir}
	d.sim, err = demo.Start(demo.Options{Dir: dir, Speed: o.Speed, Manual: o.Manual})
	if err != nil {
		d.Close()
		return nil, err
	}
	d.store, err = history.Open(ctx, filepath.Join(dir, "state"), history.Options{})
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("demo history: %w", err)
	}
	scale := func(x time.Duration) time.Duration { return time.Duration(float64(x) / o.Speed) }
	f := fetch.New(fetch.Options{Timeout: max(scale(demoTimeout), 200*time.Millisecond)})
	d.vendors = demoVendors(d.sim, scale(demoInterval), o.Canary)
	d.poller = providers.NewPoller(d.vendors, f)
	d.poller.SetClock(d.sim.Now)
	retry := scale(demoRetryWait)
	if o.Manual {
		retry = time.Millisecond // a replay does not wait for anything
	}
	d.poller.SetRetryWait(retry)
	// Our production traffic to the vendors, from the demo's Prometheus
	// (the story's series: demo.TrafficAt), read as often as the rest.
	d.poller.SetTraffic(&config.Traffic{
		Prometheus: config.Prometheus{URL: d.sim.Prometheus},
		Window:     config.Duration(config.DefaultTrafficWindow),
		Interval:   config.Duration(scale(demoInterval)),
	}, max(scale(demoTimeout), 200*time.Millisecond))
	d.mon = monitor.New(d.poller, d.store)
	return d, nil
}

// demoTempDir makes the demo's throwaway directory: under $TMPDIR when it
// is set, else in memory (/dev/shm) when the system has it — the history
// syncs its snapshot to disk after every check, which would cost a disk
// for nothing — else in the system's temporary directory.
func demoTempDir() (string, error) {
	if os.Getenv("TMPDIR") == "" {
		if dir, err := os.MkdirTemp("/dev/shm", "vendorwatch-demo-"); err == nil {
			return dir, nil
		}
	}
	return os.MkdirTemp("", "vendorwatch-demo-")
}

// DemoBackend is MonitorBackend over the demo. While the dashboard runs it
// plays the story: a check of every vendor at each step of it (as if the
// user pressed r), so the times of the story and of the checks line up,
// and the story's line on every update.
type DemoBackend struct {
	*MonitorBackend
	sim    *demo.Sim
	poller *providers.Poller
}

// Run plays the story and runs the monitor until ctx ends.
func (b *DemoBackend) Run(ctx context.Context, send func(ui.Update)) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { _ = b.sim.Run(ctx, func(demo.Moment) { b.poller.CheckNow() }) })
	updates := make(chan ui.Update, 16)
	wg.Go(func() { coalesce(ctx, updates, demoCoalesce, send) })
	b.MonitorBackend.Run(ctx, func(u ui.Update) {
		u.Banner = b.sim.Moment().Banner()
		select {
		case updates <- u:
		case <-ctx.Done():
		}
	})
	cancel()
	wg.Wait()
}

// demoCoalesce is how long the demo gathers updates before passing them
// on. A round of checks of its four vendors sends a handful of updates
// within milliseconds, and each one costs the dashboard a full redraw;
// merged, the demo polling every few seconds stays light.
const demoCoalesce = 40 * time.Millisecond

// coalesce passes the updates from in on to send, merging those that
// arrive within window of the first into one: the latest, Recorded if any
// of them was. It returns when ctx ends.
func coalesce(ctx context.Context, in <-chan ui.Update, window time.Duration, send func(ui.Update)) {
	for {
		var u ui.Update
		select {
		case <-ctx.Done():
			return
		case u = <-in:
		}
		t := time.NewTimer(window)
	gather:
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case v := <-in:
				v.Recorded = v.Recorded || u.Recorded
				u = v
			case <-t.C:
				break gather
			}
		}
		send(u)
	}
}

// demoVendors are the vendors of the demo, pointed at the simulated ones:
// the catalog's OpenAI, VAPI (depending on OpenAI), Anthropic and GitHub,
// each with the team's key, polled every interval. OpenAI's key prod reads
// the demo's key file, which the story rewrites when the team rotates it.
func demoVendors(sim *demo.Sim, interval time.Duration, canary bool) []catalog.Vendor {
	cat := catalog.Builtin()
	vendor := func(id, base string, sources ...catalog.SourceSpec) catalog.Vendor {
		e, _ := cat.Get(id)
		v := catalog.Vendor{ID: id, Name: e.Name, PageURL: e.Page, Sources: sources, Links: e.Links, AdminAPI: e.Admin,
			Interval: interval, ProbeInterval: interval}
		if base != "" {
			v.API, v.Probe = catalog.APISpec{BaseURL: base, Reach: e.API.Reach}, e.Probe
		}
		return v
	}
	literal := func(name, key string) config.Key {
		return config.Key{Name: name, Secret: config.SecretRef{Kind: config.SecretLiteral, Value: key}}
	}

	openai := vendor("openai", sim.OpenAI, catalog.SourceSpec{URL: sim.OpenAI + "/api/v2/summary.json", Format: statuspage.Statuspage})
	// The team's key is held by its voice backend, by VAPI (which calls
	// OpenAI with it) and by its secret store: custody the findings name.
	openai.Keys = []config.Key{{Name: "prod", Secret: config.SecretRef{Kind: config.SecretFile, Value: sim.KeyFile()},
		Holders: []config.Holder{{Service: "voice-backend"}, {Vendor: "vapi"}, {Secret: "gcp:openai-prod"}}}}
	if canary {
		k := literal("canary-1", demo.CanaryKey)
		k.Canary = true
		openai.Keys = append(openai.Keys, k)
	}
	vapi := vendor("vapi", sim.VAPI,
		catalog.SourceSpec{URL: sim.VAPI + "/index.json", Format: statuspage.BetterStack},
		catalog.SourceSpec{URL: sim.VAPI + "/feed.rss", Format: statuspage.Feed})
	vapi.DependsOn = []string{"openai"}
	vapi.API.Dashboard = sim.VAPI // the simulated dashboard.vapi.ai
	// VAPI's call records (admin: {} with its key): they show the OpenAI
	// key VAPI holds dying, and close VAPI on the rotation's checklist.
	vapi.Admin = &config.Admin{Interval: config.Duration(interval)}
	vapi.Keys = []config.Key{literal("prod", demo.VAPIKey)}
	anthropic := vendor("anthropic", sim.Anthropic, catalog.SourceSpec{URL: sim.Anthropic + "/api/v2/summary.json", Format: statuspage.Statuspage})
	anthropic.Keys = []config.Key{literal("prod", demo.AnthropicKey)}
	// Our services' metrics name the vendors' real API hosts; the
	// simulated APIs all run on 127.0.0.1, so the hosts are given.
	openai.Traffic = &config.VendorTraffic{Hosts: []string{demo.OpenAIHost}}
	vapi.Traffic = &config.VendorTraffic{Hosts: []string{demo.VAPIHost}}
	anthropic.Traffic = &config.VendorTraffic{Hosts: []string{demo.AnthropicHost}}
	github := vendor("github", "", catalog.SourceSpec{URL: sim.GitHub + "/api/v2/status.json", Format: statuspage.Statuspage})
	github.Traffic = &config.VendorTraffic{Hosts: []string{"api.github.com"}} // a host our services do not call
	return []catalog.Vendor{openai, vapi, anthropic, github}
}

// demoMoments are the times replay checks at: each step of the story and
// two minutes into it, up to until, which is always the last.
func demoMoments(until time.Time) []time.Time {
	var ts []time.Time
	for _, s := range demo.Story {
		for _, t := range []time.Time{demo.Day.Add(s.At), demo.Day.Add(s.At + 2*time.Minute)} {
			if t.Before(until) && (len(ts) == 0 || t.After(ts[len(ts)-1])) {
				ts = append(ts, t)
			}
		}
	}
	return append(ts, until)
}

// DemoOnce replays the story with a stepped clock, one check at each of
// its moments up to 12:46 through the real probes, correlation and
// history, and returns the last report with a line that says what it is.
func DemoOnce(ctx context.Context) (correlate.Report, string, error) {
	d, err := NewDemo(ctx, DemoOptions{Manual: true})
	if err != nil {
		return correlate.Report{}, "", err
	}
	defer d.Close()
	rep, err := d.replay(ctx, demo.Time(demoOnceAt))
	if err != nil {
		return rep, "", err
	}
	note := fmt.Sprintf("demo: simulated vendors replaying the incident log of %s up to %s UTC (vendorwatch --demo shows it live)",
		demo.Day.Format("2006-01-02"), demoOnceAt)
	return rep, note, nil
}
