// Package statusread reads a vendor's status sources: it fetches each one
// through the shared client (conditionally, from the validator store),
// finds the format of a page given only by its address (detect.go) and
// remembers what it found, reuses the parsed model of an unchanged
// document (in process, and across processes from the state dir's model
// store), and merges the sources into one observe.Status, narrowed to the
// components the team cares about.
package statusread

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// How long a feed's open incident counts as current without an update:
// a day when the feed does not state its status, a week when it does.
const (
	staleUnstated = 24 * time.Hour
	staleStated   = 7 * 24 * time.Hour
)

// parseSlots bounds how many documents are parsed at once to the
// processors the process starts with: every CPU for serve and the
// dashboard, one for --once, which package procs holds to one processor
// before this package's variables are set (a large check that gets its
// processors back still parses one document at a time: two slots
// measured no faster at 1,000 vendors, BENCHMARKS.md). When 200 pages
// answer in the same instant, parsing them all at once would not finish
// sooner, but every parser's working memory would be alive together:
// this keeps a check's peak memory low.
var parseSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// parsing runs parse in a parse slot and returns its error. A parser that
// panics on a document (a bug of vendorwatch the document found) fails
// that source, as a broken page does, instead of ending the process with
// every other vendor's verdict: DESIGN's "an error on that source only,
// never a crash".
func parsing(parse func() error) (err error) {
	parseSlots <- struct{}{}
	defer func() {
		<-parseSlots
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %s", ErrParserFailed, termtext.Clip(redact.Shapes(termtext.Line(fmt.Sprint(p))), 200))
		}
	}()
	return parse()
}

// ErrParserFailed is a source's error when its parser failed on the
// document (a panic caught): a bug to report, with the document.
var ErrParserFailed = errors.New("the parser failed on this document (a bug in vendorwatch; please report it with the page)")

// Reader reads vendors' status sources. One Reader serves every vendor of
// a poller, concurrently.
type Reader struct {
	fetch *fetch.Client
	// cache keeps each document's validators and body (in the state dir
	// when set), so a check sends conditional requests and reads a 304 as
	// the stored document. It also remembers, for an hour, supplementary
	// Statuspage documents that answered 404 (incident.io has no
	// unresolved.json), so they are not asked for on every poll.
	cache *fetch.Cache
	// memo remembers autodetected formats (in the state dir when set).
	memo *detectMemo
	now  func() time.Time
	// statusIOAPI overrides where status.io page ids are looked up (tests).
	statusIOAPI string
	// notFound remembers searches that found nothing (detect.go).
	notFound sync.Map
	// parsed keeps what each source's last document read to (parsememo.go),
	// and models the same across processes, in the state dir when set
	// (modelstore.go); parses counts the documents actually parsed, loads
	// the models read from the store instead.
	parsed parseMemo
	models *modelStore
	parses atomic.Int64
	loads  atomic.Int64
	// reading counts the Reads under way: when the last of a round ends,
	// the models parsed in it are written, in one write.
	reading atomic.Int64
}

// Options tune a Reader.
type Options struct {
	// StateDir is where the reader remembers what the next process should
	// not have to learn again: the autodetected formats, so each page is
	// read at the URL that worked instead of searched for; each status
	// document's validators (ETag, Last-Modified) with the document, so
	// requests are conditional and a 304 reuses it; and what each
	// document read to (ModelsFile), so an unchanged one is not parsed
	// again. Empty keeps them in memory, for the process's life.
	StateDir string
	// Now is the clock of stale-incident pruning and of maintenances'
	// windows (time.Now when nil).
	Now func() time.Time
	// StatusIOAPI is where status.io page ids are looked up (tests point
	// it at a fake; default status.io's own API).
	StatusIOAPI string
	// Sources is how many status sources the reader serves (the config's),
	// which sizes the validator store (fetch.Cache.SetSources).
	Sources int
}

// New returns a Reader fetching through f.
func New(f *fetch.Client, o Options) *Reader {
	memo, cache, models := "", "", ""
	if o.StateDir != "" {
		memo, cache = filepath.Join(o.StateDir, detectedFile), filepath.Join(o.StateDir, fetch.CacheDir)
		models = filepath.Join(o.StateDir, ModelsFile)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	c := fetch.NewCache(cache, nil)
	c.SetSources(o.Sources)
	c.Hold() // until Settle
	return &Reader{fetch: f, memo: newDetectMemo(memo), cache: c, models: newModelStore(models), now: o.Now, statusIOAPI: o.StatusIOAPI}
}

// Settle tells the Reader that the process has resolved its keys (a
// first round of probes is done), so what it keeps in the state dir can
// pass the redactor knowing them. Until then the documents it fetched and
// the models it parsed stay in memory; a Reader without a state dir
// ignores it.
func (r *Reader) Settle() {
	r.cache.Settle()
	r.models.settle()
}

// Read fetches every source of v concurrently and merges them in config
// order. Each source's outcome is recorded in Status.Sources; a source that
// fails is an error on that source only.
//
// v and the status go by reference, and the merge is a function of its
// own: a check reads thousands of vendors at once, each in its goroutine,
// and every byte of the frames above a request is stack for each of them
// while it waits (8 KiB a goroutine, where more made it 16).
func (r *Reader) Read(ctx context.Context, v *catalog.Vendor) *observe.Status {
	r.reading.Add(1)
	defer r.doneReading()
	parts, meta := r.readSources(ctx, v)
	return merged(v, parts, meta)
}

// doneReading ends a Read: the last one running writes what the reads
// left to the state dir.
func (r *Reader) doneReading() {
	if r.reading.Add(-1) == 0 {
		r.models.flush()
		r.cache.Flush()
	}
}

// readSources reads every source of v at once, the last in this
// goroutine.
func (r *Reader) readSources(ctx context.Context, v *catalog.Vendor) ([]*observe.Status, []observe.Source) {
	parts := make([]*observe.Status, len(v.Sources))
	meta := make([]observe.Source, len(v.Sources))
	lim := limitsFor(v)
	var wg sync.WaitGroup
	for i := range v.Sources {
		if i == len(v.Sources)-1 {
			parts[i], meta[i] = r.readSource(ctx, &v.Sources[i], &lim)
			break
		}
		wg.Go(func() { parts[i], meta[i] = r.readSource(ctx, &v.Sources[i], &lim) })
	}
	wg.Wait()
	return parts, meta
}

// merged is v's status from its sources' parts, in config order, with
// their outcomes.
func merged(v *catalog.Vendor, parts []*observe.Status, meta []observe.Source) *observe.Status {
	st := statuspage.Merge(parts...)
	st.Sources = meta
	if st.PageURL == "" || v.PageURL != "" {
		st.PageURL = v.PageURL
	}
	statuspage.Filter(st, v.Components)
	if len(v.Sources) == 0 {
		st.Description = "no status page configured"
	}
	st.Normalize()
	return st
}

// limitsFor is what one source of v may put in the model: the default
// caps, keeping the components v's components: list names first.
func limitsFor(v *catalog.Vendor) statuspage.Limits {
	lim := statuspage.DefaultLimits
	lim.Keep = v.Components
	return lim
}

// readSource fetches and parses one source within lim. The source and
// the limits go down by pointer, here and in the functions it calls:
// each of their frames is held while the request waits, by every
// vendor's goroutine at once (maxWaitingStack in package providers).
func (r *Reader) readSource(ctx context.Context, spec *catalog.SourceSpec, lim *statuspage.Limits) (*observe.Status, observe.Source) {
	src := observe.Source{URL: spec.URL, Format: string(spec.Format)}
	start := time.Now()
	st, url, format, err := r.load(ctx, spec, lim, &src.NotModified)
	src.LatencyMS = time.Since(start).Milliseconds()
	if format != spec.Format {
		src.Format, src.Detected, src.URL = string(format), true, url
	}
	if err != nil {
		src.Error = termtext.Line(err.Error())
		src.NotModified = false
		return nil, src
	}
	src.OK = true
	return st, src
}

// load returns the parsed status of a source, detecting its format first
// when the config gives none, plus the URL and format that were used. It
// sets *notModified when the document answered 304 and the stored copy was
// read. The model is cut to lim.
func (r *Reader) load(ctx context.Context, spec *catalog.SourceSpec, lim *statuspage.Limits, notModified *bool) (*observe.Status, string, statuspage.Format, error) {
	if spec.Format == statuspage.Auto {
		return r.detect(ctx, spec, lim, notModified)
	}
	st, err := r.fetchParse(ctx, spec, lim, notModified)
	return st, spec.URL, spec.Format, err
}

// fetchParse fetches a source and reads it in its format, setting
// *notModified when the answer was a 304.
func (r *Reader) fetchParse(ctx context.Context, spec *catalog.SourceSpec, lim *statuspage.Limits, notModified *bool) (*observe.Status, error) {
	known := func(final string, d fetch.Digest) bool { return r.knows(spec, lim, final, d) }
	resp, err := r.answered(r.fetch.GetCachedKnown(ctx, r.cache, spec.URL, accept(), known))
	if err != nil {
		return nil, err
	}
	return r.parseResp(ctx, spec, resp, lim, notModified)
}

// knows reports whether the model of spec's document named by final and
// d is at hand, in this process's memo or the state dir's model store:
// the validator store keeps no body for a document whose model was
// stored (fetch.Cache.Unneeded), so a 304 is of use only then.
func (r *Reader) knows(spec *catalog.SourceSpec, lim *statuspage.Limits, final string, d fetch.Digest) bool {
	source := sourceKey(*spec, *lim)
	key := memoKey(source, final, d)
	return r.parsed.has(spec.URL, key) || r.models.has(source, key)
}

// parseResp reads a body in the source's format. A Statuspage summary that
// lacks incidents or maintenances (incident.io's variant) is completed from
// the sibling documents; their absence is not an error. Relative incident
// links are resolved against the URL that answered, and a feed's items
// that state no status are dropped once they are stale. The model is cut
// to lim (statuspage.Limits) as it is read, before the memo keeps it: what
// the caps leave out is never parsed into memory that lasts.
//
// A document read before, by this process (parseMemo) or an earlier one
// on the same state dir (modelStore), is not parsed again: its model is
// reused, found by the document's digest, so a 304's stored body is not
// even read. A Statuspage summary is reused only when it was whole, its
// model owing nothing to sibling documents that change on their own.
//
// notModified (nil to ignore) is set when the document is the stored copy
// a 304 confirmed.
func (r *Reader) parseResp(ctx context.Context, spec *catalog.SourceSpec, resp *fetch.Response, lim *statuspage.Limits, notModified *bool) (*observe.Status, error) {
	if err := checkContentType(resp, spec.Format); err != nil {
		return nil, err
	}
	d := resp.Digest()
	source := sourceKey(*spec, *lim)
	key := memoKey(source, resp.URL, d)
	st := r.parsed.get(spec.URL, key)
	if st == nil {
		// A model the store holds is not copied into the memo too: the
		// store keeps its record for the process's life, and decoding
		// it again costs what copying it out of the memo does.
		if st = r.models.load(source, key); st != nil {
			r.loads.Add(1)
		}
	}
	if st == nil {
		// Only now is the body needed. A stored one that fails its
		// checksums is not parsed: fetch downloads the document in full,
		// and that answer, another document, is read instead.
		full, err := r.answered(resp.Load(ctx))
		if err != nil {
			return nil, err
		}
		if !full.NotModified {
			if err := checkContentType(full, spec.Format); err != nil {
				return nil, err
			}
			d = full.Digest()
			key = memoKey(source, full.URL, d)
		}
		resp = full
		whole := true
		switch spec.Format {
		case statuspage.Statuspage:
			st, whole, err = r.parseStatuspage(ctx, *spec, resp, *lim)
		case statuspage.HTML:
			err = parsing(func() (err error) { st, err = lim.ReadHTML(resp.Body, spec.Selector, spec.Healthy); return err })
			if err != nil {
				err = fmt.Errorf("html: %w", err)
			}
		default:
			err = parsing(func() (err error) { st, err = lim.Parse(spec.Format, resp.Body); return err })
		}
		if err != nil {
			return nil, err
		}
		r.parses.Add(1)
		resolveLinks(st, resp.URL, spec.URL)
		if whole {
			r.parsed.put(spec.URL, key, st)
			if r.models.store(source, key, st) && !resp.NotModified {
				// The model stands for the document from now on: the
				// validator store keeps its validators, not its bytes.
				r.cache.Unneeded(spec.URL, d)
			}
		}
	}
	if notModified != nil {
		*notModified = resp.NotModified
	}
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	at := now()
	if spec.Format == statuspage.Feed {
		statuspage.DropStale(st, at, staleUnstated, staleStated)
	}
	// A maintenance's status follows its dates, and a resolved incident's
	// detail its age, on the check's clock, each time the model is read,
	// not once when the document was parsed.
	statuspage.SettleMaintenances(st, at)
	statuspage.SettleResolved(st, at)
	return st, nil
}

// parseStatuspage reads a Statuspage API document and its siblings
// within lim. whole is true when the model is the document's alone, no
// sibling having been asked for.
func (r *Reader) parseStatuspage(ctx context.Context, spec catalog.SourceSpec, resp *fetch.Response, lim statuspage.Limits) (st *observe.Status, whole bool, err error) {
	var parts statuspage.Parts
	err = parsing(func() (err error) { st, parts, err = lim.ReadStatuspage(resp.Body); return err })
	if err != nil {
		return nil, false, fmt.Errorf("statuspage: %w", err)
	}
	base, ok := strings.CutSuffix(spec.URL, "/summary.json")
	if !ok || parts.IncidentIO {
		return st, true, nil
	}
	// Both siblings at once: a vendor that needs them costs two round
	// trips, not three.
	var incidents, maintenances *observe.Status
	var wg sync.WaitGroup
	if !parts.Incidents {
		wg.Go(func() { incidents = r.supplement(ctx, base+"/incidents/unresolved.json") })
	}
	if !parts.Maintenances {
		wg.Go(func() { maintenances = r.supplement(ctx, base+"/scheduled-maintenances/upcoming.json") })
	}
	wg.Wait()
	merged := statuspage.Merge(st, incidents, maintenances)
	merged.Components, merged.ComponentsOmitted = st.Components, st.ComponentsOmitted
	lim.Cap(merged) // the siblings' incidents and maintenances count together
	return merged, parts.Incidents && parts.Maintenances, nil
}

// resolveLinks makes relative incident and maintenance links (Google's
// "incidents/…", a Statuspage page's "/incidents/…") absolute.
func resolveLinks(st *observe.Status, final, configured string) {
	base, err := url.Parse(final)
	if err != nil || base.Host == "" {
		if base, err = url.Parse(configured); err != nil {
			return
		}
	}
	fix := func(s string) string {
		if s == "" || strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
			return s
		}
		ref, err := url.Parse(s)
		if err != nil {
			return ""
		}
		abs := base.ResolveReference(ref)
		if abs.Scheme != "http" && abs.Scheme != "https" {
			return ""
		}
		return abs.String()
	}
	for i := range st.Incidents {
		st.Incidents[i].URL = fix(st.Incidents[i].URL)
	}
	for i := range st.Maintenances {
		st.Maintenances[i].URL = fix(st.Maintenances[i].URL)
	}
}

// checkContentType refuses a body whose declared type cannot be any status
// format (an image, audio, an archive), so the error names the real
// problem; mislabelled text is still read by its bytes.
func checkContentType(resp *fetch.Response, f statuspage.Format) error {
	ct := resp.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil {
		return nil
	}
	for _, bad := range []string{"image/", "audio/", "video/", "font/", "application/pdf", "application/zip", "application/gzip", "application/x-gzip", "application/wasm"} {
		if strings.HasPrefix(mt, bad) {
			return fmt.Errorf("%s: %w: want %s, got content type %s", f, statuspage.ErrWrongFormat, f, mt)
		}
	}
	return nil
}

// supplement fetches a sibling Statuspage document, or returns nil when it
// does not exist or fails; the summary already gave the state.
func (r *Reader) supplement(ctx context.Context, url string) *observe.Status {
	if r.cache.Absent(url) {
		return nil
	}
	resp, err := r.fetch.GetCached(ctx, r.cache, url, nil)
	if err != nil {
		return nil
	}
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		r.cache.MarkAbsent(url)
		return nil
	}
	if resp.StatusCode/100 != 2 {
		return nil
	}
	var st *observe.Status
	err = parsing(func() (err error) { st, _, err = statuspage.ReadStatuspage(resp.Body); return err })
	if err != nil {
		return nil
	}
	return st
}

// accept is the header of a status request, new for each (a 304 answered
// without its body keeps it for the download Load may make): every format
// a reader reads is accepted.
func accept() http.Header {
	return http.Header{"Accept": {"application/json, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5"}}
}

// get fetches a status URL, its body read (a 304's from the store).
func (r *Reader) get(ctx context.Context, url string) (*fetch.Response, error) {
	return r.answered(r.fetch.GetCached(ctx, r.cache, url, accept()))
}

// answered turns transport failures and non-2xx answers into errors that
// name what happened.
func (r *Reader) answered(resp *fetch.Response, err error) (*fetch.Response, error) {
	if err != nil {
		return nil, fmt.Errorf("%s", fetch.Describe(err))
	}
	if resp.StatusCode/100 != 2 {
		return nil, errHTTPStatus{resp.StatusCode}
	}
	return resp, nil
}
