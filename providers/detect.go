package providers

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/vendorwatch/vendorwatch/statuspage"
)

// detect finds the format of a source given without one. A bare page URL
// (no path) is tried as a Statuspage-compatible page first; any other URL
// is fetched and its bytes sniffed.
func (r *statusReader) detect(ctx context.Context, spec SourceSpec) (*statuspage.Status, string, statuspage.Format, error) {
	var candidates []string
	if u, err := url.Parse(spec.URL); err == nil && strings.Trim(u.Path, "/") == "" {
		candidates = append(candidates, strings.TrimRight(spec.URL, "/")+"/api/v2/summary.json")
	}
	candidates = append(candidates, spec.URL)
	var firstErr error
	for _, c := range candidates {
		resp, err := r.get(ctx, c)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		f := statuspage.Sniff(resp.Body)
		if f == statuspage.Auto {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: format not recognised; set format: in the config", c)
			}
			continue
		}
		st, err := r.parse(ctx, SourceSpec{URL: c, Format: f}, resp)
		return st, c, f, err
	}
	return nil, spec.URL, statuspage.Auto, firstErr
}
