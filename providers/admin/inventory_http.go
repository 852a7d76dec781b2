package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// adminRun is one read of a vendor's admin API: the resolved secret, where
// it may go and how many requests it may still send. The secret lives only
// here, for the length of the read, and goes only in the auth header of a
// request to the vendor's configured API host.
type adminRun struct {
	p      *probe.Prober
	base   string
	secret string
	// auth is how the secret is sent: bearer or x-api-key.
	auth string
	// family names the classifier of the vendor's error bodies.
	family string
	// header holds the extra, non-secret headers (anthropic-version).
	header map[string]string
	budget int
	items  int
	// requests are the requests sent so far, kept as evidence; audits
	// the audit-log queries with their answers.
	requests []observe.AdminRequest
	audits   []observe.AuditQuery
	// reads counts the lists of an inventory read that answered;
	// firstFail is the first list that did not.
	reads     int
	firstFail *adminFailure
	// halt ends the read at the first answer that says more requests are
	// no use now: a rate limit to wait out until the next check, or the
	// admin key rejected. Every later request fails with it unsent.
	halt *adminFailure
}

// adminFailure is a failed admin read in the key-probe vocabulary, its
// message scrubbed.
type adminFailure struct {
	result  observe.Result
	status  int
	code    string
	message string
	// endpoint is the request that failed ("GET /v1/organization/projects"),
	// empty when none was sent.
	endpoint string
}

func (f *adminFailure) Error() string { return f.message }

// apply copies the failure into a result's fields.
func (f *adminFailure) apply(r *observe.Result, status *int, code, msg *string) {
	*r, *status, *code, *msg = f.result, f.status, f.code, f.message
}

// newAdminRun resolves ref and checks that the vendor's API may receive
// it. A nil run comes with the failure that prevents it.
func (a *Client) newAdminRun(ctx context.Context, v catalog.Vendor, ref config.SecretRef, extra map[string]string) (*adminRun, *adminFailure) {
	base, err := url.Parse(v.API.BaseURL)
	if err != nil || base.Host == "" {
		return nil, &adminFailure{result: observe.ResultMisconfigured, code: "bad_api_url", message: fmt.Sprintf("cannot use api.base_url %q", v.API.BaseURL)}
	}
	if !probe.KeySafe(base) {
		return nil, &adminFailure{result: observe.ResultMisconfigured, code: "insecure_url",
			message: fmt.Sprintf("refusing to send the admin key to %s://%s: keys go over HTTPS only (plain HTTP only to loopback)", base.Scheme, base.Host)}
	}
	secret, err := a.p.Resolve(ctx, ref)
	if err != nil {
		f := &adminFailure{result: observe.ResultNoSecret, message: probe.Scrub(err.Error(), "", probe.MaxMessage)}
		var se *config.SecretError
		if errors.As(err, &se) {
			f.code = se.Code
		}
		return nil, f
	}
	r := &adminRun{p: a.p, base: strings.TrimRight(v.API.BaseURL, "/"), secret: secret, auth: "bearer", budget: MaxAdminRequests, header: map[string]string{}}
	if v.Probe != nil {
		r.family = v.Probe.Family
		for k, val := range v.Probe.Headers {
			r.header[k] = val
		}
		if strings.EqualFold(v.Probe.Auth, "x-api-key") {
			r.auth = "x-api-key"
		}
	}
	for k, val := range extra {
		r.header[k] = val
	}
	return r, nil
}

// forget drops the secret once the read is over.
func (r *adminRun) forget() { r.secret = "" }

// errBudget ends a read that has used up its requests.
var errBudget = errors.New("request budget of one admin read used up")

// get sends one read-only request and returns a 2xx answer; anything else
// is an *adminFailure. A timeout, a 5xx or a 429 is retried once within the
// check, after the vendor's Retry-After when it asks for no more than a
// check may wait; a longer wait is left for the next check.
func (r *adminRun) get(ctx context.Context, path string, q url.Values) (*fetch.Response, error) {
	target, err := url.Parse(r.base + path)
	if err != nil {
		return nil, &adminFailure{result: observe.ResultMisconfigured, code: "bad_url", message: "cannot build the admin URL for " + path}
	}
	if len(q) > 0 {
		target.RawQuery = q.Encode()
	}
	if !probe.KeySafe(target) {
		return nil, &adminFailure{result: observe.ResultMisconfigured, code: "insecure_url", message: "refusing to send the admin key over plain HTTP to a remote host"}
	}
	if r.halt != nil {
		return nil, r.halt
	}
	for attempt := 0; ; attempt++ {
		if r.budget <= 0 {
			return nil, errBudget
		}
		r.budget--
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
		if err != nil {
			return nil, &adminFailure{result: observe.ResultMisconfigured, code: "bad_request", message: "cannot build the admin request for " + path}
		}
		req.Header.Set("Accept", "application/json")
		for k, v := range r.header {
			req.Header.Set(k, v)
		}
		if r.auth == "x-api-key" {
			req.Header.Set("x-api-key", r.secret)
		} else {
			req.Header.Set("Authorization", "Bearer "+r.secret)
		}
		resp, err := r.p.Send(req)
		var vd probe.Verdict
		if err != nil {
			vd = probe.TransportVerdict(err, r.p.Timeout())
		} else {
			vd = probe.Classify(r.family, resp.StatusCode, resp.Header, resp.Body, nil)
		}
		r.record(path, resp, vd.Result)
		if err == nil && vd.Result == observe.ResultOK {
			return resp, nil
		}
		if attempt > 0 || !probe.Retryable(vd.Result) || ctx.Err() != nil {
			f := r.fail(path, resp, vd)
			if vd.Result == observe.ResultRateLimited || vd.Result == observe.ResultInvalidKey {
				r.halt = f
			}
			return nil, f
		}
		wait, ok := r.p.RetryDelay(resp)
		if !ok {
			vd.Message = strings.TrimSpace(vd.Message + " (the vendor asks to wait " + wait.String() + "; trying again at the next check)")
			r.halt = r.fail(path, resp, vd)
			return nil, r.halt
		}
		if r.p.Sleep(ctx, wait) != nil {
			return nil, r.fail(path, resp, vd)
		}
	}
}

// record keeps one request as evidence: its endpoint, status, outcome and
// the vendor's request id. The endpoint holds ids the vendor listed (a
// project's): one shaped like a key, or a key echoed back as one, is kept
// as its fingerprint, as on every other way out.
func (r *adminRun) record(path string, resp *fetch.Response, res observe.Result) {
	p, _, _ := strings.Cut(path, "?")
	q := observe.AdminRequest{At: r.p.Now().UTC(), Path: probe.Scrub(p, r.secret, maxPath), Result: res}
	if resp != nil {
		q.HTTPStatus = resp.StatusCode
		q.RequestID, q.RequestIDFrom = probe.RequestID(resp.Header, resp.Body, r.secret)
	}
	r.requests = append(r.requests, q)
}

// last is the latest request sent, zero before the first.
func (r *adminRun) last() observe.AdminRequest {
	if len(r.requests) == 0 {
		return observe.AdminRequest{}
	}
	return r.requests[len(r.requests)-1]
}

// fail turns a verdict into an *adminFailure naming the endpoint.
func (r *adminRun) fail(path string, resp *fetch.Response, vd probe.Verdict) *adminFailure {
	f := &adminFailure{result: vd.Result, code: probe.Scrub(vd.Code, r.secret, 80)}
	if resp != nil {
		f.status = resp.StatusCode
	}
	p, _, _ := strings.Cut(path, "?")
	f.endpoint = "GET " + p
	msg := vd.Message
	if msg == "" && f.status != 0 {
		msg = "HTTP " + strconv.Itoa(f.status)
	}
	f.message = probe.Scrub("GET "+p+": "+msg, r.secret, probe.MaxMessage)
	return f
}

// failure is any error of a read as an *adminFailure.
func (r *adminRun) failure(err error) *adminFailure {
	var f *adminFailure
	if errors.As(err, &f) {
		return f
	}
	return &adminFailure{result: observe.ResultUnexpected, code: "admin_read", message: probe.Scrub(err.Error(), r.secret, probe.MaxMessage)}
}

// listEnvelope is the cursor-paginated list both OpenAI and Anthropic
// answer: {"data":[…],"has_more":…,"last_id":…}.
type listEnvelope struct {
	Data    []json.RawMessage `json:"data"`
	HasMore bool              `json:"has_more"`
	LastID  string            `json:"last_id"`
}

// list reads every page of a list, calling each for every item. cursor is
// the query parameter that takes the last id (after, after_id). complete
// is false when a bound was hit before the end.
func (r *adminRun) list(ctx context.Context, path string, q url.Values, cursor string, limit int, each func(json.RawMessage) error) (complete bool, err error) {
	query := url.Values{}
	for k, v := range q {
		query[k] = v
	}
	query.Set("limit", strconv.Itoa(limit))
	after := ""
	for range MaxListPages {
		if after != "" {
			query.Set(cursor, after)
		}
		resp, err := r.get(ctx, path, query)
		if errors.Is(err, errBudget) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		var env listEnvelope
		if err := json.Unmarshal(resp.Body, &env); err != nil || env.Data == nil {
			return false, &adminFailure{result: observe.ResultUnexpected, code: "not_a_list", message: "GET " + path + ": the answer is not the admin API's list JSON"}
		}
		for _, d := range env.Data {
			if r.items >= MaxInventoryKeys {
				return false, nil
			}
			r.items++
			if err := each(d); err != nil {
				return false, err
			}
		}
		if !env.HasMore || len(env.Data) == 0 {
			return true, nil
		}
		next := env.LastID
		if next == "" {
			var last struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(env.Data[len(env.Data)-1], &last)
			next = last.ID
		}
		if next == "" || next == after {
			return false, &adminFailure{result: observe.ResultUnexpected, code: "pagination", message: "GET " + path + ": the list's pagination did not advance"}
		}
		after = next
	}
	return false, nil
}

// decodeItem decodes one list item, failing the read on a malformed one.
func decodeItem(path string, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return &adminFailure{result: observe.ResultUnexpected, code: "bad_item", message: "GET " + path + ": an item of the list is not the expected JSON"}
	}
	return nil
}

// maxPath is the longest endpoint a request's evidence keeps: OpenAI's
// longest, a key of a project, is under 100 characters.
const maxPath = 300
