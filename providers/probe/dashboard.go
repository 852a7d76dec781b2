package probe

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// Dashboard checks v's web dashboard without a key, the way a browser
// opening it would: it loads the dashboard's page, and sends the API the
// CORS preflight that the page's calls need (OPTIONS on the keyless path
// with the dashboard's Origin, asking for GET with an Authorization
// header). The page may load while its calls to the API are refused; that
// is how a dashboard that "does not load" looks from outside. Each request
// that fails fast is retried once within the check, like a probe (a
// timeout never). It returns nil for a
// vendor without a dashboard.
func (p *Prober) Dashboard(ctx context.Context, v *catalog.Vendor) *observe.Dashboard {
	origin := strings.TrimRight(v.API.Dashboard, "/")
	if origin == "" || v.API.BaseURL == "" {
		return nil
	}
	d := &observe.Dashboard{Origin: origin}
	retry := func(once func() observe.Reachability) observe.Reachability {
		r := once()
		if Retryable(r.Result) && ctx.Err() == nil && p.sleep(ctx, p.retryWait) == nil {
			if again := once(); again.Result != observe.ResultNotChecked {
				r = again // a retry that found no slot leaves the first answer
			}
		}
		return r
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Page = retry(func() observe.Reachability { return p.dashboardPage(ctx, origin) })
	}()
	target := strings.TrimRight(v.API.BaseURL, "/") + v.API.Reach
	d.Preflight = retry(func() observe.Reachability { return p.preflight(ctx, target, origin) })
	<-done
	return d
}

// dashboardPage loads the dashboard's page: any answer below 500 counts
// (a login redirect or page is the dashboard working), a 5xx is the
// vendor failing.
func (p *Prober) dashboardPage(ctx context.Context, origin string) observe.Reachability {
	r := observe.Reachability{CheckedAt: p.now().UTC()}
	start := time.Now()
	resp, err := p.get(ctx, origin+"/", http.Header{"Accept": {"text/html"}})
	if err != nil {
		return transportReach(r, err, start, p)
	}
	r.HTTPStatus, r.LatencyMS = resp.StatusCode, resp.Latency.Milliseconds()
	r.Result = observe.ResultReachable
	if resp.StatusCode >= 500 {
		r.Result, r.Error = observe.ResultVendorError, fmt.Sprintf("the dashboard page answered HTTP %d", resp.StatusCode)
	}
	return r
}

// preflight sends the API the CORS preflight of a keyed GET from origin.
// It passes when the answer is not a 5xx and allows the origin (or any
// origin); anything else means the dashboard's calls cannot go through.
func (p *Prober) preflight(ctx context.Context, target, origin string) observe.Reachability {
	r := observe.Reachability{CheckedAt: p.now().UTC()}
	req, err := http.NewRequestWithContext(ctx, http.MethodOptions, target, nil)
	if err != nil {
		r.Result, r.Error = observe.ResultMisconfigured, Scrub(err.Error(), "", MaxMessage)
		return r
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", http.MethodGet)
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	start := time.Now()
	resp, err := p.fetch.DoWithin(req, nil, p.timeout)
	if err != nil {
		return transportReach(r, err, start, p)
	}
	r.HTTPStatus, r.LatencyMS = resp.StatusCode, resp.Latency.Milliseconds()
	allow := strings.TrimSpace(resp.Header.Get("Access-Control-Allow-Origin"))
	switch {
	case resp.StatusCode >= 500:
		r.Result, r.Error = observe.ResultVendorError, fmt.Sprintf("the API answered the dashboard's preflight with HTTP %d", resp.StatusCode)
	case allow != "*" && !strings.EqualFold(strings.TrimRight(allow, "/"), origin):
		r.Result = observe.ResultVendorError
		r.Error = fmt.Sprintf("the API's preflight (HTTP %d) does not allow the dashboard's origin", resp.StatusCode)
		if allow != "" {
			r.Error += " (it allows " + Scrub(allow, "", 80) + ")"
		}
	default:
		r.Result = observe.ResultReachable
	}
	return r
}

// transportReach is a request that got no HTTP answer.
func transportReach(r observe.Reachability, err error, start time.Time, p *Prober) observe.Reachability {
	vd := TransportVerdict(err, p.timeout)
	r.Result, r.Error, r.LatencyMS = vd.Result, Scrub(vd.Message, "", MaxMessage), time.Since(start).Milliseconds()
	if r.Result == observe.ResultUnexpected {
		r.Result = observe.ResultVendorError
	}
	return r
}
