package probe

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
)

// Reach sends v's keyless request (api.base_url + api.reach) and says
// whether the vendor answered in its own JSON. Any status counts as
// reachable — usually it is a 401, since no key is sent — except a 5xx,
// which is the vendor failing, as is an HTML page from its edge. No answer
// is a timeout or a network error. Like a probe, a fast failure is retried
// once within the check, a timeout never. It returns nil for a vendor with
// no keyless request.
func (p *Prober) Reach(ctx context.Context, v *catalog.Vendor) *observe.Reachability {
	if v.API.BaseURL == "" || v.API.Reach == "" {
		return nil
	}
	target := strings.TrimRight(v.API.BaseURL, "/") + v.API.Reach
	var r observe.Reachability
	for attempt := 0; ; attempt++ {
		again := p.reachOnce(ctx, target)
		if attempt > 0 && again.Result == observe.ResultNotChecked {
			break // the retry found no slot: the first answer stands
		}
		r = again
		if attempt > 0 || !Retryable(r.Result) || ctx.Err() != nil {
			break
		}
		if p.sleep(ctx, p.retryWait) != nil {
			break
		}
	}
	return &r
}

// reachOnce is one keyless request to target. What the answer means is
// read by reachAnswer: kept apart, its temporaries are not in this frame,
// which every vendor's probe holds while its request waits.
func (p *Prober) reachOnce(ctx context.Context, target string) observe.Reachability {
	r := observe.Reachability{CheckedAt: p.now().UTC()}
	start := time.Now()
	resp, err := p.get(ctx, target, http.Header{"Accept": {"application/json"}})
	if err != nil {
		return transportReach(r, err, start, p)
	}
	return reachAnswer(r, resp)
}

// reachAnswer completes r from the answer to a keyless request.
func reachAnswer(r observe.Reachability, resp *fetch.Response) observe.Reachability {
	r.HTTPStatus, r.LatencyMS = resp.StatusCode, resp.Latency.Milliseconds()
	a := newAnswer(resp.StatusCode, resp.Header, resp.Body, nil)
	switch {
	case !a.isJSON():
		r.Result, r.Error = observe.ResultVendorError, Scrub(edgeVerdict(a).Message, "", MaxMessage)
	case resp.StatusCode >= 500:
		msg := genericVerdict(a).Message
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		r.Result, r.Error = observe.ResultVendorError, Scrub(fmt.Sprintf("HTTP %d: %s", resp.StatusCode, msg), "", MaxMessage)
	default:
		r.Result = observe.ResultReachable
	}
	return r
}
