package providers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/statuspage"
)

// statusReader reads a vendor's status sources.
type statusReader struct {
	fetch *Fetcher
	// absent remembers supplementary Statuspage documents that answered 404
	// (incident.io has no scheduled-maintenances.json), so they are asked
	// for once per process, not on every poll.
	absent sync.Map
}

// read fetches every source of v concurrently and merges them in config
// order. Each source's outcome is recorded in Status.Sources; a source that
// fails is an error on that source only.
func (r *statusReader) read(ctx context.Context, v Vendor) statuspage.Status {
	parts := make([]*statuspage.Status, len(v.Sources))
	meta := make([]statuspage.Source, len(v.Sources))
	var wg sync.WaitGroup
	for i, spec := range v.Sources {
		wg.Go(func() { parts[i], meta[i] = r.readSource(ctx, spec) })
	}
	wg.Wait()
	st := statuspage.Merge(parts...)
	st.Sources = meta
	if st.PageURL == "" || v.PageURL != "" {
		st.PageURL = v.PageURL
	}
	st.Filter(v.Components)
	if len(v.Sources) == 0 {
		st.Description = "no status page configured"
	}
	st.Normalize()
	return *st
}

// readSource fetches and parses one source.
func (r *statusReader) readSource(ctx context.Context, spec SourceSpec) (*statuspage.Status, statuspage.Source) {
	src := statuspage.Source{URL: spec.URL, Format: spec.Format}
	start := time.Now()
	st, url, format, err := r.load(ctx, spec)
	src.LatencyMS = time.Since(start).Milliseconds()
	if format != spec.Format {
		src.Format, src.Detected, src.URL = format, true, url
	}
	if err != nil {
		src.Error = statuspage.CleanLine(err.Error())
		return nil, src
	}
	src.OK = true
	return st, src
}

// load returns the parsed status of a source, detecting its format first
// when the config gives none, plus the URL and format that were used.
func (r *statusReader) load(ctx context.Context, spec SourceSpec) (*statuspage.Status, string, statuspage.Format, error) {
	if spec.Format == statuspage.Auto {
		return r.detect(ctx, spec)
	}
	resp, err := r.get(ctx, spec.URL)
	if err != nil {
		return nil, spec.URL, spec.Format, err
	}
	st, err := r.parse(ctx, spec, resp)
	return st, spec.URL, spec.Format, err
}

// parse reads a body in the source's format. A Statuspage summary that
// lacks incidents or maintenances (incident.io's variant) is completed from
// the sibling documents; their absence is not an error.
func (r *statusReader) parse(ctx context.Context, spec SourceSpec, resp *Response) (*statuspage.Status, error) {
	if spec.Format != statuspage.Statuspage {
		return statuspage.Parse(spec.Format, resp.Body)
	}
	st, parts, err := statuspage.ReadStatuspage(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("statuspage: %w", err)
	}
	base, ok := strings.CutSuffix(spec.URL, "/summary.json")
	if !ok {
		return st, nil
	}
	extra := []*statuspage.Status{st}
	if !parts.Incidents {
		extra = append(extra, r.supplement(ctx, base+"/incidents/unresolved.json"))
	}
	if !parts.Maintenances {
		extra = append(extra, r.supplement(ctx, base+"/scheduled-maintenances/upcoming.json"))
	}
	merged := statuspage.Merge(extra...)
	merged.Components = st.Components
	return merged, nil
}

// supplement fetches a sibling Statuspage document, or returns nil when it
// does not exist or fails; the summary already gave the state.
func (r *statusReader) supplement(ctx context.Context, url string) *statuspage.Status {
	if _, gone := r.absent.Load(url); gone {
		return nil
	}
	resp, err := r.fetch.Get(ctx, url, nil)
	if err != nil {
		return nil
	}
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		r.absent.Store(url, true)
		return nil
	}
	if resp.StatusCode/100 != 2 {
		return nil
	}
	st, _, err := statuspage.ReadStatuspage(resp.Body)
	if err != nil {
		return nil
	}
	return st
}

// get fetches a status URL and turns transport failures and non-2xx
// answers into errors that name what happened.
func (r *statusReader) get(ctx context.Context, url string) (*Response, error) {
	resp, err := r.fetch.Get(ctx, url, http.Header{"Accept": {"application/json, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5"}})
	if err != nil {
		return nil, fmt.Errorf("%s", describeErr(err))
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return resp, nil
}
