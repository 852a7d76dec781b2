package traffic

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// wrongType is an answer of another type than the query's kind asks for:
// an override that is a string or a range vector.
type wrongType struct{ got string }

func (e *wrongType) Error() string {
	return fmt.Sprintf("the query returns a %s; it must return an instant vector", e.got)
}

// maxMessage caps a message quoted from Prometheus.
const maxMessage = 300

// clean makes text from Prometheus safe to show: one printable line, no
// secret, not too long.
func clean(s string) string {
	return termtext.Clip(termtext.Line(redact.Shapes(s)), maxMessage)
}

// classify maps a query's failure to the signal's result and a sentence.
// Prometheus down or unreachable is a network error, no answer in time a
// timeout; a query Prometheus refuses (bad_data), a missing API or
// rejected credentials are misconfigured, with Prometheus's own message;
// the rest is Prometheus's error (vendor_error: the source's, not a
// vendor's).
func classify(ctx context.Context, err error, base string) (observe.Result, string) {
	where := "Prometheus at " + clean(redactURL(base))
	var apiErr *v1.Error
	var wt *wrongType
	var netErr net.Error
	var urlErr *url.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return observe.ResultTimeout, where + " did not answer in time"
	case errors.As(err, &wt):
		return observe.ResultMisconfigured, "traffic query: " + wt.Error()
	case errors.As(err, &apiErr):
		return classifyAPI(apiErr, where)
	case errors.As(err, &netErr) && netErr.Timeout():
		return observe.ResultTimeout, where + " did not answer in time"
	case errors.As(err, &urlErr):
		return observe.ResultNetworkError, where + " cannot be reached: " + clean(urlErr.Err.Error())
	}
	return observe.ResultNetworkError, where + ": " + clean(err.Error())
}

func classifyAPI(e *v1.Error, where string) (observe.Result, string) {
	switch e.Type {
	case v1.ErrBadData:
		return observe.ResultMisconfigured, where + " refused the query: " + clean(e.Msg)
	case v1.ErrTimeout, v1.ErrCanceled:
		return observe.ResultTimeout, where + " gave up on the query: " + clean(e.Msg)
	case v1.ErrClient:
		code := strings.TrimPrefix(e.Msg, "client error: ")
		switch code {
		case "401", "403":
			return observe.ResultMisconfigured, where + " refused our credentials (HTTP " + code + "): check traffic: prometheus: token: and headers:"
		case "404", "405":
			return observe.ResultMisconfigured, where + " has no query API at that address (HTTP " + code + "): check the URL's path prefix"
		}
		return observe.ResultMisconfigured, where + " refused the request: " + clean(e.Msg)
	case v1.ErrBadResponse:
		return observe.ResultVendorError, where + " gave an answer that is not Prometheus's API: " + clean(e.Msg)
	}
	return observe.ResultVendorError, where + " failed the query: " + clean(e.Msg)
}

// redactURL drops anything but the scheme, host and path from a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(the configured URL)"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}
