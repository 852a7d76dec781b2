package statusread

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// statusIOAPI is where status.io pages publish their JSON; a page's HTML
// names its page id.
const statusIOAPI = "https://api.status.io/1.0/status/"

// knownHosts maps status hosts whose machine-readable endpoint is not one
// of the generic ones to that endpoint's path.
var knownHosts = map[string]string{
	"slack-status.com":           "/api/v2.0.0/current",
	"status.slack.com":           "/api/v2.0.0/current",
	"status.cloud.google.com":    "/incidents.json",
	"status.firebase.google.com": "/incidents.json",
	"status.aws.amazon.com":      "/rss/all.rss",
	"status.stripe.com":          "/current/full",
	"azure.status.microsoft":     "/en-us/status/feed/",
}

// genericPaths are tried, in this order, below a bare page URL: the
// Statuspage API (also served by incident.io), Better Stack, Instatus,
// incident.io's own JSON and widget API, then the usual feeds. The page
// itself comes last.
func genericPaths(host string) []string {
	return []string{
		"/api/v2/summary.json",
		"/index.json",
		"/summary.json",
		"/proxy/" + host,
		"/api/v1/summary",
		"/history.atom",
		"/feed.rss",
		"/feed",
		"/history.rss",
		"/feed.atom",
	}
}

// errHTTPStatus is a non-2xx answer: the page exists but this URL does not
// (404), or the server failed (5xx).
type errHTTPStatus struct{ code int }

func (e errHTTPStatus) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.code, http.StatusText(e.code))
}

// candidates lists the URLs to try for a source given without a format.
func candidates(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return []string{raw}
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
		// A specific URL: read it, then look inside. Google's dashboards
		// keep their JSON below the page (…/appsstatus/dashboard/incidents.json).
		if strings.HasSuffix(strings.ToLower(u.Hostname()), "google.com") && u.RawQuery == "" && !strings.HasSuffix(u.Path, ".json") {
			return []string{strings.TrimRight(raw, "/") + "/incidents.json", raw}
		}
		return []string{raw}
	}
	base := u.Scheme + "://" + u.Host
	var out []string
	if p, ok := knownHosts[strings.ToLower(u.Hostname())]; ok {
		out = append(out, base+p)
	}
	for _, p := range genericPaths(u.Host) {
		out = append(out, base+p)
	}
	return append(out, base+"/")
}

// detect finds the format of a source given without one and reads it. A
// remembered detection is used first; when it stops working because the
// page moved (404) or changed platform (another format), the search runs
// again. A bare page URL tries the known endpoints in order; any other URL
// is fetched and sniffed. An HTML page is searched for a status.io page id
// and for the feeds it advertises.
func (r *Reader) detect(ctx context.Context, spec *catalog.SourceSpec, lim *statuspage.Limits, notModified *bool) (*observe.Status, string, statuspage.Format, error) {
	if d, ok := r.memo.get(spec.URL); ok {
		st, err := r.fetchParse(ctx, &catalog.SourceSpec{URL: d.URL, Format: d.Format}, lim, notModified)
		var hs errHTTPStatus
		moved := errors.Is(err, statuspage.ErrWrongFormat) || (errors.As(err, &hs) && hs.code/100 == 4)
		if !moved {
			return st, d.URL, d.Format, err
		}
		r.memo.forget(spec.URL)
		*notModified = false
	}

	if v, ok := r.notFound.Load(spec.URL); ok && time.Now().Before(v.(notFound).until) {
		return nil, spec.URL, statuspage.Auto, v.(notFound).err
	}

	// The search gets a budget of its own so a slow host that answers
	// every guess late cannot hold the vendor for minutes.
	budget := 3 * r.fetch.Timeout()
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > budget {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, budget)
		defer cancel()
	}

	// Every candidate is asked at once, so a first run costs about one
	// round trip more than a warm one (two when the page only links to
	// its feed); the answers are then weighed in the order of preference,
	// and the first that reads wins. The rest are cancelled.
	ctx, cancel := context.WithCancel(ctx)
	var all []*asked
	defer func() {
		// The guesses no longer needed are cancelled, and waited for: none
		// outlives the check.
		cancel()
		for _, a := range all {
			a.wait()
		}
	}()
	tried := map[string]bool{}
	ask := func(urls []string) []*asked {
		as := r.ask(ctx, urls, tried)
		all = append(all, as...)
		return as
	}
	queue := ask(candidates(spec.URL))
	var firstErr, wall error
	for len(queue) > 0 {
		q := queue[0]
		queue = queue[1:]
		c := q.url
		resp, err := q.wait()
		if err != nil {
			var hs errHTTPStatus
			if !errors.As(err, &hs) {
				return nil, spec.URL, statuspage.Auto, err // the host is unreachable: no point guessing on
			}
			if firstErr == nil && c == spec.URL {
				firstErr = err
			}
			continue
		}
		f := statuspage.Sniff(resp.Body)
		if f == statuspage.Auto {
			if err := statuspage.LoginWall(resp.Body); err != nil && wall == nil {
				wall = fmt.Errorf("%s: %w", c, err)
			}
			queue = append(ask(r.lookInside(c, resp)), queue...)
			continue
		}
		if f == statuspage.Statuspage && statuspage.LooksIncidentIO(resp.Body) {
			// incident.io's Statuspage-compatible summary says less than
			// its own JSON (component groups, incident updates).
			if st, proxy, ok := r.tryProxy(ctx, c, lim); ok {
				r.memo.put(spec.URL, detection{URL: proxy, Format: statuspage.IncidentIO, At: time.Now().UTC()})
				return st, proxy, statuspage.IncidentIO, nil
			}
		}
		st, err := r.parseResp(ctx, &catalog.SourceSpec{URL: c, Format: f}, resp, lim, nil)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", c, err)
			}
			continue
		}
		r.memo.put(spec.URL, detection{URL: c, Format: f, At: time.Now().UTC()})
		return st, c, f, nil
	}
	if ctx.Err() != nil {
		return nil, spec.URL, statuspage.Auto, fmt.Errorf("timed out looking for a status format at %s", spec.URL)
	}
	var err error
	if wall != nil {
		// A private page: nothing else to find until someone logs in.
		err = fmt.Errorf("no status format found at %s: %w", spec.URL, wall)
	} else {
		msg := fmt.Sprintf("no status format found at %s (tried %d URLs); set format: (and selector: for an HTML page) in the config", spec.URL, len(tried))
		if firstErr != nil {
			msg += "; " + firstErr.Error()
		}
		err = errors.New(msg)
	}
	// A page with nothing to read stays that way for a while: do not
	// search again on every poll.
	r.notFound.Store(spec.URL, notFound{err: err, until: time.Now().Add(searchAgainAfter)})
	return nil, spec.URL, statuspage.Auto, err
}

// asked is a candidate URL being fetched.
type asked struct {
	url  string
	done chan struct{}
	resp *fetch.Response
	err  error
}

// wait is the candidate's answer, once it has come.
func (a *asked) wait() (*fetch.Response, error) {
	<-a.done
	return a.resp, a.err
}

// ask starts fetching every URL of urls not tried yet, all at once (the
// fetcher's per-host limit still holds), and returns them in their order.
func (r *Reader) ask(ctx context.Context, urls []string, tried map[string]bool) []*asked {
	var out []*asked
	for _, u := range urls {
		if tried[u] {
			continue
		}
		tried[u] = true
		a := &asked{url: u, done: make(chan struct{})}
		go func() {
			defer close(a.done)
			a.resp, a.err = r.get(ctx, u)
		}()
		out = append(out, a)
	}
	return out
}

// searchAgainAfter is how long a failed search is not repeated.
const searchAgainAfter = 15 * time.Minute

// notFound is a failed search, remembered until a time.
type notFound struct {
	err   error
	until time.Time
}

// tryProxy reads incident.io's /proxy/<host> next to a compatible summary.
func (r *Reader) tryProxy(ctx context.Context, summary string, lim *statuspage.Limits) (*observe.Status, string, bool) {
	u, err := url.Parse(summary)
	if err != nil {
		return nil, "", false
	}
	proxy := u.Scheme + "://" + u.Host + "/proxy/" + u.Host
	resp, err := r.get(ctx, proxy)
	if err != nil || statuspage.Sniff(resp.Body) != statuspage.IncidentIO {
		return nil, "", false
	}
	st, err := r.parseResp(ctx, &catalog.SourceSpec{URL: proxy, Format: statuspage.IncidentIO}, resp, lim, nil)
	return st, proxy, err == nil
}

// lookInside finds more candidates in a body no reader recognised: a
// status.io page's API, and the feeds an HTML page advertises.
func (r *Reader) lookInside(at string, resp *fetch.Response) []string {
	var out []string
	if id := statuspage.StatusIOPageID(resp.Body); id != "" {
		api := r.statusIOAPI
		if api == "" {
			api = statusIOAPI
		}
		out = append(out, api+id)
	}
	base, err := url.Parse(resp.URL)
	if err != nil {
		base, _ = url.Parse(at)
	}
	for _, href := range statuspage.AlternateFeeds(resp.Body) {
		ref, err := url.Parse(href)
		if err != nil || base == nil {
			continue
		}
		// Only feeds on the page's own host: a page must not be able to
		// send vendorwatch to an address of its choosing (an internal one).
		abs := base.ResolveReference(ref)
		if (abs.Scheme == "http" || abs.Scheme == "https") && strings.EqualFold(abs.Host, base.Host) {
			out = append(out, abs.String())
		}
	}
	return out
}
